import assert from 'node:assert/strict';
import { get } from 'node:http';
import { csrfTokenFor, readCookie } from '../../src/api/auth/cookie-session.ts';
import { hashUiSessionSecret } from '../../src/store/ui-sessions.ts';
import { call, errorCode, startTestApi, type Answer, type TestApi } from './support.ts';

/** The session secret a Set-Cookie header carries. */
function sessionSecret(answer: Answer): string {
  const cookie = answer.headers.get('set-cookie') ?? '';
  const secret = readCookie(cookie.split(';')[0], 'raygate_session');
  assert.ok(secret, `no session cookie in ${cookie}`);
  return secret;
}

describe('web UI sessions (cookie sign-in)', function () {
  this.timeout(60_000);
  let api: TestApi;
  let approver: { token: string; id: string };
  let origin: string;

  before(async () => {
    api = await startTestApi();
    approver = await api.issue('approver', ['ray-images']);
    origin = api.url;
  });
  after(() => api.close());

  async function signIn(token: string): Promise<{ secret: string; cookie: string; answer: Answer }> {
    const answer = await call(api.url, 'POST', '/api/v1/sessions', { token });
    assert.equal(answer.status, 201, answer.text);
    const secret = sessionSecret(answer);
    return { secret, cookie: `raygate_session=${secret}`, answer };
  }

  describe('when a person signs in with an API token', () => {
    it('sets an HttpOnly, SameSite=Strict cookie with an opaque id and answers who they are', async () => {
      const { secret, answer } = await signIn(approver.token);
      const setCookie = answer.headers.get('set-cookie')!;
      assert.match(setCookie, /; HttpOnly/);
      assert.match(setCookie, /; SameSite=Strict/);
      assert.match(setCookie, /; Path=\//);
      assert.doesNotMatch(setCookie, /Secure/, 'plain http: the cookie cannot be Secure');
      assert.match(secret, /^rgs_/);
      assert.ok(!setCookie.includes(approver.token));
      assert.equal(answer.body.role, 'approver');
      assert.deepEqual(answer.body.projects, ['ray-images']);
      assert.equal(answer.body.csrfToken, csrfTokenFor(secret));
    });

    it('stores only a hash of the session id', async () => {
      const { secret } = await signIn(approver.token);
      const rows = await api.testDb.db.query<Record<string, unknown>>('SELECT * FROM ui_sessions');
      assert.ok(rows.rows.length > 0);
      assert.ok(!JSON.stringify(rows.rows).includes(secret));
      assert.ok(rows.rows.some((r) => r.secret_hash === hashUiSessionSecret(secret)));
    });

    it('refuses a bad token with 401 and sets no cookie', async () => {
      const answer = await call(api.url, 'POST', '/api/v1/sessions', { token: 'rg_not-a-real-token' });
      assert.equal(answer.status, 401);
      assert.equal(errorCode(answer), 'TOKEN_INVALID');
      assert.equal(answer.headers.get('set-cookie'), null);
    });

    it('will not mint a session from a session', async () => {
      const { cookie, secret } = await signIn(approver.token);
      const answer = await call(api.url, 'POST', '/api/v1/sessions', {
        headers: { cookie, origin, 'x-raygate-csrf': csrfTokenFor(secret) },
      });
      assert.equal(answer.status, 400);
      assert.equal(errorCode(answer), 'SESSION_TOKEN_REQUIRED');
    });

    it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
      const proxied = await startTestApi({ env: { RAYGATE_TRUSTED_PROXIES: '127.0.0.1' } });
      try {
        const { token } = await proxied.issue('viewer');
        const answer = await call(proxied.url, 'POST', '/api/v1/sessions', {
          token,
          headers: { 'x-forwarded-proto': 'https' },
        });
        assert.equal(answer.status, 201);
        assert.match(answer.headers.get('set-cookie')!, /; Secure/);
      } finally {
        await proxied.close();
      }
    });
  });

  describe('when the cookie authenticates requests', () => {
    it('reads with exactly the token’s role and projects', async () => {
      const { cookie } = await signIn(approver.token);
      const current = await call(api.url, 'GET', '/api/v1/sessions/current', { headers: { cookie } });
      assert.equal(current.status, 200);
      assert.equal(current.body.actor, `token:${approver.id}`);
      const other = await call(api.url, 'GET', '/api/v1/releases?project=elsewhere', { headers: { cookie } });
      assert.equal(other.status, 403);
      const tokens = await call(api.url, 'GET', '/api/v1/tokens', { headers: { cookie } });
      assert.equal(tokens.status, 403, 'an approver may not manage tokens, cookie or not');
    });

    it('refuses a change without the CSRF header, from another origin, or from another site', async () => {
      const { cookie, secret } = await signIn(approver.token);
      const path = '/api/v1/releases/rel_missing/approvals';
      const json = { comment: 'looks fine' };
      const csrf = csrfTokenFor(secret);
      const cases: [string, Record<string, string>][] = [
        ['no CSRF header', { cookie, origin }],
        ['a wrong CSRF header', { cookie, origin, 'x-raygate-csrf': csrfTokenFor('rgs_someone-else') }],
        ['another origin', { cookie, origin: 'http://127.0.0.1:1', 'x-raygate-csrf': csrf }],
        ['a cross-site fetch', { cookie, 'sec-fetch-site': 'cross-site', 'x-raygate-csrf': csrf }],
      ];
      for (const [what, headers] of cases) {
        const answer = await call(api.url, 'POST', path, { headers, json });
        assert.equal(answer.status, 403, what);
        assert.equal(errorCode(answer), 'CSRF_REJECTED', what);
      }
      const allowed = await call(api.url, 'POST', path, {
        headers: { cookie, origin, 'x-raygate-csrf': csrf },
        json,
      });
      assert.equal(allowed.status, 404, 'past the CSRF check the route itself answers');
    });

    it('lets a Bearer token through without CSRF checks (CI sends no cookie)', async () => {
      const answer = await call(api.url, 'POST', '/api/v1/releases/rel_missing/approvals', {
        token: approver.token,
        json: { comment: 'x' },
      });
      assert.equal(answer.status, 404);
    });
  });

  describe('when a session ends', () => {
    it('is revoked on the server by sign-out, and the old cookie stops working', async () => {
      const { cookie, secret } = await signIn(approver.token);
      const out = await call(api.url, 'DELETE', '/api/v1/sessions/current', {
        headers: { cookie, origin, 'x-raygate-csrf': csrfTokenFor(secret) },
      });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie')!, /raygate_session=; .*Max-Age=0/);
      const after = await call(api.url, 'GET', '/api/v1/sessions/current', { headers: { cookie } });
      assert.equal(after.status, 401);
      assert.equal(errorCode(after), 'SESSION_INVALID');
    });

    it('ends with its token: revoking the token kills its sessions at once', async () => {
      const holder = await api.issue('viewer');
      const { cookie } = await signIn(holder.token);
      await api.tokens.revoke(holder.id, 'test:admin');
      const after = await call(api.url, 'GET', '/api/v1/releases', { headers: { cookie } });
      assert.equal(after.status, 401);
      assert.equal(errorCode(after), 'SESSION_INVALID');
    });

    it('expires after 12 hours, and after 2 idle hours', async () => {
      const start = new Date();
      try {
        const holder = await api.issue('viewer');
        const { cookie } = await signIn(holder.token);
        api.setNow(new Date(start.getTime() + 90 * 60_000));
        assert.equal((await call(api.url, 'GET', '/api/v1/releases', { headers: { cookie } })).status, 200);
        api.setNow(new Date(start.getTime() + 200 * 60_000));
        assert.equal(
          (await call(api.url, 'GET', '/api/v1/releases', { headers: { cookie } })).status,
          200,
          'used 110 minutes ago: still alive',
        );
        api.setNow(new Date(start.getTime() + 330 * 60_000));
        const idle = await call(api.url, 'GET', '/api/v1/releases', { headers: { cookie } });
        assert.equal(idle.status, 401, 'idle for 130 minutes');

        api.setNow(start);
        const second = await signIn(holder.token);
        for (let minutes = 100; minutes < 12 * 60; minutes += 100) {
          api.setNow(new Date(start.getTime() + minutes * 60_000));
          const alive = await call(api.url, 'GET', '/api/v1/releases', {
            headers: { cookie: second.cookie },
          });
          assert.equal(alive.status, 200, `at ${minutes} minutes`);
        }
        api.setNow(new Date(start.getTime() + 12 * 3600_000 + 1000));
        const late = await call(api.url, 'GET', '/api/v1/releases', { headers: { cookie: second.cookie } });
        assert.equal(late.status, 401, 'past 12 hours');
      } finally {
        api.setNow(new Date());
      }
    });

    it('never outlives its token', async () => {
      const holder = await api.issue('viewer', [], new Date(Date.now() + 3600_000));
      const { answer } = await signIn(holder.token);
      const expiresAt = Date.parse(answer.body.expiresAt as string);
      assert.ok(expiresAt <= Date.now() + 3600_000);
    });

    it('audits sign-in and sign-out', async () => {
      const { cookie, secret } = await signIn(approver.token);
      await call(api.url, 'DELETE', '/api/v1/sessions/current', {
        headers: { cookie, origin, 'x-raygate-csrf': csrfTokenFor(secret) },
      });
      const rows = await api.testDb.db.query<{ action: string; actor: string }>(
        "SELECT action, actor FROM audit_log WHERE action LIKE 'session.%' ORDER BY seq DESC LIMIT 2",
      );
      assert.deepEqual(
        rows.rows.map((r) => r.action),
        ['session.revoke', 'session.create'],
      );
      assert.ok(rows.rows.every((r) => r.actor === `token:${approver.id}`));
    });
  });

  describe('the UI files', () => {
    it('serves the pages with a strict CSP and the assets with their content types', async () => {
      for (const page of ['/', '/sign-in', '/releases', '/releases/rel_abc123', '/exceptions']) {
        const answer = await call(api.url, 'GET', page);
        assert.equal(answer.status, 200, page);
        assert.match(answer.headers.get('content-type')!, /^text\/html/);
        const csp = answer.headers.get('content-security-policy')!;
        assert.match(csp, /default-src 'self'/);
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(answer.headers.get('cache-control'), 'no-cache');
        assert.doesNotMatch(answer.text, /<script>|style=/, 'no inline script or style');
      }
      const js = await call(api.url, 'GET', '/assets/app.js');
      assert.match(js.headers.get('content-type')!, /^text\/javascript/);
      assert.ok(js.headers.get('etag'));
      const css = await call(api.url, 'GET', '/assets/app.css');
      assert.match(css.headers.get('content-type')!, /^text\/css/);
      // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests.
      const revalidated = await new Promise<number>((resolve, reject) =>
        get(`${api.url}/assets/app.js`, { headers: { 'if-none-match': js.headers.get('etag')! } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      assert.equal(revalidated, 304);
    });

    it('answers 404 for anything else, and never serves files outside web/assets', async () => {
      for (const path of [
        '/assets/missing.js',
        '/assets/%2e%2e/index.html',
        '/assets/..%2f..%2fpackage.json',
        '/nope',
      ]) {
        const answer = await call(api.url, 'GET', path);
        assert.ok(answer.status === 404 || answer.status === 403, `${path}: ${answer.status}`);
        assert.doesNotMatch(answer.text, /"dependencies"|<!doctype/i, path);
      }
      const posted = await call(api.url, 'POST', '/releases');
      assert.equal(posted.status, 404);
    });

    it('sends API answers with a CSP that forbids everything', async () => {
      const answer = await call(api.url, 'GET', '/healthz');
      assert.equal(
        answer.headers.get('content-security-policy'),
        "default-src 'none'; frame-ancestors 'none'",
      );
    });
  });
});
