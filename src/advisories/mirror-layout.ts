import path from 'node:path';

/**
 * The on-disk shape of the local OSV mirror, shared by its reader and writer:
 *
 *   <dir>/CURRENT                    name of the generation in use (replaced by rename: readers never see half)
 *   <dir>/generations/<g>/manifest.json   what the generation holds, its segments, the export validators
 *   <dir>/generations/<g>/ids.json        id → modified, location, index keys (used by the next import)
 *   <dir>/generations/<g>/index/<ecosystem>.json   normalised name → record locations (used by scans)
 *   <dir>/segments/<s>.ndjson        immutable record data, one JSON record per line, shared by generations
 *   <dir>/segments/<s>.match.ndjson  the same records trimmed to what matching reads (match-view.ts)
 *   <dir>/first-seen.ndjson          append-only ledger: when each (advisory, package) was first seen
 *   <dir>/import.lock                held by the one import running
 *
 * An import writes new segments and a new generation folder, then switches CURRENT by rename; a failed
 * import leaves CURRENT, and so the previous generation, untouched. A scan reads one index file per
 * ecosystem it asks about and then only the records of the packages it asks about, so its cost per package
 * does not grow with the number of advisories in the mirror.
 */
export const MIRROR_FORMAT = 1;

/** Location of a record's match view: segment number, byte offset and length in its `.match.ndjson`. */
export type RecordRef = [segment: number, offset: number, length: number];

/**
 * id → [modified, segment, offset, length (full record), index keys, withdrawn (1) or not (0), offset and
 * length of the match view].
 */
export type IdEntry = [
  modified: string,
  segment: number,
  offset: number,
  length: number,
  keys: string[],
  withdrawn: 0 | 1,
  viewOffset: number,
  viewLength: number,
];

export interface SourceValidator {
  etag?: string;
  lastModified?: string;
  /** When the export behind this validator was last imported. */
  importedAt: string;
}

export interface MirrorManifest {
  format: typeof MIRROR_FORMAT;
  generation: string;
  createdAt: string;
  records: number;
  /** Segment numbers the generation reads. */
  segments: number[];
  nextSegment: number;
  ecosystems: Record<string, { records: number; newestModified?: string; indexFile: string }>;
  /** Conditional-request validators per export URL (sync) or path (import). */
  sources: Record<string, SourceValidator>;
}

export function segmentName(segment: number): string {
  return `s${String(segment).padStart(6, '0')}.ndjson`;
}

export function matchSegmentName(segment: number): string {
  return `s${String(segment).padStart(6, '0')}.match.ndjson`;
}

export function generationName(n: number): string {
  return `g${String(n).padStart(6, '0')}`;
}

export function generationNumber(name: string): number {
  const match = /^g(\d+)$/.exec(name);
  return match ? Number(match[1]) : -1;
}

export function indexFileName(ecosystem: string): string {
  return `${encodeURIComponent(ecosystem)}.json`;
}

export const MIRROR_FILES = {
  current: 'CURRENT',
  lock: 'import.lock',
  ledger: 'first-seen.ndjson',
  generations: 'generations',
  segments: 'segments',
} as const;

/**
 * Where the mirror lives when `--osv-db` is not given: `$XDG_CACHE_HOME/raygate/osv`, else
 * `~/.cache/raygate/osv` (the XDG Base Directory default).
 */
export function defaultMirrorDir(env: Record<string, string | undefined>, home: string): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache');
  return path.join(base, 'raygate', 'osv');
}
