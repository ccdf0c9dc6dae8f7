import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';

export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'raygate.lock';

/**
 * PGlite keeps no lock of its own, and two processes writing one data folder corrupt it. This lock file
 * (holding the owner's pid) makes the second opener fail with DATA_DIR_IN_USE instead. A lock left by a
 * process that no longer exists is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || isAlive(owner))) {
        throw new RaygateError(
          'DATA_DIR_IN_USE',
          'conflict',
          `The data folder ${dataDir} is in use by process ${owner} (a running raygate serve?). ` +
            'Stop it, use the HTTP API, or point this command at a PostgreSQL server with --database-url.',
          { details: { pid: owner } },
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new RaygateError('DATA_DIR_IN_USE', 'conflict', `Could not lock the data folder ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
