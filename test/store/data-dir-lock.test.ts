import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lockDataDir } from '../../src/store/data-dir-lock.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';

describe('lockDataDir', () => {
  it('lets one holder in and refuses a second while a live process holds it', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const lock = await lockDataDir(dir);
      await assertRejectsWithCode(() => lockDataDir(dir), 'DATA_DIR_IN_USE');
      await lock.release();
      // A live process other than this one owns the lock (our parent shell's pid is alive and not ours).
      await writeFile(path.join(dir, 'raygate.lock'), `${process.ppid}\n`);
      await assertRejectsWithCode(() => lockDataDir(dir), 'DATA_DIR_IN_USE');
    } finally {
      await cleanup();
    }
  });

  it('takes over a lock left by a process that no longer exists, and releases it', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      await writeFile(path.join(dir, 'raygate.lock'), `${gone.stdout}\n`);
      const lock = await lockDataDir(dir);
      assert.equal((await readFile(path.join(dir, 'raygate.lock'), 'utf8')).trim(), String(process.pid));
      await lock.release();
      const again = await lockDataDir(dir);
      await again.release();
    } finally {
      await cleanup();
    }
  });
});
