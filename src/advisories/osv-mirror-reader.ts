import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import type { OsvRecord } from './osv.ts';
import { queryId, queryKeys, type AdvisoryQuery } from './package-query.ts';
import {
  MIRROR_FILES,
  MIRROR_FORMAT,
  matchSegmentName,
  type MirrorManifest,
  type RecordRef,
} from './mirror-layout.ts';
import type { AdvisorySource, AdvisorySourceInfo, SourceAnswer } from './source.ts';

/** Records closer than this are read together; no single read is larger than MAX_CHUNK. */
const MAX_GAP = 64 * 1024;
const MAX_CHUNK = 8 * 1024 * 1024;

/** The manifest of the generation CURRENT names, or undefined when the mirror has never been imported. */
export async function readCurrentManifest(dir: string): Promise<MirrorManifest | undefined> {
  let generation: string;
  try {
    generation = (await readFile(path.join(dir, MIRROR_FILES.current), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw damaged(dir, error);
  }
  if (!/^g\d+$/.test(generation)) throw damaged(dir, new Error(`CURRENT names '${generation.slice(0, 40)}'`));
  try {
    const manifest = JSON.parse(
      await readFile(path.join(dir, MIRROR_FILES.generations, generation, 'manifest.json'), 'utf8'),
    ) as MirrorManifest;
    if (manifest.format !== MIRROR_FORMAT) {
      throw new Error(`format ${String(manifest.format)} (raygate reads ${MIRROR_FORMAT})`);
    }
    return manifest;
  } catch (error) {
    throw damaged(dir, error);
  }
}

function damaged(dir: string, cause: unknown): RaygateError {
  return new RaygateError(
    'OSV_MIRROR_DAMAGED',
    'input',
    `The OSV mirror at ${dir} cannot be read (${(cause as Error).message}); import it again or remove the folder.`,
    { cause },
  );
}

/**
 * The local mirror as an AdvisorySource. Opening reads only the manifest; each query loads the index of the
 * ecosystems it names (once) and reads the records of the names asked about, straight from their offsets,
 * as match views (match-view.ts: everything matching and reports use, without `details`).
 */
export class OsvMirror implements AdvisorySource {
  readonly dir: string;
  readonly manifest: MirrorManifest;
  private readonly indexes = new Map<string, Promise<Record<string, RecordRef[]>>>();
  private readonly segments = new Map<number, Promise<FileHandle>>();

  private constructor(dir: string, manifest: MirrorManifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Opens the mirror at `dir`; throws OSV_MIRROR_EMPTY when nothing has been imported there yet. */
  static async open(dir: string): Promise<OsvMirror> {
    const manifest = await readCurrentManifest(dir);
    if (!manifest) {
      throw new RaygateError(
        'OSV_MIRROR_EMPTY',
        'input',
        `There is no OSV mirror at ${dir}. Run 'raygate osv sync' (or 'raygate osv import <all.zip|folder>'), or scan with --online.`,
      );
    }
    return new OsvMirror(dir, manifest);
  }

  info(): AdvisorySourceInfo {
    return {
      kind: 'mirror',
      location: this.dir,
      generation: this.manifest.generation,
      importedAt: this.manifest.createdAt,
      ecosystems: Object.fromEntries(
        Object.entries(this.manifest.ecosystems).map(([e, s]) => [
          e,
          { records: s.records, ...(s.newestModified ? { newestModified: s.newestModified } : {}) },
        ]),
      ),
    };
  }

  async query(queries: readonly AdvisoryQuery[]): Promise<SourceAnswer> {
    // Resolve every query to record locations first, then read all distinct records at once, in file
    // order, so the reads overlap instead of queueing one behind another.
    const wanted = new Map<string, RecordRef>();
    const refsByQuery = new Map<string, string[]>();
    for (const query of queries) {
      const keys: string[] = [];
      for (const ecosystem of query.ecosystems) {
        for (const ref of await this.refsFor(ecosystem, query)) {
          const key = ref.join(':');
          wanted.set(key, ref);
          keys.push(key);
        }
      }
      refsByQuery.set(queryId(query), keys);
    }
    const loaded = await this.readRecords([...wanted.values()]);
    const records = new Map<string, OsvRecord[]>();
    for (const [id, keys] of refsByQuery)
      records.set(
        id,
        [...new Set(keys)].map((k) => loaded.get(k)!),
      );
    return { records, problems: [] };
  }

  private async refsFor(ecosystem: string, query: AdvisoryQuery): Promise<RecordRef[]> {
    const entry = this.manifest.ecosystems[ecosystem];
    if (!entry) return [];
    let index = this.indexes.get(ecosystem);
    if (!index) {
      index = readFile(
        path.join(this.dir, MIRROR_FILES.generations, this.manifest.generation, 'index', entry.indexFile),
        'utf8',
      )
        .then((text) => JSON.parse(text) as Record<string, RecordRef[]>)
        .catch((error: unknown) => {
          throw damaged(this.dir, error);
        });
      this.indexes.set(ecosystem, index);
    }
    const key = queryKeys({ ...query, ecosystems: [ecosystem] })[0]!;
    const name = key.slice(key.indexOf('\u0000') + 1);
    const names = await index;
    return Object.hasOwn(names, name) ? names[name]! : [];
  }

  /**
   * Reads records by location, keyed `segment:offset:length`. Neighbouring records are read in one go
   * (records of one package usually sit together), so a scan makes a few large reads, not thousands.
   */
  private async readRecords(refs: RecordRef[]): Promise<Map<string, OsvRecord>> {
    const sorted = [...refs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const chunks: { segment: number; start: number; end: number; refs: RecordRef[] }[] = [];
    for (const ref of sorted) {
      const last = chunks.at(-1);
      const end = ref[1] + ref[2];
      if (last && last.segment === ref[0] && ref[1] - last.end <= MAX_GAP && end - last.start <= MAX_CHUNK) {
        last.end = Math.max(last.end, end);
        last.refs.push(ref);
      } else {
        chunks.push({ segment: ref[0], start: ref[1], end, refs: [ref] });
      }
    }
    const out = new Map<string, OsvRecord>();
    await Promise.all(
      chunks.map(async (chunk) => {
        const buffer = await this.readBytes(chunk.segment, chunk.start, chunk.end - chunk.start);
        for (const ref of chunk.refs) {
          const text = buffer.toString('utf8', ref[1] - chunk.start, ref[1] - chunk.start + ref[2]);
          try {
            out.set(ref.join(':'), JSON.parse(text) as OsvRecord);
          } catch (error) {
            throw damaged(this.dir, error);
          }
        }
      }),
    );
    return out;
  }

  private async readBytes(segment: number, offset: number, length: number): Promise<Buffer> {
    let handle = this.segments.get(segment);
    if (!handle) {
      handle = open(path.join(this.dir, MIRROR_FILES.segments, matchSegmentName(segment)), 'r');
      this.segments.set(segment, handle);
    }
    const buffer = Buffer.allocUnsafe(length);
    try {
      const { bytesRead } = await (await handle).read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new Error(`segment ${segment} is shorter than its index says`);
      return buffer;
    } catch (error) {
      throw damaged(this.dir, error);
    }
  }

  async close(): Promise<void> {
    for (const handle of this.segments.values()) await (await handle.catch(() => undefined))?.close();
    this.segments.clear();
  }
}
