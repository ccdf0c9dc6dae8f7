import { isHexDigest } from '../../../shared/digest.ts';
import type { Hash, HashAlgorithm } from '../../model.ts';

/**
 * What pip reads from a URL or path requirement without downloading anything: VCS scheme and revision,
 * the `#egg=` name, `#sha256=` hashes, and the project name and version a wheel's file name carries.
 */

const VCS_SCHEMES: Record<string, string[]> = {
  git: ['git', 'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file'],
  hg: ['hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http'],
  svn: ['svn', 'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file'],
  bzr: ['bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file'],
};
const VCS_BY_SCHEME = new Map(
  Object.entries(VCS_SCHEMES).flatMap(([vcs, schemes]) => schemes.map((s) => [s, vcs] as const)),
);
const URL_SCHEMES = new Set(['http', 'https', 'file', 'ftp', ...VCS_BY_SCHEME.keys()]);

function schemeOf(text: string): string | undefined {
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : text.slice(0, colon).toLowerCase();
}

/** pip's `is_url`: a scheme pip knows how to fetch, plain or VCS. */
export function isUrl(text: string): boolean {
  const scheme = schemeOf(text);
  return scheme !== undefined && URL_SCHEMES.has(scheme);
}

/** The VCS (`git`, `hg`, `svn`, `bzr`) a URL's scheme names, if any. */
export function vcsOf(url: string): string | undefined {
  const scheme = schemeOf(url);
  return scheme === undefined ? undefined : VCS_BY_SCHEME.get(scheme);
}

/** pip's archive extensions: what a path or URL must end with to be installed as a file. */
const ARCHIVE_EXTENSIONS = [
  '.whl',
  '.zip',
  '.tar.gz',
  '.tgz',
  '.tar',
  '.tar.bz2',
  '.tbz',
  '.tar.xz',
  '.txz',
  '.tlz',
  '.tar.lz',
  '.tar.lzma',
];

export function archiveExtension(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return ARCHIVE_EXTENSIONS.filter((e) => lower.endsWith(e)).sort((a, b) => b.length - a.length)[0];
}

/** The URL without its `#fragment`. */
export function withoutFragment(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}

function fragmentParams(url: string): Map<string, string> {
  const params = new Map<string, string>();
  const i = url.indexOf('#');
  if (i < 0) return params;
  for (const part of url.slice(i + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && !params.has(part.slice(0, eq))) params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return params;
}

/** The `#egg=` project name, when the URL has one. */
export function eggFragment(url: string): string | undefined {
  const egg = fragmentParams(url).get('egg');
  return egg === undefined || egg === '' ? undefined : egg;
}

const LINK_HASHES: Record<string, HashAlgorithm> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};

/** Hashes in the URL fragment (`#sha256=…`), which pip checks the download against. Invalid ones are skipped. */
export function fragmentHashes(url: string): { hashes: Hash[]; invalid: string[] } {
  const hashes: Hash[] = [];
  const invalid: string[] = [];
  for (const [key, value] of fragmentParams(url)) {
    const algorithm = LINK_HASHES[key.toLowerCase()];
    if (!algorithm) {
      if (key.toLowerCase() === 'sha224') invalid.push(`${key}=${value}`);
      continue;
    }
    if (isHexDigest(algorithm, value.toLowerCase())) hashes.push({ algorithm, value: value.toLowerCase() });
    else invalid.push(`${key}=${value}`);
  }
  return { hashes, invalid };
}

/** The last path segment of a URL or path, percent-decoded. */
export function fileNameOf(urlOrPath: string): string {
  let path = withoutFragment(urlOrPath);
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  while (path.endsWith('/')) path = path.slice(0, -1);
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Name and version from a wheel file name (`{name}-{version}(-{build})?-{py}-{abi}-{platform}.whl`). */
export function parseWheelFileName(fileName: string): { name: string; version: string } | undefined {
  if (!fileName.toLowerCase().endsWith('.whl')) return undefined;
  const parts = fileName.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  if (!name || !version) return undefined;
  return { name, version };
}

/** Name and version from a source archive name (`{name}-{version}.tar.gz`), splitting at the last `-` before a digit. */
export function parseSdistFileName(fileName: string): { name: string; version: string } | undefined {
  const extension = archiveExtension(fileName);
  if (!extension || extension === '.whl') return undefined;
  const stem = fileName.slice(0, -extension.length);
  const m = /^(.+)-(\d[^-]*)$/.exec(stem);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

export interface VcsReference {
  vcs: string;
  /** The revision after the last `@` of the path (a branch, tag or commit), if any. */
  ref?: string;
  /** True only for a full commit id: 40 (SHA-1) or 64 (SHA-256) hex digits. */
  immutable: boolean;
  /** The repository URL with its revision, without fragment (the purl `vcs_url` form). */
  vcsUrl: string;
  /** The repository's last path segment, without `.git`. */
  repositoryName?: string;
}

/**
 * The VCS of an editable requirement: pip accepts there any `<vcs>+…` spelling, including scp-like
 * `git+git@host:org/repo` that is not a URL.
 */
export function editableVcsOf(text: string): string | undefined {
  const known = vcsOf(text);
  if (known) return known;
  const plus = text.indexOf('+');
  if (plus <= 0) return undefined;
  const prefix = text.slice(0, plus).toLowerCase();
  return prefix in VCS_SCHEMES ? prefix : undefined;
}

/** Reads a pip VCS URL (`git+https://host/org/repo.git@ref#egg=name&subdirectory=x`) of the given VCS. */
export function parseVcsUrl(url: string, vcs: string): VcsReference {
  const base = withoutFragment(url);
  // scp-like `git+git@host:org/repo` has no `://`; pip reads it as ssh.
  const schemeEnd = base.indexOf('://');
  const rest = schemeEnd < 0 ? base.slice(base.indexOf(':') + 1) : base.slice(schemeEnd + 3);
  const slash = rest.indexOf('/');
  const path = slash < 0 ? '' : rest.slice(slash);
  const at = path.lastIndexOf('@');
  const ref = at < 0 ? undefined : path.slice(at + 1) || undefined;
  const repoPath = at < 0 ? path : path.slice(0, at);
  const segment = repoPath.replace(/\/+$/, '').split('/').pop() ?? '';
  const repositoryName = segment.replace(/\.git$/i, '') || undefined;
  return {
    vcs,
    ...(ref !== undefined ? { ref } : {}),
    immutable: ref !== undefined && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref),
    vcsUrl: base,
    ...(repositoryName ? { repositoryName } : {}),
  };
}
