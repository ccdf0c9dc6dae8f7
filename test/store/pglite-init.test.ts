import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensurePgliteCluster } from '../../src/store/pglite-init.ts';
import { openPgliteDb, PGLITE_SUBDIR } from '../../src/store/pglite-db.ts';
import { call } from '../api/support.ts';
import { startServe } from '../support/serve-process.ts';

const MB = 1024 * 1024;

describe('ensurePgliteCluster', function () {
  this.timeout(120_000);
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'raygate-pglite-init-'));
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  describe('when the folder does not exist', () => {
    it('creates a cluster there in a child process and leaves nothing else behind', async () => {
      const cluster = path.join(parent, PGLITE_SUBDIR);
      await ensurePgliteCluster(cluster);
      assert.match(await readFile(path.join(cluster, 'PG_VERSION'), 'utf8'), /^\d+/);
      assert.deepEqual(await readdir(parent), [PGLITE_SUBDIR]);
    });
  });

  describe('when the folder exists but is empty', () => {
    it('fills it with a cluster that opens and answers', async () => {
      await mkdir(path.join(parent, PGLITE_SUBDIR));
      const db = await openPgliteDb({ dataDir: parent });
      try {
        assert.deepEqual((await db.query<{ n: number }>('SELECT 1 AS n')).rows, [{ n: 1 }]);
      } finally {
        await db.close();
      }
    });
  });

  describe('when the folder holds something', () => {
    it('leaves it alone for PGlite to open or refuse', async () => {
      const cluster = path.join(parent, PGLITE_SUBDIR);
      await mkdir(cluster);
      await writeFile(path.join(cluster, 'stray'), 'x');
      await ensurePgliteCluster(cluster);
      assert.deepEqual(await readdir(cluster), ['stray']);
    });
  });

  describe('raygate serve on a new, empty data folder', () => {
    it('idles under 400 MB RSS: the cluster was made outside the serving process', async () => {
      const serve = await startServe(['--data', path.join(parent, 'data')]);
      try {
        assert.equal((await call(serve.url, 'GET', '/readyz')).status, 200);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const rss = await serve.rssBytes();
        process.stderr.write(
          `      idle RSS of raygate serve on a new PGlite data folder: ${Math.round(rss / MB)} MB\n`,
        );
        assert.ok(rss < 400 * MB, `idle RSS ${Math.round(rss / MB)} MB`);
      } finally {
        assert.equal(await serve.stop(), 0);
      }
    });
  });
});
