import assert from 'node:assert/strict';
import { DataVersion } from '../../src/store/data-version.ts';
import type { Queryable } from '../../src/store/db.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { describeEachBackend } from '../support/test-db.ts';

/** Counts the queries that reach `db`. */
function counting(db: Queryable): Queryable & { count: number } {
  const wrapper = {
    count: 0,
    query: (sql: string, params?: readonly unknown[]) => {
      wrapper.count++;
      return db.query(sql, params);
    },
    exec: (sql: string) => db.exec(sql),
  };
  return wrapper as Queryable & { count: number };
}

describeEachBackend('DataVersion', (current) => {
  before(() => current().db.exec('CREATE TABLE version_probe (n integer)'));

  describe('when nothing is written', () => {
    it('stays the same across reads, and reads do not change it', async () => {
      const version = new DataVersion(current().db);
      const first = await version.read();
      await current().db.query('SELECT count(*) FROM version_probe');
      assert.equal(await version.read(), first);
    });
  });

  describe('when a transaction commits a write', () => {
    it('changes, for a plain statement and for a transaction', async () => {
      const version = new DataVersion(current().db);
      const before = await version.read();
      await current().db.query('INSERT INTO version_probe VALUES (1)');
      const afterInsert = await version.read();
      assert.notEqual(afterInsert, before);
      await current().db.transaction((tx) => tx.query('UPDATE version_probe SET n = 2'));
      assert.notEqual(await version.read(), afterInsert);
    });

    it('does not change for a write that touches no row', async () => {
      const version = new DataVersion(current().db);
      const before = await version.read();
      await current().db.query('UPDATE version_probe SET n = 3 WHERE n < 0');
      assert.equal(await version.read(), before);
    });
  });

  describe('when many callers read at once', () => {
    it('asks the database once for all of them, and again for a caller after the query went out', async () => {
      const db = counting(current().db);
      const version = new DataVersion(db);
      const burst = await Promise.all(Array.from({ length: 20 }, () => version.read()));
      assert.equal(db.count, 1);
      assert.equal(new Set(burst).size, 1);
      await version.read();
      assert.equal(db.count, 2);
    });
  });
});

describe('DataVersion on a PostgreSQL server shared by replicas', function () {
  this.timeout(60_000);
  it('changes when another connection (another replica) commits', async () => {
    const { openTestDb } = await import('../support/test-db.ts');
    const mine = await openTestDb('postgres');
    const theirs = await openPgDb({ url: mine.location, poolMax: 1, log: SILENT_LOGGER });
    try {
      await mine.db.exec('CREATE TABLE version_probe (n integer)');
      const version = new DataVersion(mine.db);
      const before = await version.read();
      await theirs.query('INSERT INTO version_probe VALUES (1)');
      assert.notEqual(await version.read(), before);
    } finally {
      await theirs.close();
      await mine.close();
    }
  });
});
