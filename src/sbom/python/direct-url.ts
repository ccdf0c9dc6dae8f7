import type { DirectUrl, Hash, HashAlgorithm } from '../model.ts';
import { isHexDigest } from '../../shared/digest.ts';

/** PEP 610 direct_url.json: where a distribution installed from a URL, a VCS or a local path came from. */
export interface ParsedDirectUrl {
  directUrl: DirectUrl;
  /** Hashes of the archive that was installed (archive_info), usable as the distribution's hashes. */
  hashes: Hash[];
}

const ALGORITHMS = new Set<HashAlgorithm>(['md5', 'sha1', 'sha256', 'sha384', 'sha512']);

/** Undefined when the text is not a PEP 610 document. */
export function parseDirectUrl(text: string): ParsedDirectUrl | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc) || typeof doc.url !== 'string' || doc.url === '') return undefined;
  const url = redactCredentials(doc.url);
  const hashes: Hash[] = [];
  if (isObject(doc.vcs_info) && typeof doc.vcs_info.vcs === 'string') {
    const vcs: NonNullable<DirectUrl['vcs']> = { vcs: doc.vcs_info.vcs };
    if (typeof doc.vcs_info.commit_id === 'string') vcs.commitId = doc.vcs_info.commit_id;
    if (typeof doc.vcs_info.requested_revision === 'string')
      vcs.requestedRevision = doc.vcs_info.requested_revision;
    return { directUrl: { url, kind: 'vcs', vcs }, hashes };
  }
  if (isObject(doc.archive_info)) {
    const info = doc.archive_info;
    if (isObject(info.hashes)) {
      for (const [algorithm, value] of Object.entries(info.hashes)) addHash(hashes, algorithm, value);
    } else if (typeof info.hash === 'string') {
      const eq = info.hash.indexOf('=');
      if (eq > 0) addHash(hashes, info.hash.slice(0, eq), info.hash.slice(eq + 1));
    }
    const directUrl: DirectUrl = { url, kind: 'archive' };
    const best = hashes.find((h) => h.algorithm === 'sha256') ?? hashes[0];
    if (best) directUrl.archiveHash = `${best.algorithm}=${best.value}`;
    return { directUrl, hashes };
  }
  if (isObject(doc.dir_info)) {
    const directUrl: DirectUrl = { url, kind: 'dir' };
    if (doc.dir_info.editable === true) directUrl.editable = true;
    return { directUrl, hashes };
  }
  return undefined;
}

function addHash(hashes: Hash[], algorithm: string, value: unknown) {
  const algo = algorithm.toLowerCase() as HashAlgorithm;
  if (!ALGORITHMS.has(algo) || typeof value !== 'string') return;
  const hex = value.toLowerCase();
  if (isHexDigest(algo, hex) && !hashes.some((h) => h.algorithm === algo))
    hashes.push({ algorithm: algo, value: hex });
}

/** PEP 610 asks installers not to record credentials; drop any that slipped in (a bare `git@` stays). */
function redactCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i, (whole, scheme: string, userinfo: string) =>
    userinfo === 'git' ? whole : `${scheme}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
