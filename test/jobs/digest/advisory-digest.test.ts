import assert from 'node:assert/strict';
import path from 'node:path';
import type { Digest } from '../../../src/advisories/digest/index.ts';
import type { OsvRecord } from '../../../src/advisories/osv.ts';
import { loadConfig } from '../../../src/config.ts';
import { advisorySourceProvider } from '../../../src/gate/evidence/advisory-sources.ts';
import { DIGEST_QUEUES, type DigestJobServices } from '../../../src/jobs/digest/services.ts';
import { createJobHandlers } from '../../../src/jobs/handlers/index.ts';
import { JobRegistry } from '../../../src/jobs/job-handler.ts';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../../src/jobs/notify/webhook-signature.ts';
import { JobQueue } from '../../../src/jobs/queue.ts';
import { createSchedules } from '../../../src/jobs/schedule.ts';
import { Scheduler } from '../../../src/jobs/scheduler.ts';
import { Worker } from '../../../src/jobs/worker.ts';
import { SILENT_LOGGER } from '../../../src/shared/log.ts';
import { listDeliveries, listDigests, findDigest } from '../../../src/store/repos/digests.ts';
import { ghsa } from '../../advisories/records.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { openTestDb, type TestDb } from '../../support/test-db.ts';
import { sleep } from '../support.ts';
import { githubIssues, reply, startReceiver, type Receiver } from '../notify/receivers.ts';
import { approvedRelease, importRecords, makeSbom } from './world.ts';

const SECRET = 'webhook-secret';
const URLLIB3 = ghsa('GHSA-34jh-p97f-mpxf'); // CVE-2024-37891: urllib3 2.2.1, fixed in 2.2.2
const REQUESTS = ghsa('GHSA-9wx4-h78v-vm56'); // CVE-2024-35195: requests 2.31.0
const AIOHTTP = ghsa('GHSA-5h86-8mv2-jq9f'); // CVE-2024-23334: aiohttp 3.9.1

