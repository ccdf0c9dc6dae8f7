import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the Ray test environment installs: Ray with its `data` extra, as the issue asks. */
export const RAY_REQUIREMENT = 'ray[data]==2.58.0';

/** Where slow, reusable test environments live (`RAYGATE_TEST_CACHE` overrides). */
export function testCacheDir(): string {
  return process.env.RAYGATE_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'raygate-test');
}

/**
 * A real venv with `ray[data]==2.58.0` installed by pip, built once and cached. The cache key is derived
 * from the requirement and the interpreter version. The venv is built in a temporary folder beside the
 * cache entry and renamed into place only when pip succeeded, so a half-built venv is never used.
 */
export async function rayVenv(python = 'python3'): Promise<string> {
  const { stdout: version } = await run(python, ['-c', 'import sys; print(sys.version)']);
  const key = createHash('sha256').update(`${RAY_REQUIREMENT}\n${version.trim()}`).digest('hex').slice(0, 16);
  const cache = testCacheDir();
  const target = path.join(cache, `ray-venv-${key}`);
  if (await exists(path.join(target, 'pyvenv.cfg'))) return target;

  await mkdir(cache, { recursive: true });
  const building = await mkdtemp(path.join(cache, `ray-venv-${key}.building-`));
  try {
    await run(python, ['-m', 'venv', building], { timeout: 120_000 });
    await run(
      path.join(building, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--retries', '0', RAY_REQUIREMENT],
      { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    try {
      await rename(building, target);
    } catch (error) {
      // Another test run finished first: use its venv.
      if (!(await exists(path.join(target, 'pyvenv.cfg')))) throw error;
      await rm(building, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  return target;
}

/** `pip list --format json` of a venv, run with the venv's own interpreter. */
export async function pipList(venv: string): Promise<{ name: string; version: string }[]> {
  const { stdout } = await run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'list', '--format', 'json'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { name: string; version: string }[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
