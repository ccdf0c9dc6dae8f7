import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { verifyAuditLog } from '../../src/store/audit-log.ts';
import { call } from '../api/support.ts';
import { digestOf, OciLayoutWriter } from '../support/oci-layout-writer.ts';
import { startRegistry, type RunningRegistry } from '../support/registry.ts';
import { REPO_ROOT } from '../support/run-cli.ts';
import { buildTar } from '../support/tar-builder.ts';
import { GateCluster, jsonLines, releaseState, until, type Replica } from './gate-cluster.ts';
import { StallingProxy } from './stalling-proxy.ts';

const run = promisify(execFile);
const DPKG = path.join(REPO_ROOT, 'test/fixtures/sbom/dpkg/debian12');

/** A small image (a real Debian 12 dpkg status) pushed to `registry`; returns its manifest digest. */
async function pushImage(registry: RunningRegistry, repository: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'raygate-image-'));
  try {
    const tar = buildTar([
      { name: 'etc/os-release', content: await readFile(path.join(DPKG, 'etc/os-release')) },
      { name: 'var/lib/dpkg/status', content: await readFile(path.join(DPKG, 'var/lib/dpkg/status')) },
    ]);
    const writer = new OciLayoutWriter(dir);
    await writer.init();
    const manifest = await writer.image([{ bytes: gzipSync(tar), diffId: digestOf(tar) }], 'v1');
    await run('skopeo', [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${dir}:v1`,
      `docker://${registry.host}/${repository}:v1`,
    ]);
    return manifest.digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface JobRow {
  id: number;
  state: string;
  attempts: number;
  lease_owner: string | null;
  last_error: string | null;
}

describe('gate crash safety: replicas die or stop while holding an evidence job', function () {
  this.timeout(240_000);
  let registry: RunningRegistry;
  let proxy: StallingProxy;
  let digest: string;
  let cluster: GateCluster | undefined;

  before(async () => {
    registry = await startRegistry();
    digest = await pushImage(registry, 'acme/ray');
    proxy = await StallingProxy.start(registry.host);
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
  });
  afterEach(async () => {
    proxy.release();
    await cluster?.close();
    cluster = undefined;
  });

  const image = () => `${proxy.host}/acme/ray@${digest}`;

  async function collectJob(): Promise<JobRow | undefined> {
    const { rows } = await cluster!.db.query<JobRow>(
      "SELECT id, state, attempts, lease_owner, last_error FROM jobs WHERE queue = 'gate.collect-evidence'",
    );
    return rows[0];
  }

  /** Submits the image to `replica` and waits until that replica's worker is stuck in the stalled registry. */
  async function submitAndStall(replica: Replica, token: string): Promise<{ id: string; job: JobRow }> {
    proxy.hold();
    const stalledBefore = proxy.stalled;
    const submitted = await call(replica.url, 'POST', '/api/v1/releases', {
      token,
      json: {
        project: 'ray',
        version: '2.58.0',
        policy: 'permissive',
        artifacts: [{ kind: 'image', image: image() }],
      },
    });
    assert.equal(submitted.status, 201, submitted.text);
    const job = await until('the replica holds the evidence job, stalled in the registry', async () => {
      const row = await collectJob();
      return row?.state === 'running' && proxy.stalled > stalledBefore ? row : undefined;
    });
    assert.ok(job.lease_owner?.includes(replica.workerPrefix), `held by ${replica.name}: ${job.lease_owner}`);
    return { id: submitted.body.id as string, job };
  }

  async function assertFinishedOnce(id: string, token: string, by: Replica): Promise<JobRow> {
    const settled = await until('the release is approved with its VSA', async () => {
      const answer = await call(by.url, 'GET', `/api/v1/releases/${id}`, { token });
      return answer.body.state === 'approved' && answer.body.vsa === 'issued' ? answer : undefined;
    });
    assert.equal(settled.body.verdict, 'allow');
    const job = (await collectJob())!;
    assert.equal(job.state, 'succeeded');
    assert.ok(
      jsonLines(by.stdout()).some((l) => l.msg === 'job succeeded' && Number(l.jobId) === job.id),
      `${by.name} finished it`,
    );
    const count = async (sql: string) =>
      Number((await cluster!.db.query<{ n: number }>(sql, [id])).rows[0]!.n);
    assert.equal(await count('SELECT count(*) AS n FROM release_evidence_parts WHERE release_id = $1'), 1);
    assert.equal(await count('SELECT count(*) AS n FROM release_decisions WHERE release_id = $1'), 1);
    assert.equal(await count('SELECT count(*) AS n FROM release_vsas WHERE release_id = $1'), 1);
    assert.equal(
      await count(
        "SELECT count(*) AS n FROM jobs WHERE queue <> 'gate.collect-evidence' AND payload->>'releaseId' = $1 AND (state <> 'succeeded' OR attempts <> 1)",
      ),
      0,
      'the jobs after it ran once each',
    );
    assert.equal(
      await count("SELECT count(*) AS n FROM release_events WHERE release_id = $1 AND type = 'decision'"),
      1,
    );
    const { rows: audit } = await cluster!.db.query<{ action: string; n: number }>(
      'SELECT action, count(*) AS n FROM audit_log WHERE subject_id = $1 GROUP BY 1',
      [id],
    );
    assert.ok(
      audit.every((r) => Number(r.n) === 1),
      JSON.stringify(audit),
    );
    assert.equal((await verifyAuditLog(cluster!.db)).ok, true);
    return job;
  }

  it('SIGKILL: the other replica reclaims the job once the lease expires and finishes it, once', async () => {
    cluster = await GateCluster.create({ registries: [proxy.host], leaseMs: 2000 });
    const a = await cluster.start('a');
    const submitter = await cluster.token(a, 'submitter', 'ci', ['ray']);
    const { id, job } = await submitAndStall(a, submitter);
    const b = await cluster.start('b');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await collectJob())!.lease_owner, job.lease_owner, 'a live replica keeps its lease');

    a.child.kill('SIGKILL');
    await new Promise((resolve) => a.child.once('exit', resolve));
    proxy.release();
    assert.equal(await releaseState(b, submitter, id), 'evaluating');

    const done = await assertFinishedOnce(id, submitter, b);
    assert.equal(done.attempts, 2, 'the dead replica’s attempt counts');
    assert.match(done.last_error ?? '', new RegExp(`lease of .*${a.workerPrefix}.* expired`));
    assert.equal(await b.stop(), 0);
  });

  it('SIGTERM: in-flight requests finish, the held job goes back to the queue at once, the other replica finishes it', async () => {
    cluster = await GateCluster.create({ registries: [proxy.host], leaseMs: 120_000, shutdownGraceMs: 3000 });
    const a = await cluster.start('a');
    const submitter = await cluster.token(a, 'submitter', 'ci', ['ray']);
    const { id } = await submitAndStall(a, submitter);
    const b = await cluster.start('b');

    // A request whose body is still arriving when the signal comes, and a long poll waiting for events.
    const port = Number(new URL(a.url).port);
    const body = JSON.stringify({
      project: 'ray',
      version: '2.58.1',
      policy: 'permissive',
      artifacts: [{ kind: 'file', name: 'notes.txt', sha256: 'a'.repeat(64) }],
    });
    const slow = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/releases',
          headers: {
            authorization: `Bearer ${submitter}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (d: string) => (text += d));
          response.on('end', () => resolve({ status: response.statusCode!, text }));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 20));
      setTimeout(() => request.end(body.slice(20)), 1000);
    });
    const { body: seen } = await call(a.url, 'GET', `/api/v1/releases/${id}/events?wait=0`, {
      token: submitter,
    });
    const last = Math.max(...(seen.events as { seq: number }[]).map((e) => e.seq));
    const longPoll = call(a.url, 'GET', `/api/v1/releases/${id}/events?after=${last}&wait=60`, {
      token: submitter,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stoppedAt = Date.now();
    const exit = a.stop();
    const [slowAnswer, pollAnswer] = await Promise.all([slow, longPoll]);
    assert.equal(slowAnswer.status, 201, `the request in flight completes: ${slowAnswer.text}`);
    assert.equal(pollAnswer.status, 200, 'the long poll answers instead of being cut');
    assert.deepEqual(pollAnswer.body.events, []);
    assert.equal(await exit, 0);
    assert.ok(Date.now() - stoppedAt < 15_000, `stopped in ${Date.now() - stoppedAt} ms`);
    assert.ok(
      jsonLines(a.stdout()).some((l) => l.msg === 'job released at shutdown'),
      'A hands the job back',
    );
    await assert.rejects(call(a.url, 'GET', '/healthz'), 'A no longer accepts connections');

    // Far sooner than the 120 s lease: B takes the handed-back job as soon as the registry answers.
    proxy.release();
    const job = await assertFinishedOnce(id, submitter, b);
    assert.equal(job.attempts, 1, 'the attempt cut short by shutdown is not counted');
    assert.ok(Date.now() - stoppedAt < 60_000);
    const second = JSON.parse(slowAnswer.text) as { id: string };
    await until('the release submitted during shutdown is decided by B', async () =>
      ['awaiting_approval', 'approved'].includes(await releaseState(b, submitter, second.id))
        ? true
        : undefined,
    );
    assert.equal(await b.stop(), 0);
  });
});
