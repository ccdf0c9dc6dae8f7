import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { RaygateError, describeError, isRaygateError } from '../../shared/errors.ts';
import type { PathFilter } from './file-tree.ts';
import type { ImageLimits } from './image-limits.ts';
import { OPAQUE_MARKER, WHITEOUT_PREFIX, emptyLayerContents, normaliseEntryName } from './layer-contents.ts';
import type { LayerContents } from './layer-contents.ts';
import { TarParser } from './tar-parser.ts';
import type { TarEntry } from './tar-parser.ts';

/** What all layers of one image keep together: file bytes and symlinks (both stay in memory). */
export interface KeptBudget {
  used: number;
  symlinks: number;
}

/** One layer blob as the image describes it. */
export interface LayerBlob {
  digest: string;
  mediaType: string;
  /** Size the manifest declares; the stream may not exceed it. */
  size?: number;
}

/** Opens the blob's bytes (compressed, as stored). Called once per pass over the layer. */
export type OpenBlob = () => Promise<AsyncIterable<Uint8Array>>;

export interface ReadLayerOptions {
  index: number;
  blob: LayerBlob;
  open: OpenBlob;
  want: PathFilter;
  limits: ImageLimits;
  /** Paths kept even though `want` does not ask for them (link targets found by an earlier pass). */
  extra?: ReadonlySet<string>;
  /**
   * Kept bytes shared by every layer of one image (superseded versions stay in the file history), so
   * the image-wide bound holds however many layers rewrite a wanted file.
   */
  keptBudget?: KeptBudget;
  /** Called as compressed bytes arrive, for progress displays. */
  onBytes?: (count: number) => void;
  /**
   * Verify the blob's digest. Off only for a second pass over a blob already verified in this scan.
   */
  verify?: boolean;
}

type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Streams one layer once: hashes the stored bytes (the digest must match, or the scan fails with
 * OCI_DIGEST_MISMATCH), decompresses them with Node's own zlib (gzip, zstd) and walks the tar, keeping
 * only what the scan wants. Memory stays bounded by the kept files, never by the layer's size. Once the
 * tar's end marker is read, the rest of the blob is hashed but no longer decompressed.
 */
