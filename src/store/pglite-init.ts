import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RaygateError } from '../shared/errors.ts';

const INIT_SCRIPT = fileURLToPath(new URL('./pglite-init-process.ts', import.meta.url));

/**
 * Creates the PGlite cluster in `clusterDir` when there is none yet, in a child process. Initializing a
 * cluster (initdb inside WASM) grows PGlite's WASM memory past 600 MB, and WASM memory never shrinks: done in
 * the serving process it would keep the service above 600 MB RSS for its whole life, against ~200 MB when
 * it opens a cluster that exists. The child builds the cluster beside the target and renames it into place,
 * so a crash half-way leaves no half-made cluster behind.
 */
export async function ensurePgliteCluster(clusterDir: string): Promise<void> {
  const entries = await readdir(clusterDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  // A non-empty folder is a cluster (or what is left of one): PGlite opens it, or says what is wrong.
  if (entries !== undefined && entries.length > 0) return;
  const building = `${clusterDir}.init-${randomBytes(4).toString('hex')}`;
  try {
    await runInitProcess(building);
    if (entries !== undefined) await rmdir(clusterDir);
    await rename(building, clusterDir);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

function runInitProcess(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INIT_SCRIPT, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 8192) stderr += d;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      reject(
        new RaygateError(
          'STORE_UNAVAILABLE',
          'unavailable',
          `Cannot create the embedded database in ${path.dirname(dir)} (initializer exited ${signal ?? code}): ${stderr.trim().slice(-2000)}`,
        ),
      );
    });
  });
}
