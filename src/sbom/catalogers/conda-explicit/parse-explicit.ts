import type { Hash, IndexDeclaration } from '../../model.ts';
import type { ParseResult } from '../cataloger.ts';
import { declaredCondaPackage } from '../lock-support/conda-package.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { redactUrl } from '../lock-support/urls.ts';
import { isHexDigest } from '../../../shared/digest.ts';
import { parseCondaArchiveUrl } from './conda-url.ts';

export const CONDA_EXPLICIT_CATALOGER = 'conda-explicit';

/**
 * Reads a conda explicit spec file (`conda list --explicit [--md5|--sha256]`, conda-lock's
 * `conda-<platform>.lock`): after the `@EXPLICIT` line, one package archive URL per line, optionally with
 * `#<md5>` / `#<sha256>` (or `#sha256:<hex>`). Each URL names exactly one file, so its hash is the package's.
 * Channels become index declarations.
 */
export function parseCondaExplicit(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'conda-explicit', conventional, log, 'conda explicit file');
  if (text === undefined) return result;
  const lines = text.split(/\r?\n/);
  const markerIndex = lines.findIndex((l) => l.trim() === '@EXPLICIT');
  if (markerIndex < 0) {
    log.warn(
      'CONDA_EXPLICIT_MARKER_MISSING',
      `${path} has no @EXPLICIT line, so it is not an explicit spec file; nothing read.`,
    );
    return result;
  }
  let platform: string | undefined;
  for (const l of lines.slice(0, markerIndex)) {
    const m = /^#\s*platform:\s*(\S+)/.exec(l);
    if (m) platform = m[1];
  }

  const channels = new Map<string, IndexDeclaration>();
  const seen = new Set<string>();
  let count = 0;
  for (let i = markerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const lineNo = i + 1;
    if (++count > LOCK_LIMITS.maxEntries) {
      log.error(
        'LOCK_TOO_MANY_ENTRIES',
        `${path} has more than ${LOCK_LIMITS.maxEntries} packages; the rest are skipped.`,
        lineNo,
      );
      break;
    }
    const hashAt = raw.indexOf('#');
    const url = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
    const parsed = parseCondaArchiveUrl(url);
    if (!parsed) {
      log.warn(
        'CONDA_EXPLICIT_URL_INVALID',
        `'${redactUrl(raw).slice(0, 120)}' is not a conda package URL (…/<name>-<version>-<build>.conda or .tar.bz2).`,
        lineNo,
      );
      continue;
    }
    const hashes = hashAt >= 0 ? readFragmentHash(raw.slice(hashAt + 1), log, lineNo) : [];
    const subdir = parsed.subdir ?? platform;
    const input = {
      foundBy: CONDA_EXPLICIT_CATALOGER,
      location: { path, line: lineNo },
      declared: 'explicit' as const,
      name: parsed.name,
      version: parsed.version,
      build: parsed.build,
      channel: parsed.channelUrl,
      channelName: parsed.channelName,
      subdir,
      url: redactUrl(url),
      archiveType: parsed.archiveType,
      hashes,
    };
    let pkg = declaredCondaPackage(input);
    if (seen.has(pkg.id)) pkg = declaredCondaPackage({ ...input, idQualifier: String(lineNo) });
    seen.add(pkg.id);
    result.packages.push(pkg);
    if (parsed.channelUrl && !channels.has(parsed.channelUrl)) {
      channels.set(parsed.channelUrl, {
        kind: 'lock-source',
        value: parsed.channelUrl,
        location: { path, line: lineNo },
      });
    }
  }
  result.indexes = [...channels.values()];
  return result;
}

/** `#<32 hex>` is MD5, `#<64 hex>` SHA-256 (what conda writes); `#md5:<hex>` / `#sha256:<hex>` are accepted too. */
function readFragmentHash(fragment: string, log: ProblemLog, line: number): Hash[] {
  const m = /^(?:(md5|sha256)[:=])?([0-9a-fA-F]+)$/.exec(fragment.trim());
  const hex = m?.[2]?.toLowerCase();
  const algorithm = m?.[1] ?? (hex?.length === 32 ? 'md5' : hex?.length === 64 ? 'sha256' : undefined);
  if (!hex || !algorithm || !isHexDigest(algorithm, hex)) {
    log.warn('LOCK_HASH_INVALID', `'#${fragment.slice(0, 80)}' is not an MD5 or SHA-256 digest.`, line);
    return [];
  }
  return [{ algorithm: algorithm as 'md5' | 'sha256', value: hex }];
}