export async function readLayer(options: ReadLayerOptions): Promise<LayerContents> {
  const { blob, limits, want, index } = options;
  const contents = emptyLayerContents(index, blob.digest);
  const collector = new EntryCollector(
    contents,
    want,
    options.extra,
    limits,
    options.keptBudget ?? { used: 0, symlinks: 0 },
  );
  const parser = new TarParser(collector, { maxEntries: limits.maxLayerEntries });

  const [algorithm, expectedHex] = splitDigest(blob.digest);
  const hash = options.verify === false ? undefined : createHash(algorithm);
  const source = await options.open();

  let compression: Compression | undefined;
  let inflater: Transform | undefined;
  let failure: unknown;
  let compressed = 0;
  let uncompressed = 0;
  let finishedParsing = false;

  const feed = (data: Uint8Array) => {
    if (failure !== undefined || finishedParsing) return;
    try {
      uncompressed += data.length;
      if (uncompressed > limits.maxLayerBytes) {
        throw new RaygateError(
          'SBOM_LAYER_TOO_LARGE',
          'limit',
          `Layer ${blob.digest} expands past ${limits.maxLayerBytes} bytes.`,
        );
      }
      if (uncompressed > limits.bombFloorBytes && uncompressed > compressed * limits.maxCompressionRatio) {
        throw new RaygateError(
          'SBOM_LAYER_DECOMPRESSION_BOMB',
          'limit',
          `Layer ${blob.digest} expanded ${compressed} compressed bytes into more than ${uncompressed}: ` +
            `more than ${limits.maxCompressionRatio} times, which no real layer does.`,
        );
      }
      parser.push(data);
      if (parser.done) finishedParsing = true;
    } catch (error) {
      failure = error;
    }
  };

  let complete = true;
  let head: Uint8Array | undefined;
  try {
    for await (const raw of source) {
      const chunk = raw instanceof Uint8Array ? raw : new Uint8Array(raw as ArrayBuffer);
      compressed += chunk.length;
      if (blob.size !== undefined && compressed > blob.size) {
        inflater?.destroy();
        throw new RaygateError(
          'OCI_DIGEST_MISMATCH',
          'verification',
          `Blob ${blob.digest} is longer than the ${blob.size} bytes its descriptor declares.`,
        );
      }
      hash?.update(chunk);
      options.onBytes?.(chunk.length);
      if (failure !== undefined) {
        // Corrupt data is still hashed to the end, so an altered blob reports the digest mismatch it is;
        // a bound that was hit stops the transfer at once.
        if (!isCorruption(failure)) {
          complete = false;
          break;
        }
        continue;
      }
      let data = chunk;
      if (compression === undefined) {
        // The magic bytes may arrive split over tiny network chunks: wait for four of them.
        head = head ? Buffer.concat([head, chunk]) : chunk;
        if (head.length < 4) continue;
        data = head;
        head = undefined;
        compression = sniffCompression(data, blob.mediaType);
        if (compression !== 'none') {
          inflater =
            compression === 'gzip'
              ? zlib.createGunzip({ chunkSize: 256 * 1024 })
              : zlib.createZstdDecompress({ chunkSize: 256 * 1024 });
          inflater.on('data', feed);
          inflater.on('error', (error) => {
            if (failure === undefined && !finishedParsing) failure = decompressionError(blob, error);
          });
        }
      }
      if (finishedParsing) continue; // only the digest still needs these bytes
      if (inflater) {
        if (!inflater.write(data)) await drainOrError(inflater);
      } else feed(data);
    }
  } catch (error) {
    inflater?.destroy();
    if (isRaygateError(error)) throw error;
    // The transfer itself failed (connection reset, file vanished): name the layer and the cause.
    throw new RaygateError(
      'SBOM_LAYER_UNREADABLE',
      'unavailable',
      `Reading layer ${blob.digest} failed after ${compressed} bytes: ${describeError(error)}.`,
      { cause: error },
    );
  }

  if (head && failure === undefined) {
    compression = sniffCompression(head, blob.mediaType);
    if (compression === 'none') feed(head);
    else failure = decompressionError(blob, new Error('unexpected end of file'));
  }
  if (failure === undefined && inflater && !finishedParsing) {
    inflater.end();
    try {
      await once(inflater, 'end');
    } catch {
      // the error handler recorded it
    }
  } else inflater?.destroy();

  // A blob read to its end is judged by its digest first: a truncated or altered blob is a digest
  // mismatch even when decompression noticed first.
  if (hash && complete) {
    if (blob.size !== undefined && compressed !== blob.size) {
      throw new RaygateError(
        'OCI_DIGEST_MISMATCH',
        'verification',
        `Blob ${blob.digest} has ${compressed} bytes, but its descriptor declares ${blob.size}: it is truncated or altered.`,
      );
    }
    const actual = hash.digest('hex');
    if (actual !== expectedHex) {
      throw new RaygateError(
        'OCI_DIGEST_MISMATCH',
        'verification',
        `Blob ${blob.digest} does not match its digest (got ${algorithm}:${actual}).`,
      );
    }
  }
  if (failure !== undefined) throw failure;
  if (!finishedParsing) parser.end();

  contents.stats.compressedBytes = compressed;
  contents.stats.uncompressedBytes = uncompressed;
  contents.stats.entries = collector.entries;
  contents.stats.keptBytes = collector.keptBytes;
  return contents;
}

function isCorruption(error: unknown): boolean {
  return (
    isRaygateError(error) && (error.code === 'SBOM_LAYER_CORRUPT' || error.code === 'SBOM_LAYER_TRUNCATED')
  );
}

async function drainOrError(stream: Transform): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

