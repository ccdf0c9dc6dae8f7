import type { Problem } from '../model.ts';

/** A regular file a layer holds that the scan wanted: its bytes, or the fact that it was too large. */
export interface KeptFile {
  size: number;
  /** Undefined when the file is larger than the per-file bound (reading it then fails with a clear code). */
  bytes?: Uint8Array;
}

/**
 * What one layer contributes to the image, as far as a scan needs it: the wanted files with their bytes,
 * every symlink (to resolve paths), wanted hardlinks, whiteouts, and the set of paths it creates, so that
 * the squash can tell when a layer hides something a lower layer wrote.
 */
export interface LayerContents {
  /** Position in the manifest, 0 = base layer. */
  index: number;
  /** Identity of the layer as the image names it (descriptor digest). */
  digest: string;
  files: Map<string, KeptFile>;
  symlinks: Map<string, string>;
  /** Wanted hardlink path → normalised target path. */
  hardlinks: Map<string, string>;
  /** Hardlinks whose target came earlier in this layer but was not kept: filled by a second read. */
  pendingHardlinks: Map<string, string>;
  /** Paths deleted by `.wh.<name>` entries. */
  whiteouts: string[];
  /** Folders emptied by `.wh..wh..opq` entries. */
  opaques: string[];
  /** Every non-folder path the layer writes. */
  nonDirs: Set<string>;
  /** Every folder path the layer writes or implies (parents of its entries), `/` excluded. */
  dirs: Set<string>;
  problems: Problem[];
  stats: LayerStats;
}

export interface LayerStats {
  compressedBytes: number;
  uncompressedBytes: number;
  entries: number;
  keptBytes: number;
}

export function emptyLayerContents(index: number, digest: string): LayerContents {
  return {
    index,
    digest,
    files: new Map(),
    symlinks: new Map(),
    hardlinks: new Map(),
    pendingHardlinks: new Map(),
    whiteouts: [],
    opaques: [],
    nonDirs: new Set(),
    dirs: new Set(),
    problems: [],
    stats: { compressedBytes: 0, uncompressedBytes: 0, entries: 0, keptBytes: 0 },
  };
}

/**
 * Normalises a tar entry name to an absolute tree path (`./usr/lib/` → `/usr/lib`). Returns undefined for
 * a name that climbs above the root (`../../etc/passwd`): such an entry is skipped and reported, never
 * clamped, because no honest image builder writes one.
 */
export function normaliseEntryName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Resolves a link target written at `linkPath` lexically (no other links followed), the way the kernel
 * would inside the image's root: `..` at `/` stays at `/`, so nothing ever points outside the image.
 */
export function joinLinkTarget(linkDir: string, target: string): string {
  const joined = target.startsWith('/') ? target : `${linkDir}/${target}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
