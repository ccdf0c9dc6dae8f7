import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { SILENT_LOGGER } from '../../../src/shared/log.ts';
import { verifyAuditLog } from '../../../src/store/audit-log.ts';
import { openPgDb } from '../../../src/store/pg-db.ts';
import { call, errorCode } from '../../api/support.ts';
import { postgresServer } from '../../support/postgres-server.ts';
import { runCli } from '../../support/run-cli.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { makePgliteDataDir } from '../../support/test-db.ts';

const MB = 1024 * 1024;

describe('raygate serve', function () {
  this.timeout(180_000);
  const running: ServeProcess[] = [];
  afterEach(async () => {
    for (const serve of running.splice(0)) await serve.stop();
  });

  describe('on the embedded store', () => {
    let data: string;
    before(async () => {
      data = await makePgliteDataDir();
    });
    after(() => rm(data, { recursive: true, force: true }));

    it('says how to create the first token, serves, idles under 400 MB RSS, and stops cleanly on SIGTERM', async () => {
      const serve = await startServe(['--data', data]);
      running.push(serve);
      assert.match(
        serve.stderr(),
        /no API tokens yet[\s\S]*raygate tokens create --role admin --name first-admin --data /,
      );
      assert.equal((await call(serve.url, 'GET', '/readyz')).status, 200);
      await assert.rejects(
        access(path.join(data, 'raygate.lock')).then(() => Promise.reject(new Error('locked'))),
        /locked/,
      );
      const locked = await runCli(['tokens', 'list', '--data', data]);
      assert.equal(locked.code, 2);
      assert.match(locked.stderr, /DATA_DIR_IN_USE/);

      for (let i = 0; i < 20; i++) await call(serve.url, 'GET', '/api/v1/session');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const rss = await serve.rssBytes();
      process.stderr.write(`      idle RSS of raygate serve on PGlite: ${Math.round(rss / MB)} MB\n`);
      assert.ok(rss < 400 * MB, `idle RSS ${Math.round(rss / MB)} MB`);

      assert.equal(await serve.stop(), 0);
      assert.match(serve.stdout(), /"msg":"stopped"/);
      const lines = serve
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(lines.filter((l) => l.msg === 'request').length >= 21, 'one JSON line per request');
      await assert.rejects(access(path.join(data, 'raygate.lock')), /ENOENT/, 'the lock is released');
    });
  });

  describe('two replicas on one PostgreSQL server', () => {
    it('share tokens, revocations and one audit chain, each serving on its own port', async () => {
      const url = await (await postgresServer()).createDatabase();
      const env = { DATABASE_URL: url };
      const bootstrap = await runCli(['tokens', 'create', '--role', 'admin', '--name', 'bootstrap'], { env });
      assert.equal(bootstrap.code, 0, bootstrap.stderr);
      const admin = bootstrap.stdout.trim();

      const [a, b] = await Promise.all([startServe([], env), startServe([], env)]);
      running.push(a!, b!);
      assert.notEqual(a!.url, b!.url);
      assert.doesNotMatch(a!.stderr(), /no API tokens yet/);

      const created = await call(a!.url, 'POST', '/api/v1/tokens', {
        token: admin,
        json: { name: 'ci', role: 'submitter', projects: ['ray-images'] },
      });
      assert.equal(created.status, 201);
      const ci = created.body.token as string;
      assert.equal(
        (await call(b!.url, 'GET', '/api/v1/session', { token: ci })).body.role,
        'submitter',
        'B accepts a token made on A',
      );

      const revoked = await call(b!.url, 'DELETE', `/api/v1/tokens/${String(created.body.id)}`, {
        token: admin,
      });
      assert.equal(revoked.status, 200);
      const refused = await call(a!.url, 'GET', '/api/v1/session', { token: ci });
      assert.deepEqual(
        [refused.status, errorCode(refused)],
        [401, 'TOKEN_INVALID'],
        'A refuses a token revoked on B',
      );

      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call(i % 2 ? a!.url : b!.url, 'POST', '/api/v1/tokens', {
            token: admin,
            json: { name: `t${i}`, role: 'viewer' },
          }),
        ),
      );
      for (const serve of [a!, b!]) assert.equal((await call(serve.url, 'GET', '/readyz')).status, 200);
      process.stderr.write(
        `      RSS of raygate serve on PostgreSQL: ${Math.round((await a!.rssBytes()) / MB)} MB\n`,
      );
      const db = await openPgDb({ url, poolMax: 1, log: SILENT_LOGGER });
      try {
        const audit = await verifyAuditLog(db);
        assert.equal(audit.ok, true);
        assert.equal(audit.verified, 13, 'bootstrap + create + revoke + 10 concurrent creates, one chain');
      } finally {
        await db.close();
      }
      assert.deepEqual(await Promise.all([a!.stop(), b!.stop()]), [0, 0]);
    });
  });
});