function decompressionError(blob: LayerBlob, error: unknown): RaygateError {
  if (isRaygateError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const truncated = /unexpected end/i.test(message);
  return new RaygateError(
    truncated ? 'SBOM_LAYER_TRUNCATED' : 'SBOM_LAYER_CORRUPT',
    'input',
    `Layer ${blob.digest} cannot be decompressed: ${message}.`,
    { cause: error },
  );
}

function sniffCompression(first: Uint8Array, mediaType: string): Compression {
  if (first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (first[0] === 0x28 && first[1] === 0xb5 && first[2] === 0x2f && first[3] === 0xfd) return 'zstd';
  if (/zstd/.test(mediaType) && first.length < 4) return 'zstd';
  return 'none';
}

export function splitDigest(digest: string): ['sha256' | 'sha512', string] {
  const match = /^(sha256|sha512):([0-9a-f]+)$/.exec(digest);
  if (!match || match[2]!.length !== (match[1] === 'sha256' ? 64 : 128)) {
    throw new RaygateError('OCI_DIGEST_INVALID', 'input', `'${digest}' is not a sha256 or sha512 digest.`);
  }
  return [match[1] as 'sha256' | 'sha512', match[2]!];
}

/** Turns tar entries into LayerContents: the tar visitor. */
class EntryCollector {
  private readonly contents: LayerContents;
  private readonly want: PathFilter;
  private readonly extra: ReadonlySet<string> | undefined;
  private readonly limits: ImageLimits;
  private current: { path: string; buffer: Uint8Array; fill: number } | undefined;
  entries = 0;
  keptBytes = 0;

  private readonly budget: KeptBudget;

  constructor(
    contents: LayerContents,
    want: PathFilter,
    extra: ReadonlySet<string> | undefined,
    limits: ImageLimits,
    budget: KeptBudget,
  ) {
    this.budget = budget;
    this.contents = contents;
    this.want = want;
    this.extra = extra;
    this.limits = limits;
  }

  entry(entry: TarEntry): number {
    this.entries++;
    const c = this.contents;
    const path = normaliseEntryName(entry.name);
    if (path === undefined) {
      c.problems.push({
        code: 'SBOM_LAYER_PATH_ESCAPES',
        severity: 'warning',
        message: `Skipped layer entry '${entry.name}': it climbs above the image root.`,
        layer: c.digest,
      });
      return 0;
    }
    if (path === '/') return 0;
    this.addParents(path);

    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      const dir = slash === 0 ? '/' : path.slice(0, slash);
      if (base === OPAQUE_MARKER) c.opaques.push(dir);
      else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
        c.whiteouts.push(`${dir === '/' ? '' : dir}/${base.slice(WHITEOUT_PREFIX.length)}`);
      }
      // other `.wh..wh.` names are AUFS bookkeeping (hardlink dirs) and hide nothing
      return 0;
    }

    this.forget(path);
    switch (entry.type) {
      case 'directory':
        c.dirs.add(path);
        return 0;
      case 'symlink':
        c.nonDirs.add(path);
        if (++this.budget.symlinks > this.limits.maxSymlinks) {
          throw new RaygateError(
            'SBOM_LAYER_TOO_MANY_ENTRIES',
            'limit',
            `The image has more than ${this.limits.maxSymlinks} symlinks (reached in layer ${c.digest}).`,
          );
        }
        c.symlinks.set(path, entry.linkName);
        return 0;
      case 'hardlink': {
        c.nonDirs.add(path);
        if (!this.wanted(path)) return 0;
        const target = normaliseEntryName(entry.linkName);
        if (target === undefined) {
          c.problems.push({
            code: 'SBOM_LAYER_PATH_ESCAPES',
            severity: 'warning',
            message: `Skipped hardlink ${path}: its target '${entry.linkName}' climbs above the image root.`,
            path,
            layer: c.digest,
          });
        } else if (this.seenButNotKept(target)) c.pendingHardlinks.set(path, target);
        else c.hardlinks.set(path, target);
        return 0;
      }
      case 'file': {
        c.nonDirs.add(path);
        if (!this.wanted(path)) return 0;
        if (entry.size > this.limits.maxFileBytes) {
          c.files.set(path, { size: entry.size });
          return 0;
        }
        this.keptBytes += entry.size;
        this.budget.used += entry.size;
        if (this.budget.used > this.limits.maxKeptBytes) {
          throw new RaygateError(
            'SBOM_IMAGE_KEPT_TOO_MUCH',
            'limit',
            `The files the scan wants add up to more than ${this.limits.maxKeptBytes} bytes (reached in layer ${c.digest}).`,
          );
        }
        const buffer = new Uint8Array(entry.size);
        c.files.set(path, { size: entry.size, bytes: buffer });
        this.current = { path, buffer, fill: 0 };
        return entry.size;
      }
      default:
        c.nonDirs.add(path);
        return 0;
    }
  }

  body(bytes: Uint8Array): void {
    const cur = this.current!;
    cur.buffer.set(bytes, cur.fill);
    cur.fill += bytes.length;
  }

  entryEnd(): void {
    this.current = undefined;
  }

  private wanted(path: string): boolean {
    return this.want(path) || (this.extra?.has(path) ?? false);
  }

  /** A later entry at the same path replaces an earlier one within the layer. */
  private forget(path: string): void {
    const c = this.contents;
    c.files.delete(path);
    c.symlinks.delete(path);
    c.hardlinks.delete(path);
    c.pendingHardlinks.delete(path);
  }

  /** A regular file written earlier in this layer whose bytes were let pass. */
  private seenButNotKept(path: string): boolean {
    const c = this.contents;
    return c.nonDirs.has(path) && !c.files.has(path) && !c.hardlinks.has(path) && !c.symlinks.has(path);
  }

  private addParents(path: string): void {
    const dirs = this.contents.dirs;
    let end = path.lastIndexOf('/');
    while (end > 0) {
      const parent = path.slice(0, end);
      if (dirs.has(parent)) return;
      dirs.add(parent);
      end = parent.lastIndexOf('/');
    }
  }
}
