import assert from 'node:assert/strict';
import { ApiTokens, hashApiToken } from '../../src/store/api-tokens.ts';
import { verifyAuditLog } from '../../src/store/audit-log.ts';
import { listAuditEntries } from '../../src/store/repos/audit-log.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { describeEachBackend, resetDb } from '../support/test-db.ts';

describeEachBackend('ApiTokens', (current) => {
  let clock = new Date('2026-03-01T12:00:00Z');
  const tokens = () => new ApiTokens(current().db, () => clock);

  beforeEach(async () => {
    clock = new Date('2026-03-01T12:00:00Z');
    await resetDb(current().db);
  });

  describe('when a token is created', () => {
    it('returns the secret once and stores only its sha256', async () => {
      const issued = await tokens().create({
        name: 'ci',
        role: 'submitter',
        projects: ['ray-images'],
        expiresAt: null,
        actor: 'cli:test',
      });
      assert.match(issued.token, /^rg_[A-Za-z0-9_-]{43}$/);
      assert.equal(issued.record.role, 'submitter');
      assert.deepEqual(issued.record.projects, ['ray-images']);
      const { rows } = await current().db.query<Record<string, unknown>>('SELECT * FROM api_tokens');
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, hashApiToken(issued.token));
      assert.ok(!JSON.stringify(rows).includes(issued.token.slice(10)), 'the secret is not stored');
    });

    it('records the creation in the audit log in the same transaction', async () => {
      const issued = await tokens().create({
        name: 'ci',
        role: 'admin',
        expiresAt: null,
        actor: 'cli:alice',
      });
      const entries = await listAuditEntries(current().db, { limit: 10 });
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.action, 'token.create');
      assert.equal(entries[0]!.actor, 'cli:alice');
      assert.equal(entries[0]!.subjectId, issued.record.id);
      assert.ok(!JSON.stringify(entries).includes(issued.token), 'no secret in the audit log');
      assert.equal((await verifyAuditLog(current().db)).ok, true);
    });

    it('refuses an unknown role, a malformed project, an empty name and a past expiry', async () => {
      const t = tokens();
      await assertRejectsWithCode(
        () => t.create({ name: 'x', role: 'root' as never, expiresAt: null, actor: 'a' }),
        'ROLE_INVALID',
      );
      await assertRejectsWithCode(
        () => t.create({ name: 'x', role: 'viewer', projects: ['../etc'], expiresAt: null, actor: 'a' }),
        'PROJECT_INVALID',
      );
      await assertRejectsWithCode(
        () => t.create({ name: '  ', role: 'viewer', expiresAt: null, actor: 'a' }),
        'TOKEN_NAME_INVALID',
      );
      await assertRejectsWithCode(
        () => t.create({ name: 'x', role: 'viewer', expiresAt: new Date(clock.getTime() - 1), actor: 'a' }),
        'TOKEN_EXPIRY_INVALID',
      );
      assert.equal(await t.count(), 0);
    });
  });

  describe('when a token is presented', () => {
    it('accepts it while valid and records when it was used', async () => {
      const issued = await tokens().create({
        name: 'ci',
        role: 'viewer',
        expiresAt: new Date('2026-03-02T12:00:00Z'),
        actor: 'a',
      });
      const check = await tokens().check(issued.token);
      assert.ok(check.ok);
      assert.equal(check.record.id, issued.record.id);
      assert.equal((await tokens().get(issued.record.id))?.lastUsedAt?.toISOString(), clock.toISOString());
    });

    it('refuses it once expired, with the reason', async () => {
      const issued = await tokens().create({
        name: 'ci',
        role: 'viewer',
        expiresAt: new Date('2026-03-02T12:00:00Z'),
        actor: 'a',
      });
      clock = new Date('2026-03-02T12:00:00Z');
      assert.deepEqual(await tokens().check(issued.token), { ok: false, reason: 'expired' });
    });

    it('refuses a revoked token, an unknown one and a malformed one', async () => {
      const issued = await tokens().create({ name: 'ci', role: 'viewer', expiresAt: null, actor: 'a' });
      await tokens().revoke(issued.record.id, 'cli:bob');
      assert.deepEqual(await tokens().check(issued.token), { ok: false, reason: 'revoked' });
      const forged = `rg_${'A'.repeat(43)}`;
      assert.deepEqual(await tokens().check(forged), { ok: false, reason: 'unknown' });
      assert.deepEqual(await tokens().check('rg_short'), { ok: false, reason: 'malformed' });
    });
  });

  describe('when a token is revoked', () => {
    it('marks it, audits it, and refuses a second revocation or an unknown id', async () => {
      const issued = await tokens().create({ name: 'ci', role: 'viewer', expiresAt: null, actor: 'a' });
      const revoked = await tokens().revoke(issued.record.id, 'cli:bob');
      assert.equal(revoked.revokedBy, 'cli:bob');
      await assertRejectsWithCode(
        () => tokens().revoke(issued.record.id, 'cli:bob'),
        'TOKEN_ALREADY_REVOKED',
      );
      await assertRejectsWithCode(() => tokens().revoke('tok_nope', 'cli:bob'), 'TOKEN_NOT_FOUND');
      const actions = (await listAuditEntries(current().db, { limit: 10 })).map((e) => e.action);
      assert.deepEqual(actions, ['token.create', 'token.revoke']);
      const [listed] = await tokens().list();
      assert.ok(listed?.revokedAt);
    });
  });
});
