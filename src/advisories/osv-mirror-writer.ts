import { randomBytes } from 'node:crypto';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import { affectedPackages, timestampMs, type OsvRecord } from './osv.ts';
import type { ExportEntry } from './osv-export-reader.ts';
import { toMatchView } from './match-view.ts';
import { parseOsvRecordBytes } from './osv-parse.ts';
import { advisoryKey } from './package-query.ts';
import {
  generationName,
  generationNumber,
  indexFileName,
  MIRROR_FILES,
  MIRROR_FORMAT,
  matchSegmentName,
  segmentName,
  type IdEntry,
  type MirrorManifest,
  type RecordRef,
  type SourceValidator,
} from './mirror-layout.ts';
import { readCurrentManifest } from './osv-mirror-reader.ts';

/** One export to load: its entries, and what identifies it for the next conditional download. */
export interface ImportInput {
  entries: AsyncIterable<ExportEntry>;
  /** The export's URL (sync) or absolute path (import). */
  sourceKey: string;
  validator?: { etag?: string; lastModified?: string };
}

export interface ImportOptions {
  now: Date;
  /** Called every 1,000 entries, for progress on a terminal. */
  onProgress?: (entries: number) => void;
  /** Segments are compacted once they exceed this many bytes and hold more superseded than live data. */
  compactionMinBytes?: number;
}

export interface SkippedEntry {
  source: string;
  entry: string;
  code: string;
  message: string;
}

export interface ImportReport {
  generation: string;
  previousGeneration?: string;
  entries: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Entries older than the record the mirror already holds (kept the newer one). */
  older: number;
  skippedCount: number;
  /** The first skipped entries, with reasons (the count above is complete). */
  skipped: SkippedEntry[];
  records: number;
  withdrawn: number;
  compacted: boolean;
}

const MAX_SKIPPED_LISTED = 1000;
const WRITE_CHUNK = 1024 * 1024;

/**
 * Imports OSV exports into the mirror at `dir`, incrementally and atomically: a record is written only when
 * its `modified` is newer than the stored one; the result becomes visible in one rename of CURRENT, after
 * everything is on disk. A bad record is skipped and reported; an error of the export itself (damaged zip,
 * a bound exceeded) or of the disk aborts the import and leaves the previous mirror as it was.
 */
export async function importIntoMirror(
  dir: string,
  inputs: readonly ImportInput[],
  options: ImportOptions,
): Promise<ImportReport> {
  await mkdir(path.join(dir, MIRROR_FILES.segments), { recursive: true });
  await mkdir(path.join(dir, MIRROR_FILES.generations), { recursive: true });
  const release = await acquireLock(dir);
  const cleanup: string[] = [];
  try {
    await removeStaleTemporaries(dir);
    const previous = await readCurrentManifest(dir);
    const ids = previous ? await loadIds(dir, previous.generation) : new Map<string, IdEntry>();
    const sources: Record<string, SourceValidator> = { ...(previous?.sources ?? {}) };
    let nextSegment = previous?.nextSegment ?? 1;

    const segmentNo = nextSegment++;
    const segmentPath = path.join(dir, MIRROR_FILES.segments, segmentName(segmentNo));
    const viewPath = path.join(dir, MIRROR_FILES.segments, matchSegmentName(segmentNo));
    cleanup.push(segmentPath, viewPath);
    const writer = await SegmentWriter.create(segmentPath);
    const views = await SegmentWriter.create(viewPath);
    const report: Omit<ImportReport, 'generation' | 'records' | 'withdrawn' | 'compacted'> = {
      entries: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      older: 0,
      skippedCount: 0,
      skipped: [],
    };
    const skip = (source: string, entry: string, code: string, message: string) => {
      report.skippedCount++;
      if (report.skipped.length < MAX_SKIPPED_LISTED) report.skipped.push({ source, entry, code, message });
    };
    try {
      for (const input of inputs) {
        for await (const entry of input.entries) {
          report.entries++;
          if (report.entries % 1000 === 0) options.onProgress?.(report.entries);
          if ('problem' in entry) {
            skip(input.sourceKey, entry.name, entry.problem.code, entry.problem.message);
            continue;
          }
          const parsed = parseOsvRecordBytes(entry.bytes, entry.format);
          if (!parsed.ok) {
            skip(input.sourceKey, entry.name, parsed.code, parsed.message);
            continue;
          }
          const record = parsed.record;
          const existing = ids.get(record.id);
          if (existing) {
            const diff = timestampMs(record.modified) - timestampMs(existing[0]);
            if (diff < 0) {
              report.older++;
              continue;
            }
            if (diff === 0) {
              report.unchanged++;
              continue;
            }
          }
          const [offset, length] = await writer.append(record);
          const [viewOffset, viewLength] = await views.append(toMatchView(record));
          ids.set(record.id, [
            record.modified,
            segmentNo,
            offset,
            length,
            keysOf(record),
            record.withdrawn ? 1 : 0,
            viewOffset,
            viewLength,
          ]);
          if (existing) report.updated++;
          else report.added++;
        }
        sources[input.sourceKey] = {
          ...(input.validator?.etag ? { etag: input.validator.etag } : {}),
          ...(input.validator?.lastModified ? { lastModified: input.validator.lastModified } : {}),
          importedAt: options.now.toISOString(),
        };
      }
    } finally {
      await writer.close();
      await views.close();
    }

    let segments = [...new Set([...ids.values()].map((e) => e[1]))].sort((a, b) => a - b);
    let compacted = false;
    if (await worthCompacting(dir, ids, segments, options.compactionMinBytes ?? 8 * 1024 * 1024)) {
      const compactNo = nextSegment++;
      const compactPath = path.join(dir, MIRROR_FILES.segments, segmentName(compactNo));
      cleanup.push(compactPath, path.join(dir, MIRROR_FILES.segments, matchSegmentName(compactNo)));
      await compact(dir, ids, compactNo);
      segments = [compactNo];
      compacted = true;
    }
    if (writer.bytes === 0) {
      await rm(segmentPath, { force: true });
      await rm(viewPath, { force: true });
    }

    const generationNo = previous ? generationNumber(previous.generation) + 1 : 1;
    const generation = generationName(generationNo);
    const manifest = await writeGeneration(dir, generation, ids, {
      createdAt: options.now.toISOString(),
      segments,
      nextSegment,
      sources,
    });
    await switchCurrent(dir, generation);
    cleanup.length = 0;
    await collectGarbage(dir, manifest, previous);
    return {
      generation,
      ...(previous ? { previousGeneration: previous.generation } : {}),
      ...report,
      records: manifest.records,
      withdrawn: [...ids.values()].filter((e) => e[5] === 1).length,
      compacted,
    };
  } finally {
    for (const file of cleanup) await rm(file, { force: true });
    await release();
  }
}