describe('the advisory-digest job (pglite, real scheduler and worker)', function () {
  this.timeout(120_000);
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let t: TestDb;
  let webhook: Receiver;
  let slack: Receiver;
  let github: Receiver;
  let gone: Receiver;
  let issues: ReturnType<typeof githubIssues>;
  let worker: Worker;
  let scheduler: Scheduler;
  let mirror: string;
  let queue: JobQueue;

  before(async () => {
    temp = await makeTempDir();
    t = await openTestDb('pglite');
    mirror = path.join(temp.dir, 'osv');
    await importRecords(mirror, [REQUESTS, AIOHTTP], new Date());
    const sbom = await makeSbom(temp.dir, ['urllib3==2.2.1', 'requests==2.31.0', 'aiohttp==3.9.1']);
    const lean = await makeSbom(temp.dir, ['urllib3==2.2.1']);
    const now = new Date();
    await approvedRelease(t.db, {
      project: 'ray-images',
      version: '2.58.0',
      image: 'ray-ml',
      sbom,
      approvedAt: now,
    });
    await approvedRelease(t.db, {
      project: 'ray-images',
      version: '2.57.0',
      image: 'ray-ml',
      sbom,
      approvedAt: now,
    });
    await approvedRelease(t.db, {
      project: 'serve',
      version: '1.4.0',
      image: 'serve',
      sbom: lean,
      approvedAt: now,
    });
    // Approved long ago: outside approvedWithinDays, never watched.
    await approvedRelease(t.db, {
      project: 'ray-images',
      version: '2.10.0',
      image: 'ray-ml',
      sbom,
      approvedAt: new Date(now.getTime() - 400 * 86_400_000),
    });

    // The webhook receiver fails every delivery twice before it accepts it: the job system retries, and
    // each digest is delivered once.
    const failures = new Map<string, number>();
    webhook = await startReceiver((req, res) => {
      const key = String(req.headers[WEBHOOK_HEADERS.delivery]);
      const n = (failures.get(key) ?? 0) + 1;
      failures.set(key, n);
      reply(res, n <= 2 ? 500 : 202, n <= 2 ? 'try later' : '');
    });
    slack = await startReceiver((_, res) => reply(res, 200, 'ok', 'text/html'));
    issues = githubIssues({ token: 'ghs_token', prefix: '/api/v3' });
    github = await startReceiver(issues.handler);
    gone = await startReceiver((_, res) => reply(res, 410, 'this hook was removed'));
    const config = loadConfig(
      {},
      {
        path: 'raygate.yaml',
        text: `
digest:
  approvedWithinDays: 90
  allowedHosts: ['127.0.0.1']
  allowPrivateHosts: ['127.0.0.1']
  destinations:
    - {name: siem, type: webhook, url: '${webhook.url}/raygate', secretEnv: HOOK_SECRET}
    - {name: chat, type: slack, urlEnv: SLACK_URL}
    - {name: issues, type: github-issue, repository: acme/ray-images, apiUrl: '${github.url}/api/v3', tokenEnv: GH_TOKEN, projects: [ray-images]}
    - {name: old-hook, type: webhook, url: '${gone.url}/x', projects: [serve]}
`,
      },
    );
    const digest: DigestJobServices = {
      db: t.db,
      get queue() {
        return queue;
      },
      config: config.digest,
      advisorySource: advisorySourceProvider(config.gate.advisories, mirror),
      env: { HOOK_SECRET: SECRET, SLACK_URL: `${slack.url}/services/T1/B1/xyz`, GH_TOKEN: 'ghs_token' },
      publicUrl: () => 'https://raygate.example',
      // One try per attempt: the retries below are the job system's.
      http: { timeoutMs: 5000, maxRetries: 0, backoffMs: 1, maxBackoffMs: 1 },
      log: SILENT_LOGGER,
      now: () => new Date(),
    };
    const registry = new JobRegistry(
      createJobHandlers({ db: t.db, log: SILENT_LOGGER, now: () => new Date(), gate: {} as never, digest }),
    );
    queue = new JobQueue(t.db, registry, 5, () => worker.wake());
    worker = new Worker({
      db: t.db,
      registry,
      log: SILENT_LOGGER,
      workerId: 'test',
      concurrency: 2,
      pollIntervalMs: 50,
      leaseMs: 10_000,
      backoff: { baseMs: 20, maxMs: 50 },
    });
    scheduler = new Scheduler({
      db: t.db,
      queue,
      schedules: createSchedules({ reevaluateEveryMs: 3_600_000, digestEveryMs: 300 }).filter(
        (s) => s.name === 'advisory-digest',
      ),
      log: SILENT_LOGGER,
      tickMs: 50,
      random: () => 0,
    });
    worker.start();
  });

  after(async () => {
    await worker?.stop(2000);
    await Promise.all([webhook?.close(), slack?.close(), github?.close(), gone?.close()]);
    await t?.close();
    await temp?.cleanup();
  });

  /** One scheduled run: tick until the schedule enqueues, then wait for every job to finish. */
  async function scheduledRun(): Promise<void> {
    for (let i = 0; i < 100 && (await scheduler.tick()).length === 0; i++) await sleep(50);
    for (let i = 0; i < 400; i++) {
      const { rows } = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM jobs WHERE state IN ('queued', 'running')",
      );
      if (rows[0]!.n === 0) return;
      await sleep(50);
    }
    throw new Error('jobs did not finish');
  }

  const digestsOf = async (project: string) => (await listDigests(t.db, { project, limit: 100 })).reverse();
  /** Requests the webhook receiver accepted (the third of each delivery). */
  const accepted = () => {
    const seen = new Map<string, number>();
    return webhook.requests.filter((r) => {
      const key = String(r.headers[WEBHOOK_HEADERS.delivery]);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return seen.get(key) === 3;
    });
  };

  it('first run: a baseline digest per project, delivered to each destination once', async () => {
    await scheduledRun();
    const [ray] = await digestsOf('ray-images');
    const [serve] = await digestsOf('serve');
    assert.ok(ray && serve);
    const doc = (await findDigest(t.db, ray.id))!.document;
    assert.equal(doc.baseline, true);
    assert.deepEqual(
      doc.releases.added.map((r) => [r.label, r.findings]),
      [
        ['ray-images 2.57.0', 2],
        ['ray-images 2.58.0', 2],
      ],
    );
    const deliveries = await listDeliveries(t.db, [ray.id, serve.id]);
    assert.deepEqual(
      deliveries.map((d) => [d.digestId === ray.id ? 'ray' : 'serve', d.destination, d.state]),
      [
        ['ray', 'chat', 'delivered'],
        ['ray', 'issues', 'delivered'],
        ['ray', 'siem', 'delivered'],
        ['serve', 'chat', 'delivered'],
        ['serve', 'old-hook', 'failed'],
        ['serve', 'siem', 'delivered'],
      ],
    );
    // A receiver that refuses (4xx) will not change its mind: failed at once, recorded, the job dead-lettered.
    const refused = deliveries.find((d) => d.destination === 'old-hook')!;
    assert.equal(refused.attempts, 1);
    assert.equal(refused.lastError?.code, 'NOTIFY_REJECTED');
    assert.match(refused.lastError?.message ?? '', /HTTP 410 this hook was removed/);
    const { rows } = await t.db.query<{ state: string }>(
      "SELECT state FROM jobs WHERE queue = 'digest.deliver' AND payload->>'destination' = 'old-hook'",
    );
    assert.deepEqual(
      rows.map((r) => r.state),
      ['dead'],
    );
    // Each webhook delivery failed twice and was retried by the job system.
    for (const d of deliveries.filter((d) => d.destination === 'siem')) {
      assert.equal(d.attempts, 3);
      assert.equal(d.lastError?.code, 'NOTIFY_UNAVAILABLE');
    }
    assert.equal(webhook.requests.length, 6);
    assert.equal(accepted().length, 2);
    for (const r of webhook.requests) {
      assert.equal(
        verifyWebhook({
          secret: SECRET,
          body: r.body,
          timestamp: r.headers[WEBHOOK_HEADERS.timestamp] as string,
          signature: r.headers[WEBHOOK_HEADERS.signature] as string,
          now: new Date(),
        }),
        'valid',
      );
    }
    assert.equal(issues.issues.length, 1);
    assert.equal(slack.requests.length, 2);
  });

  it('a run with no new advisories records "nothing new" and sends nothing', async () => {
    await scheduledRun();
    const ray = (await digestsOf('ray-images')).at(-1)!;
    assert.equal(ray.empty, true);
    assert.equal(ray.summary.nothingNew, true);
    assert.deepEqual(await listDeliveries(t.db, [ray.id]), []);
    assert.equal(webhook.requests.length, 6);
    assert.equal(slack.requests.length, 2);
  });

  it('an advisory added to the mirror appears as new exactly once; a withdrawn one as resolved', async () => {
    const withdrawn: OsvRecord = {
      ...structuredClone(REQUESTS),
      modified: '2026-01-01T00:00:00Z',
      withdrawn: '2026-01-01T00:00:00Z',
    };
    await importRecords(mirror, [URLLIB3, withdrawn], new Date());
    await scheduledRun();
    const ray = (await digestsOf('ray-images')).at(-1)!;
    const doc = (await findDigest(t.db, ray.id))!.document;
    assert.deepEqual(
      doc.entries.map((e) => [
        e.status,
        e.id,
        e.reasons.join(),
        e.affects.map((a) => a.release.label).join(),
      ]),
      [
        ['new', 'CVE-2024-37891', 'matched', 'ray-images 2.57.0,ray-images 2.58.0'],
        ['resolved', 'CVE-2024-35195', 'withdrawn', 'ray-images 2.57.0,ray-images 2.58.0'],
      ],
    );
    const serve = (await digestsOf('serve')).at(-1)!;
    assert.equal(serve.summary.new, 1);
    const sent = accepted()
      .slice(2)
      .map((r) => JSON.parse(r.body) as Digest);
    assert.deepEqual(sent.map((d) => [d.scope, d.summary.new, d.summary.resolved]).sort(), [
      ['ray-images', 1, 1],
      ['serve', 1, 0],
    ]);
    assert.equal(issues.issues.length, 2);
    assert.match(issues.issues[1]!.title, /1 new advisory affects 2 shipped releases; 1 resolved/);
    assert.match(issues.issues[1]!.body, /CVE-2024-37891[\s\S]*### Resolved \(1\)[\s\S]*advisory withdrawn/);

    await scheduledRun();
    const again = (await digestsOf('ray-images')).at(-1)!;
    assert.equal(again.empty, true, 'the new advisory is not reported a second time');
    assert.equal(issues.issues.length, 2);
  });

  it('keeps one digest per previous digest even when two runs race', async () => {
    const before = (await digestsOf('ray-images')).length;
    await Promise.all([
      queue.enqueue({ queue: DIGEST_QUEUES.build, payload: { reason: 'manual' }, idempotencyKey: 'race-1' }),
      queue.enqueue({ queue: DIGEST_QUEUES.build, payload: { reason: 'manual' }, idempotencyKey: 'race-2' }),
    ]);
    for (let i = 0; i < 400; i++) {
      const { rows } = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM jobs WHERE state IN ('queued', 'running')",
      );
      if (rows[0]!.n === 0) break;
      await sleep(50);
    }
    const list = await digestsOf('ray-images');
    assert.equal(new Set(list.map((d) => d.previousId)).size, list.length);
    assert.ok(list.length >= before + 1 && list.length <= before + 2);
  });
});
