import { RaygateError } from '../../shared/errors.ts';
import type { Problem, TargetDescription } from '../model.ts';
import type { FileTree, FileVersionBytes, PathFilter, Source, TreeFile } from './file-tree.ts';
import { IMAGE_LIMITS } from './image-limits.ts';
import type { ImageLimits } from './image-limits.ts';
import type { LayerContents } from './layer-contents.ts';
import { readLayer } from './layer-reader.ts';
import type { LayerBlob } from './layer-reader.ts';
import { SquashedImage } from './layers.ts';

/** What every image reader (registry, docker archive, OCI layout, OCI archive) resolves an image to. */
export interface ResolvedImage {
  description: TargetDescription;
  /** Layer blobs, base layer first. */
  layers: LayerBlob[];
  /** Opens a layer blob's stored (compressed) bytes; the signal aborts the transfer. */
  openBlob(blob: LayerBlob, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** Releases what the reader holds open (file handles), once the scan is done. */
  close?(): Promise<void>;
}

export interface ImageProgress {
  layersTotal: number;
  layersDone: number;
  /** Compressed bytes read so far, over all passes. */
  bytesRead: number;
  /** Sum of the layer sizes the manifest declares, when it declares them. */
  bytesTotal?: number;
}

export interface ImageSourceOptions {
  limits?: Partial<ImageLimits>;
  onProgress?: (progress: ImageProgress) => void;
}

/** Statistics of the last open, for benchmarks and progress summaries. */
export interface ImageReadStats {
  layers: number;
  compressedBytes: number;
  uncompressedBytes: number;
  entries: number;
  keptFiles: number;
  secondPassLayers: number;
}

export interface ImageSource extends Source {
  readonly stats: ImageReadStats;
}

/**
 * A resolved image as a Source: each layer is streamed once (several at a time, up to the concurrency
 * limit), only the wanted files are kept in memory, and layers are squashed in order as they complete.
 */
export function imageSource(image: ResolvedImage, options: ImageSourceOptions = {}): ImageSource {
  const limits: ImageLimits = { ...IMAGE_LIMITS, ...options.limits };
  const stats: ImageReadStats = {
    layers: image.layers.length,
    compressedBytes: 0,
    uncompressedBytes: 0,
    entries: 0,
    keptFiles: 0,
    secondPassLayers: 0,
  };
  return {
    description: image.description,
    stats,
    open: (want) => openImageTree(image, want, limits, stats, options.onProgress),
  };
}

async function openImageTree(
  image: ResolvedImage,
  want: PathFilter,
  limits: ImageLimits,
  stats: ImageReadStats,
  onProgress: ((progress: ImageProgress) => void) | undefined,
): Promise<FileTree> {
  if (image.layers.length > limits.maxLayers) {
    await image.close?.();
    throw new RaygateError(
      'SBOM_IMAGE_TOO_MANY_LAYERS',
      'limit',
      `The image has ${image.layers.length} layers, more than the ${limits.maxLayers} allowed.`,
    );
  }
  const squashed = new SquashedImage(limits.maxLinkHops);
  const problems: Problem[] = [];
  const declared = image.layers.every((l) => l.size !== undefined)
    ? image.layers.reduce((sum, l) => sum + (l.size ?? 0), 0)
    : undefined;
  const progress: ImageProgress = {
    layersTotal: image.layers.length,
    layersDone: 0,
    bytesRead: 0,
    ...(declared !== undefined ? { bytesTotal: declared } : {}),
  };
  const abort = new AbortController();
  const onBytes = (n: number) => {
    progress.bytesRead += n;
    stats.compressedBytes += n;
  };
  const tick = () => onProgress?.({ ...progress });

  try {
    await readAllLayers(image, want, limits, abort, onBytes, (contents) => {
      problems.push(...squashed.apply(contents));
      stats.uncompressedBytes += contents.stats.uncompressedBytes;
      stats.entries += contents.stats.entries;
      progress.layersDone++;
      tick();
    });
    await fillPendingHardlinks(image, squashed, limits, abort.signal, onBytes, stats);
    const files = listFiles(squashed, want, problems);
    stats.keptFiles = files.length;
    await fillSymlinkTargets(image, squashed, files, limits, abort.signal, onBytes, stats, problems);
    const visible = files.filter((f) => squashed.resolve(f.path).ok);
    return imageTree(image, squashed, visible, problems);
  } catch (error) {
    abort.abort();
    await image.close?.();
    throw error;
  }
}

/**
 * Reads layers in parallel, but hands them to `apply` strictly in order; a worker waits before starting
 * a layer too far ahead of the last applied one, so finished-but-unapplied layers cannot pile up.
 */
async function readAllLayers(
  image: ResolvedImage,
  want: PathFilter,
  limits: ImageLimits,
  abort: AbortController,
  onBytes: (n: number) => void,
  apply: (contents: LayerContents) => void,
): Promise<void> {
  const total = image.layers.length;
  const keptBudget = { used: 0, symlinks: 0 };
  const done = new Array<LayerContents | undefined>(total);
  const window = Math.max(1, limits.concurrency) + 1;
  let next = 0;
  let applied = 0;
  let waiters: (() => void)[] = [];
  let firstError: { error: unknown } | undefined;
  const wake = () => {
    const list = waiters;
    waiters = [];
    for (const w of list) w();
  };
  const worker = async () => {
    while (next < total) {
      const index = next++;
      while (index >= applied + window && !abort.signal.aborted)
        await new Promise<void>((r) => waiters.push(r));
      if (abort.signal.aborted) return;
      const blob = image.layers[index]!;
      try {
        done[index] = await readLayer({
          index,
          blob,
          open: () => image.openBlob(blob, abort.signal),
          want,
          limits,
          onBytes,
          keptBudget,
        });
      } catch (error) {
        // The first failure is the cause; the layers it aborts fail after it and are not reported.
        firstError ??= { error };
        abort.abort();
        wake();
        return;
      }
      while (applied < total && done[applied]) {
        apply(done[applied]!);
        done[applied] = undefined;
        applied++;
      }
      wake();
    }
  };
  const workers = Array.from(
    { length: Math.min(Math.max(1, limits.concurrency), Math.max(1, total)) },
    worker,
  );
  await Promise.all(workers);
  if (firstError) throw firstError.error;
}

/** A second read of the layers that hold hardlinked files whose first copy the scan did not keep. */
async function fillPendingHardlinks(
  image: ResolvedImage,
  squashed: SquashedImage,
  limits: ImageLimits,
  signal: AbortSignal,
  onBytes: (n: number) => void,
  stats: ImageReadStats,
): Promise<void> {
  const byLayer = new Map<number, { path: string; target: string }[]>();
  for (const [path, node] of squashed.entries()) {
    if (node.kind !== 'file' || !node.pending) continue;
    const list = byLayer.get(node.pending.layerIndex) ?? [];
    list.push({ path, target: node.pending.path });
    byLayer.set(node.pending.layerIndex, list);
  }
  for (const [index, links] of byLayer) {
    const blob = image.layers[index]!;
    const contents = await readLayer({
      index,
      blob,
      open: () => image.openBlob(blob, signal),
      want: () => false,
      extra: new Set(links.map((l) => l.target)),
      limits,
      onBytes,
      verify: false,
    });
    stats.secondPassLayers++;
    for (const link of links) {
      const file = contents.files.get(link.target);
      squashed.fill(link.path, file?.bytes, file?.size ?? 0);
    }
  }
}

/**
 * Wanted symlinks whose target the first pass did not keep (the target's name is not one the scan asks
 * for): read layers again from the top until one writes the target or hides it.
 */
async function fillSymlinkTargets(
  image: ResolvedImage,
  squashed: SquashedImage,
  files: TreeFile[],
  limits: ImageLimits,
  signal: AbortSignal,
  onBytes: (n: number) => void,
  stats: ImageReadStats,
  problems: Problem[],
): Promise<void> {
  const missing = new Set<string>();
  const folders = new Set<string>();
  for (const file of files) {
    if (squashed.get(file.path)?.kind !== 'symlink') continue;
    const resolution = squashed.resolve(file.path);
    if (!resolution.ok && resolution.reason === 'missing') missing.add(resolution.path);
  }
  for (let index = image.layers.length - 1; index >= 0 && missing.size > 0; index--) {
    const blob = image.layers[index]!;
    const contents = await readLayer({
      index,
      blob,
      open: () => image.openBlob(blob, signal),
      want: () => false,
      extra: missing,
      limits,
      onBytes,
      verify: false,
    });
    stats.secondPassLayers++;
    for (const target of [...missing]) {
      const file = contents.files.get(target);
      if (file) {
        squashed.adopt(target, contents.digest, file.bytes, file.size);
        missing.delete(target);
      } else if (hides(contents, target)) {
        if (contents.dirs.has(target)) folders.add(target);
        missing.delete(target);
      }
    }
  }
  for (const file of files) {
    const resolution = squashed.resolve(file.path);
    // A symlink to a folder is not a file to read, and not a problem either.
    if (!resolution.ok && resolution.reason !== 'not-a-file' && !folders.has(resolution.path)) {
      problems.push({
        code: resolution.reason === 'loop' ? 'SBOM_SYMLINK_LOOP' : 'SBOM_SYMLINK_DANGLING',
        severity: 'warning',
        message:
          resolution.reason === 'loop'
            ? `Skipped ${file.path}: its symlinks loop or chain more than ${limits.maxLinkHops} times.`
            : `Skipped ${file.path}: it is a symlink to ${resolution.path}, which the image does not have as a file.`,
        path: file.path,
      });
    }
  }
}

/** True when the layer writes or deletes `path` or one of its parents, so lower layers cannot provide it. */
function hides(contents: LayerContents, path: string): boolean {
  if (contents.nonDirs.has(path) || contents.dirs.has(path) || contents.whiteouts.includes(path)) return true;
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const parent = path.slice(0, end);
    if (
      contents.nonDirs.has(parent) ||
      contents.whiteouts.includes(parent) ||
      contents.opaques.includes(parent)
    )
      return true;
  }
  return false;
}

