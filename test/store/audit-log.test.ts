import assert from 'node:assert/strict';
import { GENESIS_HASH } from '../../src/store/audit-chain.ts';
import { appendAudit, verifyAuditLog } from '../../src/store/audit-log.ts';
import type { Db } from '../../src/store/db.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { listAuditEntries } from '../../src/store/repos/audit-log.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { describeEachBackend, resetDb } from '../support/test-db.ts';

const T0 = Date.parse('2026-05-01T00:00:00Z');

async function appendMany(db: Db, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await db.transaction((tx) =>
      appendAudit(
        tx,
        {
          actor: `token:tok_${i}`,
          action: 'token.create',
          subject: { kind: 'token', id: `tok_${i}` },
          details: { n: i, roles: ['a', 'b'] },
        },
        new Date(T0 + i * 1000),
      ),
    );
  }
}

/** Runs SQL the way someone with database access would, past the append-only trigger. */
async function tamper(db: Db, sql: string): Promise<void> {
  await db.exec(
    `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`,
  );
}

describeEachBackend('audit log', (current) => {
  beforeEach(async () => {
    await resetDb(current().db);
    await appendMany(current().db, 5);
  });

  describe('when entries are appended', () => {
    it('chains them from the genesis hash with gap-free sequence numbers', async () => {
      const entries = await listAuditEntries(current().db, { limit: 100 });
      assert.deepEqual(
        entries.map((e) => e.seq),
        [1, 2, 3, 4, 5],
      );
      assert.equal(entries[0]!.prevHash, GENESIS_HASH);
      for (let i = 1; i < entries.length; i++) assert.equal(entries[i]!.prevHash, entries[i - 1]!.hash);
      const result = await verifyAuditLog(current().db);
      assert.deepEqual(result, { ok: true, verified: 5, head: { seq: 5, hash: entries[4]!.hash } });
    });

    it('vanishes with a rolled-back transaction, leaving the chain intact', async () => {
      await assert.rejects(
        current().db.transaction(async (tx) => {
          await appendAudit(tx, { actor: 'x', action: 'y' }, new Date(T0 + 10_000));
          throw new Error('the change failed');
        }),
      );
      assert.equal((await verifyAuditLog(current().db)).verified, 5);
    });

    it('refuses UPDATE, DELETE and TRUNCATE through the append-only trigger', async () => {
      const { db } = current();
      await assert.rejects(db.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"), /append-only/);
      await assert.rejects(db.query('DELETE FROM audit_log WHERE seq = 2'), /append-only/);
      await assert.rejects(db.exec('TRUNCATE audit_log'), /append-only/);
    });
  });

  describe('when someone tampers with the table directly', () => {
    it('names an edited entry', async () => {
      await tamper(
        current().db,
        `UPDATE audit_log SET details = '{"n": 3, "roles": ["a", "b", "admin"]}' WHERE seq = 3`,
      );
      const result = await verifyAuditLog(current().db);
      assert.equal(result.ok, false);
      assert.deepEqual(
        [result.problem?.code, result.problem?.seq, result.verified],
        ['AUDIT_ENTRY_ALTERED', 3, 2],
      );
    });

    it('names an entry whose time or actor was changed', async () => {
      await tamper(
        current().db,
        `UPDATE audit_log SET recorded_at = recorded_at + interval '1 millisecond' WHERE seq = 4`,
      );
      assert.deepEqual((await verifyAuditLog(current().db)).problem?.seq, 4);
    });

    it('names the position of a deleted entry', async () => {
      await tamper(current().db, 'DELETE FROM audit_log WHERE seq = 2');
      const result = await verifyAuditLog(current().db);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_ENTRY_MISSING', 2]);
    });

    it('notices the deleted tail through the head', async () => {
      await tamper(current().db, 'DELETE FROM audit_log WHERE seq >= 4');
      const result = await verifyAuditLog(current().db);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_HEAD_MISMATCH', 4]);
    });

    it('names reordered entries', async () => {
      await tamper(
        current().db,
        'UPDATE audit_log SET seq = seq + 1000 WHERE seq IN (2, 3); UPDATE audit_log SET seq = CASE seq WHEN 1002 THEN 3 ELSE 2 END WHERE seq > 1000',
      );
      const result = await verifyAuditLog(current().db);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_ENTRY_ALTERED', 2]);
    });

    it('names an entry spliced in with renumbering, even with a correct self-hash', async () => {
      const { db } = current();
      const [third] = await listAuditEntries(db, { afterSeq: 2, limit: 1 });
      // Shift 3..5 up by one and insert a forged entry 3 that copies the old 3's hash fields.
      await tamper(
        db,
        `UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3;
         UPDATE audit_log SET seq = seq - 99 WHERE seq >= 103;
         INSERT INTO audit_log (seq, recorded_at, actor, action, details, prev_hash, hash)
           VALUES (3, now(), 'mallory', 'token.create', '{}', '${third!.prevHash}', '${'f'.repeat(64)}')`,
      );
      const result = await verifyAuditLog(db);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_ENTRY_ALTERED', 3]);
    });

    it('notices an entry appended without going through the head', async () => {
      await tamper(
        current().db,
        `INSERT INTO audit_log (seq, recorded_at, actor, action, details, prev_hash, hash)
           SELECT 6, recorded_at, actor, action, details, hash, repeat('e', 64) FROM audit_log WHERE seq = 5`,
      );
      const result = await verifyAuditLog(current().db);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_ENTRY_ALTERED', 6]);
    });

    it('catches a log rewritten from scratch with the anchor recorded earlier', async () => {
      const { db } = current();
      const anchor = (await verifyAuditLog(db)).head;
      // Rewrite the whole log consistently with different content, as a full recompute would.
      await tamper(db, 'DELETE FROM audit_log');
      await db.query('UPDATE audit_head SET seq = 0, hash = $1', [GENESIS_HASH]);
      await appendMany(db, 3);
      await db.transaction((tx) =>
        appendAudit(tx, { actor: 'mallory', action: 'token.create' }, new Date(T0 + 9000)),
      );
      await db.transaction((tx) =>
        appendAudit(tx, { actor: 'mallory', action: 'token.create' }, new Date(T0 + 9500)),
      );
      assert.equal((await verifyAuditLog(db)).ok, true, 'self-consistent without the anchor');
      const result = await verifyAuditLog(db, anchor);
      assert.deepEqual([result.problem?.code, result.problem?.seq], ['AUDIT_ANCHOR_MISMATCH', 5]);
    });
  });
});

describeEachBackend('audit log under concurrent appends', (current) => {
  it('keeps one unforked chain when two connection pools (two replicas) append at once', async function () {
    const { db, backend, location } = current();
    await resetDb(db);
    const second =
      backend === 'postgres' ? await openPgDb({ url: location, poolMax: 5, log: SILENT_LOGGER }) : db;
    try {
      const appendFrom = (replica: Db, name: string) =>
        Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            replica.transaction((tx) =>
              appendAudit(tx, { actor: name, action: 'test.append', details: { i } }, new Date()),
            ),
          ),
        );
      await Promise.all([appendFrom(db, 'replica-a'), appendFrom(second, 'replica-b')]);
      const result = await verifyAuditLog(db);
      assert.equal(result.ok, true, JSON.stringify(result.problem));
      assert.equal(result.verified, 50);
    } finally {
      if (second !== db) await second.close();
    }
  });
});
