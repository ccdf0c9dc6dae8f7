import type { UploadInfo } from '../../policy/adapters/pins.ts';
import { uploadKey } from '../../policy/adapters/pins.ts';
import { isRaygateError, describeError } from '../../shared/errors.ts';

/**
 * The package index the gate asks when pinned releases were uploaded (PyPI's JSON API), for one collection:
 * each value has its own request budget. composition.ts builds it from `gate.packageIndex`.
 */
export interface PackageIndex {
  /** Base URL (`https://pypi.org`), named in the evidence and compared with the indexes lock files name. */
  readonly url: string;
  /** Lookups at once. */
  readonly concurrency: number;
  /** The upload times of a release's files; undefined when the index has no such project or release. */
  releaseFiles(project: string, version: string): Promise<readonly { uploadTime?: string }[] | undefined>;
}

/** A pinned release to look up, with the indexes its lock files install from (other than the default). */
export interface PinnedRelease {
  name: string;
  version: string;
  /** Index URLs, find-links and `--no-index` the lock files pinning it declare, as written. */
  sources: readonly string[];
}

/**
 * When each pinned release was uploaded, keyed by `uploadKey`. A release whose lock file names an index
 * other than `index` is not asked of `index`: that would send a private package's name to a public index
 * and answer for a different package that happens to share the name. Whatever cannot be answered gets an
 * `unknownReason`; nothing is guessed.
 */
export async function lookUpUploadTimes(
  pins: readonly PinnedRelease[],
  index: PackageIndex | undefined,
): Promise<Map<string, UploadInfo>> {
  const out = new Map<string, UploadInfo>();
  const queue: PinnedRelease[] = [];
  const queued = new Set<string>();
  for (const pin of pins) {
    const key = uploadKey(pin.name, pin.version);
    if (out.has(key) || queued.has(key)) continue;
    if (!index) {
      out.set(key, { unknownReason: 'upload-time lookups are disabled (gate.packageIndex.lookups)' });
      continue;
    }
    const foreign = pin.sources.filter((s) => !isSameIndex(s, index.url));
    if (foreign.length > 0) {
      out.set(key, {
        unknownReason: `its lock file installs from ${foreign.join(', ')}; ${index.url} is not asked about packages from other indexes`,
      });
      continue;
    }
    queued.add(key);
    queue.push(pin);
  }
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const pin = queue[next++]!;
      out.set(uploadKey(pin.name, pin.version), await lookUp(pin, index!));
    }
  };
  const workers = Math.max(1, Math.min(index?.concurrency ?? 1, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return out;
}

async function lookUp(pin: PinnedRelease, index: PackageIndex): Promise<UploadInfo> {
  let files: readonly { uploadTime?: string }[] | undefined;
  try {
    files = await index.releaseFiles(pin.name, pin.version);
  } catch (error) {
    return { index: index.url, unknownReason: whyUnanswered(error, index.url) };
  }
  if (!files) return { index: index.url, unknownReason: `not found on ${index.url}` };
  const uploadedAt = earliestUpload(files);
  if (uploadedAt === undefined) {
    return {
      index: index.url,
      unknownReason: `${index.url} lists no file of this release with an upload time`,
    };
  }
  return { index: index.url, uploadedAt };
}

/**
 * A release is as old as its first file. Files are added to a release later (a wheel for a new Python
 * version, a platform built afterwards) without changing the code that was released, so the latest upload
 * would make a long-vetted release look new; and a malicious release is new from its first file on.
 */
export function earliestUpload(files: readonly { uploadTime?: string }[]): string | undefined {
  let earliest = Number.POSITIVE_INFINITY;
  for (const file of files) {
    const t = file.uploadTime === undefined ? NaN : Date.parse(file.uploadTime);
    if (!Number.isNaN(t) && t < earliest) earliest = t;
  }
  return Number.isFinite(earliest) ? new Date(earliest).toISOString() : undefined;
}

function whyUnanswered(error: unknown, url: string): string {
  if (isRaygateError(error)) {
    if (error.code.endsWith('_REQUEST_BUDGET_EXCEEDED'))
      return `the request budget for ${url} in this collection is used up`;
    if (error.code.endsWith('_TIMEOUT')) return `${url} did not answer in time`;
    if (error.code.endsWith('_UNAVAILABLE')) return `${url} is unreachable: ${error.message}`;
  }
  return `${url} could not be asked: ${describeError(error)}`;
}

/**
 * Whether a declared index (`https://pypi.org/simple/`, a lock file's registry) is `base` (`https://pypi.org`):
 * same host and the same path once the simple API's `/simple` suffix is dropped. Anything else, a
 * find-links folder and `--no-index` included, is another source.
 */
export function isSameIndex(declared: string, base: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(declared);
    b = new URL(base);
  } catch {
    return false;
  }
  const path = (u: URL) => u.pathname.replace(/\/+$/, '').replace(/\/simple$/, '');
  return a.protocol === b.protocol && a.host === b.host && path(a) === path(b);
}
