import assert from 'node:assert/strict';
import { sqlState, UNIQUE_VIOLATION } from '../../src/store/db.ts';
import { describeEachBackend } from '../support/test-db.ts';

describeEachBackend('Db', (current) => {
  before(async () => {
    await current().db.exec(
      'CREATE TABLE probe (id bigint PRIMARY KEY, data jsonb, blob bytea, at timestamptz, tags text[])',
    );
  });

  describe('when values round-trip', () => {
    it('returns int8 as number, bytea as Buffer, jsonb parsed, timestamptz as Date and arrays as arrays', async () => {
      const { db } = current();
      const at = new Date('2026-01-02T03:04:05.678Z');
      await db.query('INSERT INTO probe VALUES ($1, $2, $3, $4, $5)', [
        9_007_199_254_740_991,
        JSON.stringify({ b: [1, 2.5], a: 'x' }),
        Buffer.from([0, 1, 255]),
        at,
        ['a', 'b'],
      ]);
      const { rows } = await db.query<{
        id: unknown;
        data: unknown;
        blob: unknown;
        at: unknown;
        tags: unknown;
        n: unknown;
      }>('SELECT id, data, blob, at, tags, count(*) OVER () AS n FROM probe');
      const row = rows[0]!;
      assert.equal(row.id, 9_007_199_254_740_991);
      assert.equal(row.n, 1);
      assert.deepEqual(row.data, { a: 'x', b: [1, 2.5] });
      assert.ok(Buffer.isBuffer(row.blob));
      assert.deepEqual([...(row.blob as Buffer)], [0, 1, 255]);
      assert.ok(row.at instanceof Date);
      assert.equal((row.at as Date).toISOString(), at.toISOString());
      assert.deepEqual(row.tags, ['a', 'b']);
    });

    it('counts affected rows', async () => {
      const { db } = current();
      const updated = await db.query('UPDATE probe SET tags = $1', [['c']]);
      assert.equal(updated.rowCount, 1);
      const none = await db.query('UPDATE probe SET tags = $1 WHERE id = -1', [['c']]);
      assert.equal(none.rowCount, 0);
    });
  });

  describe('when a transaction throws', () => {
    it('rolls back everything it did and rethrows', async () => {
      const { db } = current();
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO probe (id) VALUES (2)');
          throw new Error('boom');
        }),
        /boom/,
      );
      const { rows } = await db.query('SELECT id FROM probe WHERE id = 2');
      assert.equal(rows.length, 0);
    });

    it('exposes the SQLSTATE of database errors', async () => {
      const { db } = current();
      const error = await db
        .query('INSERT INTO probe (id) VALUES (9007199254740991)')
        .catch((e: unknown) => e);
      assert.equal(sqlState(error), UNIQUE_VIOLATION);
    });
  });

  describe('when a transaction resolves', () => {
    it('commits', async () => {
      const { db } = current();
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO probe (id) VALUES (3)');
        return 'done';
      });
      assert.equal(value, 'done');
      assert.equal((await db.query('SELECT id FROM probe WHERE id = 3')).rows.length, 1);
    });
  });
});
