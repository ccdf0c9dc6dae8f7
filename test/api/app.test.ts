import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { defineRoute } from '../../src/api/define-route.ts';
import { createTokenRoutes } from '../../src/api/routes/tokens.ts';
import { loadMigrations, type Migration } from '../../src/store/migrate.ts';
import { call, errorCode, startTestApi, type TestApi } from './support.ts';

const failingRoutes = () => [
  defineRoute({
    name: 'explode',
    method: 'get',
    path: '/api/v1/test/explode',
    summary: 'throws a plain error',
    tags: ['test'],
    permission: 'session:read',
    responses: { 200: { description: 'never' } },
    handler: async () => {
      throw new Error('secret internal detail at /srv/db/password');
    },
  }),
];

describe('HTTP app', function () {
  this.timeout(60_000);
  let api: TestApi;
  let admin: string;

  before(async () => {
    api = await startTestApi({ extraRoutes: [failingRoutes] });
    admin = (await api.issue('admin')).token;
  });
  after(() => api.close());

  describe('operational routes', () => {
    it('/healthz answers while the process lives', async () => {
      const answer = await call(api.url, 'GET', '/healthz');
      assert.deepEqual([answer.status, answer.body], [200, { status: 'ok' }]);
    });

    it('/readyz reports the database reachable and migrations applied', async () => {
      const answer = await call(api.url, 'GET', '/readyz');
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, 'ready');
      assert.match(String((answer.body.checks as Record<string, unknown>).migrations), /^applied/);
    });

    it('/metrics serves Prometheus text with request counts, latency histograms, queue depth and RSS', async () => {
      await call(api.url, 'GET', '/api/v1/session', { token: admin });
      const answer = await call(api.url, 'GET', '/metrics');
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(
        answer.text,
        /^raygate_http_requests_total\{method="GET",route="\/api\/v1\/session",status="200"\} \d+$/m,
      );
      assert.match(
        answer.text,
        /^raygate_http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/api\/v1\/session"\} \d+$/m,
      );
      assert.match(answer.text, /^# TYPE raygate_jobs gauge$/m);
      assert.match(answer.text, /^raygate_process_resident_memory_bytes \d+/m);
    });

    it('/readyz turns 503 while draining for shutdown', async () => {
      const draining = await startTestApi({ testDb: api.testDb });
      try {
        draining.app.drain();
        const answer = await call(draining.url, 'GET', '/readyz');
        assert.equal(answer.status, 503);
        assert.equal((answer.body.checks as Record<string, unknown>).draining, true);
      } finally {
        await draining.close();
      }
    });

    it('/readyz turns 503 when a migration this build knows is not applied', async () => {
      const pending: Migration = { version: 999, name: 'future', sql: 'SELECT 1', checksum: 'x' };
      const behind = await startTestApi({
        testDb: api.testDb,
        migrations: [...(await loadMigrations()), pending],
      });
      try {
        const answer = await call(behind.url, 'GET', '/readyz');
        assert.equal(answer.status, 503);
        assert.match(String((answer.body.checks as Record<string, unknown>).migrations), /pending: 999/);
      } finally {
        await behind.close();
      }
    });
  });

  describe('errors', () => {
    it('answers unknown routes with a JSON 404 and a request id', async () => {
      const answer = await call(api.url, 'GET', '/api/v1/nothing-here');
      assert.equal(answer.status, 404);
      assert.equal(errorCode(answer), 'ROUTE_NOT_FOUND');
      const requestId = (answer.body.error as { requestId: string }).requestId;
      assert.equal(answer.headers.get('x-request-id'), requestId);
    });

    it('hides internal failures behind a generic message with the request id, logging the detail', async () => {
      const answer = await call(api.url, 'GET', '/api/v1/test/explode', {
        token: admin,
        headers: { 'x-request-id': 'trace-42' },
      });
      assert.equal(answer.status, 500);
      assert.equal(errorCode(answer), 'INTERNAL');
      assert.ok(!answer.text.includes('secret internal detail'), 'no internal message');
      assert.ok(!/\bat .*\.ts:\d+/.test(answer.text), 'no stack');
      assert.equal((answer.body.error as { requestId: string }).requestId, 'trace-42');
      const logged = api.logs.find((l) => l.msg === 'request failed' && l.requestId === 'trace-42');
      assert.match(String(logged?.stack), /explode|app\.test/);
    });

    it('replaces a request id that is not a safe token', async () => {
      const answer = await call(api.url, 'GET', '/healthz', {
        headers: { 'x-request-id': 'bad id\twith spaces' },
      });
      assert.match(answer.headers.get('x-request-id') ?? '', /^req_/);
    });
  });

  describe('logs', () => {
    it('writes one JSON line per request with route, status, duration and actor, never the token', async () => {
      const answer = await call(api.url, 'GET', '/api/v1/session', { token: admin });
      const requestId = answer.headers.get('x-request-id');
      const lines = api.logs.filter((l) => l.msg === 'request' && l.requestId === requestId);
      assert.equal(lines.length, 1);
      const [line] = lines;
      assert.equal(line!.route, '/api/v1/session');
      assert.equal(line!.status, 200);
      assert.equal(typeof line!.ms, 'number');
      assert.match(String(line!.actor), /^token:tok_/);
      assert.ok(!JSON.stringify(api.logs).includes(admin), 'the secret never reaches the log');
    });
  });

  describe('the OpenAPI document', () => {
    it('is valid OpenAPI 3.1 and describes every route the server runs, with its permission', async () => {
      const answer = await call(api.url, 'GET', '/api/openapi.json');
      assert.equal(answer.status, 200);
      const doc = answer.body;
      const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
      assert.equal(doc.openapi, '3.1.0');
      const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
      for (const route of api.app.routes) {
        const op = paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
        assert.ok(op, `${route.method} ${route.path} is documented`);
        assert.equal(op['x-raygate-permission'], route.permission);
      }
      const create = paths['/api/v1/tokens']!.post!;
      assert.deepEqual(
        (create.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']!
          .schema,
        createTokenRoutes({ tokens: api.tokens, now: () => new Date() }).find(
          (r) => r.name === 'createToken',
        )!.body,
        'the documented body schema is the one the server validates with',
      );
      assert.equal(create['x-raygate-max-body-bytes'], 1024 * 1024);
    });
  });
});

describe('rate limits', function () {
  this.timeout(60_000);

  it('answers 429 with Retry-After once a token exceeds its budget of mutating calls', async () => {
    const api = await startTestApi({ env: { RAYGATE_RATE_LIMIT_PER_TOKEN: '3/1m' } });
    try {
      const { token } = await api.issue('admin');
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await call(api.url, 'POST', '/api/v1/tokens', {
          token,
          json: { name: `t${i}`, role: 'viewer' },
        });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      assert.equal(errorCode(last!), 'RATE_LIMITED');
      const retryAfter = Number(last!.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(
        (await call(api.url, 'GET', '/api/v1/tokens', { token })).status,
        200,
        'reads are not charged to the token',
      );
      const other = (await api.issue('admin')).token;
      assert.equal(
        (await call(api.url, 'POST', '/api/v1/tokens', { token: other, json: { name: 'o', role: 'viewer' } }))
          .status,
        201,
      );
    } finally {
      await api.close();
    }
  });

  it('limits every API request per client address, before authentication', async () => {
    const api = await startTestApi({ env: { RAYGATE_RATE_LIMIT_PER_IP: '5/1m' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(
          (await call(api.url, 'GET', '/api/v1/session', { token: `rg_${'g'.repeat(43)}` })).status,
        );
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
      assert.equal((await call(api.url, 'GET', '/healthz')).status, 200, 'health checks are not limited');
    } finally {
      await api.close();
    }
  });
});
