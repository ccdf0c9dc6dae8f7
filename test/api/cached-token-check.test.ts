import assert from 'node:assert/strict';
import { CachedTokenCheck } from '../../src/api/auth/cached-token-check.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { ApiTokens, type TokenCheck } from '../../src/store/api-tokens.ts';
import { DataVersion } from '../../src/store/data-version.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { describeEachBackend, openTestDb } from '../support/test-db.ts';

describeEachBackend('CachedTokenCheck', (current) => {
  let now: Date;
  let tokens: ApiTokens;
  let checks: number;
  let cache: CachedTokenCheck;
  beforeEach(() => {
    now = new Date();
    tokens = new ApiTokens(current().db, () => now);
    checks = 0;
    const counted = {
      check: (token: string): Promise<TokenCheck> => {
        checks++;
        return tokens.check(token);
      },
    };
    cache = new CachedTokenCheck(counted, new DataVersion(current().db), () => now);
  });

  const create = (expiresAt: Date | null = null) =>
    tokens.create({ name: 'ci', role: 'submitter', expiresAt, actor: 'test' });
  const issue = async (expiresAt: Date | null = null) => (await create(expiresAt)).token;

  describe('when the data has not changed', () => {
    it('accepts a token checked before without asking the store again', async () => {
      const token = await issue();
      // The first check records the token's use (a write), so the second looks again; then it is settled.
      await cache.check(token);
      await cache.check(token);
      const settled = checks;
      for (let i = 0; i < 5; i++) assert.equal((await cache.check(token)).ok, true);
      assert.equal(checks, settled);
    });

    it('still refuses a token once its expiry passes', async () => {
      const token = await issue(new Date(now.getTime() + 60_000));
      await cache.check(token);
      await cache.check(token);
      now = new Date(now.getTime() + 61_000);
      assert.deepEqual(await cache.check(token), { ok: false, reason: 'expired' });
    });

    it('never remembers a refusal', async () => {
      const wrong = `rg_${'A'.repeat(43)}`;
      await cache.check(wrong);
      await cache.check(wrong);
      assert.equal(checks, 2);
    });
  });

  describe('when the token is revoked', () => {
    it('refuses it at once', async () => {
      const { token, record } = await create();
      await cache.check(token);
      await cache.check(token);
      await tokens.revoke(record.id, 'test');
      assert.deepEqual(await cache.check(token), { ok: false, reason: 'revoked' });
    });
  });
});

describe('CachedTokenCheck with replicas on one PostgreSQL server', function () {
  this.timeout(60_000);
  it('refuses a token another replica revoked, on the next request', async () => {
    const mine = await openTestDb('postgres');
    const theirs = await openPgDb({ url: mine.location, poolMax: 1, log: SILENT_LOGGER });
    try {
      const here = new ApiTokens(mine.db, () => new Date());
      const there = new ApiTokens(theirs, () => new Date());
      const issued = await here.create({ name: 'ci', role: 'submitter', expiresAt: null, actor: 'test' });
      const cache = new CachedTokenCheck(here, new DataVersion(mine.db), () => new Date());
      assert.equal((await cache.check(issued.token)).ok, true);
      assert.equal((await cache.check(issued.token)).ok, true);
      await there.revoke(issued.record.id, 'test');
      assert.deepEqual(await cache.check(issued.token), { ok: false, reason: 'revoked' });
    } finally {
      await theirs.close();
      await mine.close();
    }
  });
});
