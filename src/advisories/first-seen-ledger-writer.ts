import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FirstSeenLedger } from './source.ts';

const MAX_LEDGER_BYTES = 256 * 1024 * 1024;

/**
 * The first-seen ledger of the local mirror: an append-only file of `{"k": key, "t": time}` lines beside the
 * mirror's generations, so it survives every import. Appends of whole lines keep concurrent scans from
 * corrupting each other; a key written twice keeps its earliest time.
 */
export function fileFirstSeenLedger(dir: string): FirstSeenLedger {
  const file = path.join(dir, 'first-seen.ndjson');
  return {
    async firstSeen(keys, now) {
      const known = await load(file);
      const result = new Map<string, string>();
      const fresh: string[] = [];
      const at = now.toISOString();
      for (const key of keys) {
        const seen = known.get(key);
        if (seen) result.set(key, seen);
        else {
          result.set(key, at);
          fresh.push(`${JSON.stringify({ k: key, t: at })}\n`);
        }
      }
      if (fresh.length > 0) {
        await mkdir(dir, { recursive: true });
        await appendFile(file, fresh.join(''), { flag: 'a' });
      }
      return result;
    },
  };
}

async function load(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  if (text.length > MAX_LEDGER_BYTES) text = text.slice(0, MAX_LEDGER_BYTES);
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const { k, t } = JSON.parse(line) as { k?: unknown; t?: unknown };
      if (typeof k !== 'string' || typeof t !== 'string') continue;
      const prev = map.get(k);
      if (!prev || t < prev) map.set(k, t);
    } catch {
      // A torn last line (a crash mid-append) is ignored; the pair is recorded again on the next scan.
    }
  }
  return map;
}