function keysOf(record: OsvRecord): string[] {
  return [...new Set(affectedPackages(record).map((p) => advisoryKey(p.ecosystem, p.name)))];
}

/** Appends records as JSON lines, buffering writes; tracks offsets so the index can point into it. */
class SegmentWriter {
  readonly handle: FileHandle;
  bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(handle: FileHandle) {
    this.handle = handle;
  }

  static async create(file: string): Promise<SegmentWriter> {
    return new SegmentWriter(await open(file, 'wx', 0o644));
  }

  async append(record: OsvRecord): Promise<[number, number]> {
    return this.appendLine(Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'));
  }

  /** Appends one line, newline included; returns its offset and length without the newline. */
  async appendLine(line: Buffer): Promise<[number, number]> {
    const offset = this.bytes;
    this.bytes += line.length;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= WRITE_CHUNK) await this.flush();
    return [offset, line.length - 1];
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(data);
  }

  async close(): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }
}

async function loadIds(dir: string, generation: string): Promise<Map<string, IdEntry>> {
  const file = path.join(dir, MIRROR_FILES.generations, generation, 'ids.json');
  try {
    return new Map(Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, IdEntry>));
  } catch (error) {
    throw new RaygateError(
      'OSV_MIRROR_DAMAGED',
      'input',
      `The OSV mirror's ${file} cannot be read; remove the mirror folder and import again.`,
      {
        cause: error,
      },
    );
  }
}

/** Rewrites every live record into one segment once superseded records take more than half the space. */
async function worthCompacting(
  dir: string,
  ids: Map<string, IdEntry>,
  segments: number[],
  minBytes: number,
): Promise<boolean> {
  if (segments.length <= 1) return false;
  let live = 0;
  for (const e of ids.values()) live += e[3] + e[7] + 2;
  let total = 0;
  for (const s of segments) {
    total += (await stat(path.join(dir, MIRROR_FILES.segments, segmentName(s)))).size;
    total += (await stat(path.join(dir, MIRROR_FILES.segments, matchSegmentName(s)))).size;
  }
  return total > minBytes && total > 2 * live;
}

async function compact(dir: string, ids: Map<string, IdEntry>, segmentNo: number): Promise<void> {
  const handles = new Map<string, FileHandle>();
  const read = async (file: string, offset: number, length: number): Promise<Buffer> => {
    let handle = handles.get(file);
    if (!handle) handles.set(file, (handle = await open(path.join(dir, MIRROR_FILES.segments, file), 'r')));
    const buffer = Buffer.alloc(length + 1);
    await handle.read(buffer, 0, length, offset);
    buffer[length] = 0x0a;
    return buffer;
  };
  const full = await SegmentWriter.create(path.join(dir, MIRROR_FILES.segments, segmentName(segmentNo)));
  const views = await SegmentWriter.create(
    path.join(dir, MIRROR_FILES.segments, matchSegmentName(segmentNo)),
  );
  try {
    const entries = [...ids.entries()].sort((a, b) => a[1][1] - b[1][1] || a[1][2] - b[1][2]);
    for (const [id, e] of entries) {
      const offset = full.bytes;
      await full.appendLine(await read(segmentName(e[1]), e[2], e[3]));
      const viewOffset = views.bytes;
      await views.appendLine(await read(matchSegmentName(e[1]), e[6], e[7]));
      ids.set(id, [e[0], segmentNo, offset, e[3], e[4], e[5], viewOffset, e[7]]);
    }
  } finally {
    await full.close();
    await views.close();
    for (const h of handles.values()) await h.close();
  }
}