/** Wanted paths: kept regular files, and wanted symlinks (resolved later). */
function listFiles(squashed: SquashedImage, want: PathFilter, problems: Problem[]): TreeFile[] {
  const files: TreeFile[] = [];
  for (const [path, node] of squashed.entries()) {
    if (!want(path)) continue;
    if (node.kind === 'file') {
      if (node.pending) {
        problems.push({
          code: 'SBOM_HARDLINK_MISSING',
          severity: 'warning',
          message: `Skipped ${path}: its hardlink target ${node.pending.path} could not be read.`,
          path,
          layer: node.layer,
        });
        continue;
      }
      files.push({ path, size: node.size, layer: node.layer });
    } else files.push({ path, size: 0, layer: node.layer });
  }
  return files;
}

function imageTree(
  image: ResolvedImage,
  squashed: SquashedImage,
  found: TreeFile[],
  problems: Problem[],
): FileTree {
  const files = found.map((f) => {
    const r = squashed.resolve(f.path);
    return r.ok ? { path: f.path, size: r.node.size, layer: r.node.layer } : f;
  });
  const byPath = new Map(files.map((f) => [f.path, f]));
  const readNode = (path: string, maxBytes: number) => {
    const r = squashed.resolve(path);
    if (!r.ok) {
      throw new RaygateError(
        'SBOM_FILE_UNREADABLE',
        'input',
        `Cannot read ${path}: the image has no such file.`,
      );
    }
    if (r.node.size > maxBytes || !r.node.bytes) {
      throw new RaygateError(
        'SBOM_FILE_TOO_LARGE',
        'limit',
        `${path} is ${r.node.size} bytes, more than the ${maxBytes} allowed for metadata.`,
      );
    }
    return r;
  };
  return {
    description: image.description,
    problems,
    files: () => files,
    get: (path) => byPath.get(path),
    read: async (path, maxBytes) => readNode(path, maxBytes).node.bytes!,
    history: async (path, maxBytes): Promise<FileVersionBytes[]> => {
      const r = readNode(path, maxBytes);
      return squashed
        .versions(r.path)
        .filter((v) => v.bytes !== undefined && v.size <= maxBytes)
        .map((v) => ({ layer: v.layer, bytes: v.bytes! }));
    },
    close: async () => {
      await image.close?.();
    },
  };
}
