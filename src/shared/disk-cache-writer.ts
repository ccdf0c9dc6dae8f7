import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A folder of cached HTTP bodies keyed by URL: one file per key (named by the key's SHA-256, so no key
 * can name a path), written beside the target and renamed so a reader never sees half a body, and
 * considered fresh for `maxAgeMs` after it was written.
 */
export interface ResponseCache {
  get(key: string, maxAgeMs: number): Promise<{ status: number; body: Buffer } | undefined>;
  put(key: string, status: number, body: Uint8Array): Promise<void>;
}

export function diskResponseCache(dir: string, now: () => number = Date.now): ResponseCache {
  const file = (key: string) => path.join(dir, createHash('sha256').update(key).digest('hex'));
  return {
    async get(key, maxAgeMs) {
      const target = file(key);
      try {
        const info = await stat(target);
        if (now() - info.mtimeMs > maxAgeMs) return undefined;
        const content = await readFile(target);
        const newline = content.indexOf(10);
        if (newline < 0) return undefined;
        const status = Number(content.subarray(0, newline).toString('ascii'));
        if (!Number.isInteger(status)) return undefined;
        return { status, body: content.subarray(newline + 1) };
      } catch {
        return undefined;
      }
    },
    async put(key, status, body) {
      const target = file(key);
      await mkdir(dir, { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, Buffer.concat([Buffer.from(`${status}\n`), Buffer.from(body)]));
        await rename(temp, target);
      } catch {
        // A cache that cannot be written only costs a request next time.
        await rm(temp, { force: true });
      }
    },
  };
}
