import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { RaygateError } from '../shared/errors.ts';
import { OSV_LIMITS } from './osv-schema.ts';
import { recordFormatOf, type RecordFormat } from './osv-parse.ts';

/**
 * Reads OSV records from an export: OSV's per-ecosystem `all.zip`, or a folder of JSON/YAML records (the
 * PyPA advisory database layout). Entries are streamed one at a time and never extracted to disk, so a
 * hostile name (`../../etc/passwd`) cannot write anywhere; it is reported and skipped like any entry that
 * breaks a bound. Only archive-level damage (an unreadable zip, too many entries, too many bytes in all)
 * ends the read with an error, so an import either sees the whole export or fails.
 */
export interface ExportLimits {
  /** Largest single entry, uncompressed. */
  maxEntryBytes: number;
  /** Largest total of uncompressed bytes read from one export (zip-bomb bound). */
  maxTotalBytes: number;
  maxEntries: number;
  /** Deepest folder nesting walked in a folder export. */
  maxDepth: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimits = {
  maxEntryBytes: OSV_LIMITS.maxRecordBytes,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxDepth: 16,
};

export type ExportEntry =
  | { name: string; format: RecordFormat; bytes: Uint8Array }
  | { name: string; problem: { code: string; message: string } };

export async function* readOsvExport(
  exportPath: string,
  limits: Partial<ExportLimits> = {},
): AsyncGenerator<ExportEntry> {
  const bounds = { ...DEFAULT_EXPORT_LIMITS, ...limits };
  let info;
  try {
    info = await lstat(exportPath);
  } catch (error) {
    throw new RaygateError(
      'OSV_EXPORT_NOT_FOUND',
      'input',
      `Cannot open ${exportPath}: no such file or folder.`,
      {
        cause: error,
      },
    );
  }
  if (info.isDirectory()) yield* readFolder(exportPath, bounds);
  else if (info.isFile()) yield* readZip(exportPath, bounds);
  else
    throw new RaygateError(
      'OSV_EXPORT_UNSUPPORTED',
      'input',
      `${exportPath} is neither a zip file nor a folder.`,
    );
}

/** Why a zip entry name is refused, or undefined when it is a plain relative path. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\u0000')) return 'contains a NUL character';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return "climbs out of the archive with '..'";
  return undefined;
}

async function* readZip(zipPath: string, bounds: ExportLimits): AsyncGenerator<ExportEntry> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would abort the whole archive on a bad name; raygate skips that entry instead.
    zip = await yauzl.openPromise(zipPath, {
      decodeStrings: false,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (error) {
    throw new RaygateError(
      'OSV_EXPORT_UNREADABLE',
      'input',
      `${zipPath} is not a readable zip: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    if (zip.entryCount > bounds.maxEntries) {
      throw new RaygateError(
        'OSV_EXPORT_TOO_MANY_ENTRIES',
        'limit',
        `${zipPath} has ${zip.entryCount} entries, over the limit of ${bounds.maxEntries}.`,
      );
    }
    let total = 0;
    const entries = zip.eachEntry();
    while (true) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw new RaygateError(
          'OSV_EXPORT_UNREADABLE',
          'input',
          `${zipPath} is damaged: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      if (next.done) break;
      const entry = next.value;
      const name = Buffer.from(entry.fileName as unknown as Uint8Array).toString('utf8');
      if (name.endsWith('/')) continue;
      const unsafe = unsafeEntryName(name);
      if (unsafe) {
        yield {
          name,
          problem: { code: 'OSV_EXPORT_ENTRY_UNSAFE', message: `entry name ${unsafe}; skipped` },
        };
        continue;
      }
      const format = recordFormatOf(name);
      if (!format) continue;
      if (entry.uncompressedSize > bounds.maxEntryBytes) {
        yield {
          name,
          problem: {
            code: 'OSV_RECORD_TOO_LARGE',
            message: `entry is ${entry.uncompressedSize} bytes uncompressed, over the ${bounds.maxEntryBytes}-byte limit; skipped`,
          },
        };
        continue;
      }
      if (total + entry.uncompressedSize > bounds.maxTotalBytes) {
        throw new RaygateError(
          'OSV_EXPORT_TOO_LARGE',
          'limit',
          `${zipPath} expands past ${bounds.maxTotalBytes} bytes; refusing it as a possible zip bomb.`,
        );
      }
      let bytes: Uint8Array;
      try {
        const stream = await zip.openReadStreamPromise(entry);
        bytes = await readBounded(stream, bounds.maxEntryBytes);
      } catch (error) {
        yield {
          name,
          problem: {
            code: 'OSV_EXPORT_ENTRY_CORRUPT',
            message: `entry cannot be read: ${(error as Error).message}; skipped`,
          },
        };
        continue;
      }
      total += bytes.byteLength;
      yield { name, format, bytes };
    }
  } finally {
    zip.close();
  }
}

/** Reads a stream whole, failing once it passes `max` bytes (the declared size of an entry can lie). */
async function readBounded(stream: Readable, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      stream.destroy();
      throw new Error(`inflates past ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function* readFolder(root: string, bounds: ExportLimits): AsyncGenerator<ExportEntry> {
  let count = 0;
  let total = 0;
  const walk = async function* (dir: string, depth: number): AsyncGenerator<ExportEntry> {
    if (depth > bounds.maxDepth) {
      yield {
        name: path.relative(root, dir),
        problem: {
          code: 'OSV_EXPORT_TOO_DEEP',
          message: `folder nesting passes ${bounds.maxDepth}; skipped`,
        },
      };
      return;
    }
    const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const child of children) {
      const full = path.join(dir, child.name);
      const name = path.relative(root, full).split(path.sep).join('/');
      if (child.isDirectory()) {
        if (child.name.startsWith('.')) continue;
        yield* walk(full, depth + 1);
        continue;
      }
      // Symlinks are not followed: a record set is plain files, and a link could point anywhere.
      if (!child.isFile()) continue;
      const format = recordFormatOf(child.name);
      if (!format) continue;
      if (++count > bounds.maxEntries) {
        throw new RaygateError(
          'OSV_EXPORT_TOO_MANY_ENTRIES',
          'limit',
          `${root} holds more than ${bounds.maxEntries} records.`,
        );
      }
      const bytes = await readFileBounded(full, bounds.maxEntryBytes);
      if (!bytes) {
        yield {
          name,
          problem: {
            code: 'OSV_RECORD_TOO_LARGE',
            message: `file is over the ${bounds.maxEntryBytes}-byte limit; skipped`,
          },
        };
        continue;
      }
      total += bytes.byteLength;
      if (total > bounds.maxTotalBytes) {
        throw new RaygateError(
          'OSV_EXPORT_TOO_LARGE',
          'limit',
          `${root} holds more than ${bounds.maxTotalBytes} bytes of records.`,
        );
      }
      yield { name, format, bytes };
    }
  };
  yield* walk(root, 0);
}

async function readFileBounded(file: string, max: number): Promise<Uint8Array | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max) return undefined;
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
