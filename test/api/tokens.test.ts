import assert from 'node:assert/strict';
import { verifyAuditLog } from '../../src/store/audit-log.ts';
import { call, errorCode, startTestApi, type TestApi } from './support.ts';

describe('token API end to end', function () {
  this.timeout(60_000);
  let api: TestApi;
  let admin: string;

  before(async () => {
    api = await startTestApi();
    admin = (await api.issue('admin')).token;
  });
  after(() => api.close());

  describe('when an admin creates a token', () => {
    it('returns the secret once, and the new token works at once with exactly its role', async () => {
      const created = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'ci for ray-images', role: 'submitter', projects: ['ray-images'], expiresIn: '30d' },
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('cache-control'), 'no-store');
      const secret = created.body.token as string;
      assert.match(secret, /^rg_/);
      assert.equal(created.body.role, 'submitter');
      assert.deepEqual(created.body.projects, ['ray-images']);
      assert.equal(created.body.state, 'active');

      const session = await call(api.url, 'GET', '/api/v1/session', { token: secret });
      assert.equal(session.status, 200);
      assert.deepEqual(
        [session.body.kind, session.body.role, session.body.projects],
        ['token', 'submitter', ['ray-images']],
      );

      const listed = await call(api.url, 'GET', '/api/v1/tokens', { token: admin });
      const tokens = listed.body.tokens as Record<string, unknown>[];
      assert.ok(tokens.some((t) => t.id === created.body.id));
      assert.ok(!listed.text.includes(secret), 'listing never shows secrets');
    });

    it('records who created it in the audit log, and the chain verifies', async () => {
      const audit = await call(api.url, 'GET', '/api/v1/audit?limit=1000', { token: admin });
      assert.equal(audit.status, 200);
      const entries = audit.body.entries as { action: string; actor: string }[];
      assert.ok(entries.some((e) => e.action === 'token.create' && e.actor.startsWith('token:tok_')));
      assert.equal((await verifyAuditLog(api.testDb.db)).ok, true);
    });
  });

  describe('when a token is missing, wrong, expired or revoked', () => {
    it('answers 401 with a code and a WWW-Authenticate challenge', async () => {
      const none = await call(api.url, 'GET', '/api/v1/tokens');
      assert.equal(none.status, 401);
      assert.equal(errorCode(none), 'UNAUTHENTICATED');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      const forged = await call(api.url, 'GET', '/api/v1/tokens', { token: `rg_${'x'.repeat(43)}` });
      assert.deepEqual([forged.status, errorCode(forged)], [401, 'TOKEN_INVALID']);
      const basic = await call(api.url, 'GET', '/api/v1/tokens', {
        headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      });
      assert.equal(basic.status, 401);
    });

    it('stops accepting a token when it expires', async () => {
      const start = new Date();
      const { token } = await api.issue('viewer', [], new Date(start.getTime() + 3_600_000));
      assert.equal((await call(api.url, 'GET', '/api/v1/session', { token })).status, 200);
      api.setNow(new Date(start.getTime() + 3_600_000));
      try {
        const expired = await call(api.url, 'GET', '/api/v1/session', { token });
        assert.deepEqual([expired.status, errorCode(expired)], [401, 'TOKEN_INVALID']);
      } finally {
        api.setNow(new Date());
      }
    });

    it('stops accepting a token the moment it is revoked through the API', async () => {
      const { token, id } = await api.issue('viewer');
      assert.equal((await call(api.url, 'GET', '/api/v1/session', { token })).status, 200);
      const revoked = await call(api.url, 'DELETE', `/api/v1/tokens/${id}`, { token: admin });
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.state, 'revoked');
      assert.equal((await call(api.url, 'GET', '/api/v1/session', { token })).status, 401);
      const again = await call(api.url, 'DELETE', `/api/v1/tokens/${id}`, { token: admin });
      assert.deepEqual([again.status, errorCode(again)], [409, 'TOKEN_ALREADY_REVOKED']);
    });

    it('never takes identity from client headers', async () => {
      const spoofed = await call(api.url, 'GET', '/api/v1/tokens', {
        headers: {
          'x-forwarded-user': 'admin',
          'x-remote-user': 'admin',
          'x-raygate-role': 'admin',
          'x-github-actor': 'admin',
        },
      });
      assert.equal(spoofed.status, 401);
    });
  });

  describe('when the role or the project does not fit', () => {
    it('refuses token management to every role but admin', async () => {
      for (const role of ['viewer', 'submitter', 'approver'] as const) {
        const { token } = await api.issue(role);
        const list = await call(api.url, 'GET', '/api/v1/tokens', { token });
        assert.deepEqual([list.status, errorCode(list)], [403, 'FORBIDDEN'], role);
        const create = await call(api.url, 'POST', '/api/v1/tokens', {
          token,
          json: { name: 'x', role: 'admin' },
        });
        assert.deepEqual([create.status, errorCode(create)], [403, 'FORBIDDEN'], role);
      }
    });

    it('confines a project-scoped admin to its projects', async () => {
      const scoped = (await api.issue('admin', ['ray-images'])).token;
      const inside = await call(api.url, 'POST', '/api/v1/tokens', {
        token: scoped,
        json: { name: 'x', role: 'viewer', projects: ['ray-images'] },
      });
      assert.equal(inside.status, 201);
      const outside = await call(api.url, 'POST', '/api/v1/tokens', {
        token: scoped,
        json: { name: 'x', role: 'viewer', projects: ['ray-wheels'] },
      });
      assert.deepEqual([outside.status, errorCode(outside)], [403, 'FORBIDDEN']);
      const everywhere = await call(api.url, 'POST', '/api/v1/tokens', {
        token: scoped,
        json: { name: 'x', role: 'viewer' },
      });
      assert.deepEqual([everywhere.status, errorCode(everywhere)], [403, 'FORBIDDEN']);
      const listed = (await call(api.url, 'GET', '/api/v1/tokens', { token: scoped })).body.tokens as {
        projects: string[] | null;
      }[];
      assert.ok(listed.length > 0 && listed.every((t) => t.projects?.every((p) => p === 'ray-images')));
      const other = await api.issue('viewer', ['ray-wheels']);
      const revoke = await call(api.url, 'DELETE', `/api/v1/tokens/${other.id}`, { token: scoped });
      assert.deepEqual([revoke.status, errorCode(revoke)], [404, 'TOKEN_NOT_FOUND']);
      const audit = await call(api.url, 'GET', '/api/v1/audit', { token: scoped });
      assert.deepEqual([audit.status, errorCode(audit)], [403, 'FORBIDDEN']);
    });
  });

  describe('when the request is malformed', () => {
    it('answers 400 naming the field, for schema violations and unknown properties', async () => {
      const missing = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, json: { name: 'x' } });
      assert.deepEqual([missing.status, errorCode(missing)], [400, 'REQUEST_INVALID']);
      assert.match((missing.body.error as { message: string }).message, /role/);
      const extra = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'x', role: 'viewer', isAdmin: true },
      });
      assert.match((extra.body.error as { message: string }).message, /isAdmin/);
      const badRole = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'x', role: 'root' },
      });
      assert.equal(badRole.status, 400);
      const badExpiry = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'x', role: 'viewer', expiresIn: '-1d' },
      });
      assert.equal(badExpiry.status, 400);
      const badId = await call(api.url, 'DELETE', '/api/v1/tokens/..%2F..%2Fetc', { token: admin });
      assert.deepEqual([badId.status, errorCode(badId)], [400, 'REQUEST_INVALID']);
    });

    it('answers 400 for broken JSON and 415 for a body that is not JSON', async () => {
      const broken = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        body: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      assert.deepEqual([broken.status, errorCode(broken)], [400, 'BODY_INVALID_JSON']);
      const form = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        body: 'name=x&role=admin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.deepEqual([form.status, errorCode(form)], [415, 'BODY_UNSUPPORTED_MEDIA_TYPE']);
    });

    it('answers 413 with a code for a body over the limit, without creating anything', async () => {
      const before = await api.tokens.count();
      const huge = await call(api.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'x', role: 'viewer', padding: 'x'.repeat(2 * 1024 * 1024) },
      });
      assert.deepEqual([huge.status, errorCode(huge)], [413, 'BODY_TOO_LARGE']);
      assert.equal(await api.tokens.count(), before);
    });
  });
});
