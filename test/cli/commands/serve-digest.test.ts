import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Digest } from '../../../src/advisories/digest/index.ts';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../../src/jobs/notify/webhook-signature.ts';
import { SILENT_LOGGER } from '../../../src/shared/log.ts';
import { ApiTokens } from '../../../src/store/api-tokens.ts';
import { loadMigrations, migrate } from '../../../src/store/migrate.ts';
import { openPgliteDb } from '../../../src/store/pglite-db.ts';
import { ghsa } from '../../advisories/records.ts';
import { call } from '../../api/support.ts';
import { approvedRelease, importRecords, makeSbom } from '../../jobs/digest/world.ts';
import { reply, startReceiver, type Receiver } from '../../jobs/notify/receivers.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { makePgliteDataDir } from '../../support/test-db.ts';

const SECRET = 'serve-digest-secret';

describe('raygate serve with a digest destination', function () {
  this.timeout(180_000);
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let data: string;
  let receiver: Receiver;
  let serve: ServeProcess | undefined;
  let viewer: string;

  before(async () => {
    temp = await makeTempDir();
    data = await makePgliteDataDir();
    const sbom = await makeSbom(temp.dir, ['urllib3==2.2.1', 'requests==2.31.0']);
    const db = await openPgliteDb({ dataDir: data });
    try {
      await migrate(db, await loadMigrations(), SILENT_LOGGER);
      await approvedRelease(db, {
        project: 'ray-images',
        version: '2.58.0',
        image: 'ray-ml',
        sbom,
        approvedAt: new Date(),
      });
      viewer = (
        await new ApiTokens(db, () => new Date()).create({
          name: 'viewer',
          role: 'viewer',
          projects: ['ray-images'],
          expiresAt: null,
          actor: 'test',
        })
      ).token;
    } finally {
      await db.close();
    }
    await importRecords(
      path.join(temp.dir, 'osv'),
      [ghsa('GHSA-34jh-p97f-mpxf'), ghsa('GHSA-9wx4-h78v-vm56')],
      new Date(),
    );
    receiver = await startReceiver((_, res) => reply(res, 204, ''));
  });
  after(async () => {
    await serve?.stop();
    await receiver?.close();
    await rm(data, { recursive: true, force: true });
    await temp?.cleanup();
  });

  it('runs the scheduled digest over its approved releases, delivers it signed, and lists it in the API', async () => {
    const config = path.join(temp.dir, 'raygate.yaml');
    await writeFile(
      config,
      `digest:
  everyMs: 60000
  allowedHosts: ['127.0.0.1']
  allowPrivateHosts: ['127.0.0.1']
  destinations:
    - {name: siem, type: webhook, url: '${receiver.url}/raygate', secretEnv: HOOK_SECRET}
jobs:
  pollIntervalMs: 100
  schedulerTickMs: 100
`,
    );
    serve = await startServe(['--data', data], {
      RAYGATE_CONFIG: config,
      RAYGATE_OSV_DB: path.join(temp.dir, 'osv'),
      HOOK_SECRET: SECRET,
    });
    for (let i = 0; i < 300 && receiver.requests.length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const [request] = receiver.requests;
    assert.ok(request, `no delivery; serve said:\n${serve.stderr()}\n${serve.stdout()}`);
    assert.equal(
      verifyWebhook({
        secret: SECRET,
        body: request.body,
        timestamp: request.headers[WEBHOOK_HEADERS.timestamp] as string,
        signature: request.headers[WEBHOOK_HEADERS.signature] as string,
        now: new Date(),
      }),
      'valid',
    );
    const digest = JSON.parse(request.body) as Digest;
    assert.equal(digest.scope, 'ray-images');
    assert.equal(digest.baseline, true);
    assert.deepEqual(
      digest.releases.added.map((r) => [r.label, r.findings]),
      [['ray-images 2.58.0', 2]],
    );

    let listed:
      { digests: { id: number; deliveries: { destination: string; state: string }[] }[] } | undefined;
    for (let i = 0; i < 50; i++) {
      const answer = await call(serve.url, 'GET', '/api/v1/digests', { token: viewer });
      assert.equal(answer.status, 200, answer.text);
      listed = answer.body as typeof listed;
      if (listed!.digests[0]?.deliveries[0]?.state === 'delivered') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      listed!.digests.map((d) => d.deliveries.map((x) => [x.destination, x.state])),
      [[['siem', 'delivered']]],
    );
    assert.equal(await serve.stop(), 0);
    serve = undefined;
  });
});
