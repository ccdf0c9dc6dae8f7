import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** Root of slow, reusable test inputs (Debian root file systems, Ray environments, built images). */
export function testCacheRoot(): string {
  return process.env.RAYGATE_TEST_CACHE ?? path.join(os.homedir(), '.cache/raygate-test');
}

export function cacheKey(...inputs: string[]): string {
  return createHash('sha256').update(inputs.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * Builds something once under the cache: `build` fills a fresh temporary folder, which is renamed into
 * place only when it succeeds, so an interrupted build is never mistaken for a finished one.
 */
export async function cached(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(testCacheRoot(), name);
  try {
    await access(path.join(dir, '.complete'));
    return dir;
  } catch {
    // not built yet
  }
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await build(temp);
    await mkdir(path.join(temp, '.complete'));
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/** True when a program is on PATH (the tests that need it are skipped with a message otherwise). */
export async function hasProgram(name: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}