async function writeGeneration(
  dir: string,
  generation: string,
  ids: Map<string, IdEntry>,
  parts: Pick<MirrorManifest, 'createdAt' | 'segments' | 'nextSegment' | 'sources'>,
): Promise<MirrorManifest> {
  const generations = path.join(dir, MIRROR_FILES.generations);
  const temp = path.join(generations, `.tmp-${generation}-${randomBytes(4).toString('hex')}`);
  await mkdir(path.join(temp, 'index'), { recursive: true });
  try {
    const byEcosystem = new Map<string, Map<string, RecordRef[]>>();
    const stats = new Map<string, { records: number; newestModified?: string }>();
    for (const [, entry] of ids) {
      const counted = new Set<string>();
      for (const key of entry[4]) {
        const sep = key.indexOf('\u0000');
        const ecosystem = key.slice(0, sep);
        const name = key.slice(sep + 1);
        let names = byEcosystem.get(ecosystem);
        if (!names) byEcosystem.set(ecosystem, (names = new Map()));
        const refs = names.get(name) ?? [];
        refs.push([entry[1], entry[6], entry[7]]);
        names.set(name, refs);
        if (!counted.has(ecosystem)) {
          counted.add(ecosystem);
          const s = stats.get(ecosystem) ?? { records: 0 };
          s.records++;
          if (!s.newestModified || timestampMs(entry[0]) > timestampMs(s.newestModified))
            s.newestModified = entry[0];
          stats.set(ecosystem, s);
        }
      }
    }
    const ecosystems: MirrorManifest['ecosystems'] = {};
    for (const [ecosystem, names] of [...byEcosystem].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const indexFile = indexFileName(ecosystem);
      await writeSynced(path.join(temp, 'index', indexFile), JSON.stringify(Object.fromEntries(names)));
      ecosystems[ecosystem] = { ...stats.get(ecosystem)!, indexFile };
    }
    await writeSynced(path.join(temp, 'ids.json'), JSON.stringify(Object.fromEntries(ids)));
    const manifest: MirrorManifest = {
      format: MIRROR_FORMAT,
      generation,
      records: ids.size,
      ecosystems,
      ...parts,
    };
    await writeSynced(path.join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temp, path.join(generations, generation));
    return manifest;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function writeSynced(file: string, content: string): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function switchCurrent(dir: string, generation: string): Promise<void> {
  const temp = path.join(dir, `.${MIRROR_FILES.current}.${randomBytes(4).toString('hex')}`);
  await writeSynced(temp, `${generation}\n`);
  await rename(temp, path.join(dir, MIRROR_FILES.current));
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

/** Keeps the new and the previous generation (a scan may still be reading it), and the segments they use. */
async function collectGarbage(
  dir: string,
  current: MirrorManifest,
  previous: MirrorManifest | undefined,
): Promise<void> {
  const keep = new Set([current.generation, previous?.generation].filter(Boolean) as string[]);
  const generations = path.join(dir, MIRROR_FILES.generations);
  for (const name of await readdir(generations)) {
    if (!keep.has(name) && generationNumber(name) >= 0)
      await rm(path.join(generations, name), { recursive: true, force: true });
  }
  const used = new Set(
    [...current.segments, ...(previous?.segments ?? [])].flatMap((n) => [
      segmentName(n),
      matchSegmentName(n),
    ]),
  );
  const segments = path.join(dir, MIRROR_FILES.segments);
  for (const name of await readdir(segments)) {
    if (!used.has(name)) await rm(path.join(segments, name), { force: true });
  }
}

async function removeStaleTemporaries(dir: string): Promise<void> {
  const generations = path.join(dir, MIRROR_FILES.generations);
  for (const name of await readdir(generations)) {
    if (name.startsWith('.tmp-')) await rm(path.join(generations, name), { recursive: true, force: true });
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith(`.${MIRROR_FILES.current}.`)) await rm(path.join(dir, name), { force: true });
  }
}

/** One import at a time: a lock file holding the importer's pid; a lock whose process is gone is taken over. */
async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, MIRROR_FILES.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new RaygateError(
          'OSV_MIRROR_BUSY',
          'conflict',
          `Another import (pid ${pid}) is updating the OSV mirror at ${dir}.`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new RaygateError('OSV_MIRROR_BUSY', 'conflict', `Cannot lock the OSV mirror at ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
