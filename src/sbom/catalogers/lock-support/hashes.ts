import type { DistributionArtifact, Hash, HashAlgorithm } from '../../model.ts';
import { isHexDigest } from '../../../shared/digest.ts';
import { LOCK_LIMITS } from './limits.ts';
import type { ProblemLog } from './problems.ts';
import { isTable, safeKeys, type Table } from './fields.ts';

const ALGORITHMS = new Set<string>(['md5', 'sha1', 'sha256', 'sha384', 'sha512']);

/**
 * Reads one `algorithm:hex` / `algorithm=hex` hash (pip, uv, poetry, Pipfile.lock spellings). Algorithms the
 * model has no name for (blake2b) are skipped silently; a malformed digest of a known one is reported.
 */
export function parseHashString(value: unknown, log: ProblemLog, line?: number): Hash | undefined {
  if (typeof value !== 'string') {
    log.warn('LOCK_HASH_INVALID', `A hash is not a string: ${JSON.stringify(value)?.slice(0, 80)}.`, line);
    return undefined;
  }
  const m = /^([a-z0-9_-]+)[:=](.*)$/i.exec(value.trim());
  if (!m) {
    log.warn('LOCK_HASH_INVALID', `'${value.slice(0, 80)}' is not an algorithm:digest hash.`, line);
    return undefined;
  }
  return checkedHash(m[1]!, m[2]!, log, line);
}

/** Reads a `{sha256 = "…", md5 = "…"}` table (PEP 751, pip report `hashes`). */
export function parseHashTable(value: unknown, log: ProblemLog, line?: number): Hash[] {
  if (!isTable(value)) return [];
  const out: Hash[] = [];
  for (const algorithm of safeKeys(value).sort()) {
    const digest = (value as Table)[algorithm];
    if (typeof digest !== 'string') {
      log.warn('LOCK_HASH_INVALID', `The ${algorithm} hash is not a string.`, line);
      continue;
    }
    const hash = checkedHash(algorithm, digest, log, line);
    if (hash) out.push(hash);
  }
  return out;
}

function checkedHash(algorithm: string, digest: string, log: ProblemLog, line?: number): Hash | undefined {
  const alg = algorithm.toLowerCase();
  if (!ALGORITHMS.has(alg)) return undefined;
  const hex = digest.trim().toLowerCase();
  if (!isHexDigest(alg, hex)) {
    log.warn('LOCK_HASH_INVALID', `'${digest.slice(0, 80)}' is not a ${alg} digest.`, line);
    return undefined;
  }
  return { algorithm: alg as HashAlgorithm, value: hex };
}

/**
 * The hashes that describe the package itself: those of its single artifact when the lock allows exactly
 * one file. With several artifacts (wheels per platform, an sdist) no one file *is* the package, so the
 * package carries none and each artifact keeps its own (see DistributionArtifact).
 */
export function componentHashes(artifacts: readonly DistributionArtifact[]): Hash[] {
  return artifacts.length === 1 ? [...artifacts[0]!.hashes] : [];
}

/** Drops artifacts past the per-package bound, reporting it once. */
export function boundArtifacts(
  artifacts: DistributionArtifact[],
  log: ProblemLog,
  name: string,
  line?: number,
): DistributionArtifact[] {
  if (artifacts.length <= LOCK_LIMITS.maxArtifactsPerPackage) return artifacts;
  log.warn(
    'LOCK_TOO_MANY_ENTRIES',
    `${name} lists ${artifacts.length} files; only the first ${LOCK_LIMITS.maxArtifactsPerPackage} are kept.`,
    line,
  );
  return artifacts.slice(0, LOCK_LIMITS.maxArtifactsPerPackage);
}

/** Wheel or sdist, from a file name. */
export function artifactKind(filename: string | undefined): DistributionArtifact['kind'] {
  if (!filename) return 'archive';
  if (/\.whl$/i.test(filename)) return 'wheel';
  if (/\.(tar\.gz|zip|tar\.bz2|tgz|tar\.xz|tar)$/i.test(filename)) return 'sdist';
  return 'archive';
}

/** Last path segment of a URL or path, without query or fragment. */
export function fileNameOf(url: string): string | undefined {
  const clean = url.split(/[?#]/)[0]!;
  const name = clean.slice(clean.lastIndexOf('/') + 1);
  return name === '' ? undefined : decodeURIComponentSafe(name);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
