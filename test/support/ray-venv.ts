import path from 'node:path';
import { cached, cacheKey, run } from './test-cache.ts';

/** What the Ray test environment installs: Ray with its `data` extra, as the issue asks. */
export const RAY_REQUIREMENT = 'ray[data]==2.58.0';

/**
 * A real venv with `ray[data]==2.58.0` installed by pip (through the machine's configured index), built
 * once and cached by the requirement and the interpreter version; `cached` renames it into place only
 * when pip succeeded, so a half-built venv is never used.
 */
export async function rayVenv(python = 'python3'): Promise<string> {
  const { stdout: version } = await run(python, ['-c', 'import sys; print(sys.version)']);
  const dir = await cached(`ray-venv-${cacheKey(RAY_REQUIREMENT, version.trim(), 'v3')}`, async (tmp) => {
    const venv = path.join(tmp, 'venv');
    await run(python, ['-m', 'venv', venv], { timeout: 120_000 });
    await run(
      path.join(venv, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--disable-pip-version-check', RAY_REQUIREMENT],
      { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
  });
  return path.join(dir, 'venv');
}

/** `pip list --format json` of a venv, run with the venv's own interpreter. */
export async function pipList(venv: string): Promise<{ name: string; version: string }[]> {
  const { stdout } = await run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'list', '--format', 'json'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { name: string; version: string }[];
}
