import { parse as parseYaml } from 'yaml';
import type { OsvRecord } from './osv.ts';
import { checkOsvRecord, OSV_LIMITS } from './osv-schema.ts';

export type RecordFormat = 'json' | 'yaml';

/** The format of an export entry by its file name, or undefined for files that are not OSV records. */
export function recordFormatOf(name: string): RecordFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

export type RecordParse = { ok: true; record: OsvRecord } | { ok: false; code: string; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of one export entry → a validated OSV record, or the reason it was skipped. Never throws. */
export function parseOsvRecordBytes(bytes: Uint8Array, format: RecordFormat): RecordParse {
  if (bytes.byteLength > OSV_LIMITS.maxRecordBytes) {
    return {
      ok: false,
      code: 'OSV_RECORD_TOO_LARGE',
      message: `record is ${bytes.byteLength} bytes, over the ${OSV_LIMITS.maxRecordBytes}-byte limit`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, code: 'OSV_RECORD_UNREADABLE', message: 'record is not valid UTF-8' };
  }
  let value: unknown;
  try {
    // YAML: the core schema keeps timestamps as strings; alias expansion is bounded against "billion laughs".
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    return {
      ok: false,
      code: 'OSV_RECORD_UNREADABLE',
      message: `record is not valid ${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  return checkOsvRecord(value);
}
