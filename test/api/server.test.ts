import assert from 'node:assert/strict';
import { request } from 'node:http';
import { defineRoute, ok } from '../../src/api/define-route.ts';
import { startTestApi } from './support.ts';

/** A plain request on its own connection (no keep-alive pool), resolving with status and body. */
function get(
  url: string,
  path: string,
  token?: string,
): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', function () {
  this.timeout(60_000);

  it('finishes an in-flight request, then refuses new connections', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const slow = () => [
      defineRoute({
        name: 'slow',
        method: 'get',
        path: '/api/v1/test/slow',
        summary: 'waits until released',
        tags: ['test'],
        permission: 'session:read',
        responses: { 200: { description: 'done' } },
        handler: async () => {
          entered();
          await new Promise<void>((resolve) => (release = resolve));
          return ok({ finished: true });
        },
      }),
    ];
    const api = await startTestApi({ extraRoutes: [slow] });
    const { token } = await api.issue('viewer');
    const inFlight = get(api.url, '/api/v1/test/slow', token);
    await inHandler;
    const closing = api.server.close(10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(
      get(api.url, '/healthz'),
      /ECONNREFUSED|ECONNRESET/,
      'no new connections once closing',
    );
    release();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { finished: true });
    assert.equal(answer.connection, 'close', 'the client is told to reconnect elsewhere');
    await closing;
    await api.testDb.close();
  });

  it('cuts a request that outlives the grace period', async () => {
    const stuck = () => [
      defineRoute({
        name: 'stuck',
        method: 'get',
        path: '/api/v1/test/stuck',
        summary: 'never answers',
        tags: ['test'],
        permission: 'session:read',
        responses: { 200: { description: 'never' } },
        handler: () => new Promise(() => {}),
      }),
    ];
    const api = await startTestApi({ extraRoutes: [stuck] });
    const { token } = await api.issue('viewer');
    const inFlight = get(api.url, '/api/v1/test/stuck', token).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await api.server.close(300);
    assert.ok(Date.now() - started < 5000);
    assert.equal(await inFlight, 'cut');
    await api.testDb.close();
  });
});
