import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { verifyAuditLog } from '../../src/store/audit-log.ts';
import { call, errorCode } from '../api/support.ts';
import { GateCluster, releaseState, until, type Replica } from './gate-cluster.ts';

const RELEASES = 6;

function wheel(i: number) {
  const name = `demo-1.${i}.0-py3-none-any.whl`;
  return { kind: 'wheel', name, sha256: createHash('sha256').update(name).digest('hex') };
}

describe('two raygate serve replicas on one PostgreSQL server', function () {
  this.timeout(240_000);
  let cluster: GateCluster;
  let a: Replica;
  let b: Replica;
  let submitter: string;
  let approvers: string[];

  before(async () => {
    cluster = await GateCluster.create();
    [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
    submitter = await cluster.token(a, 'submitter', 'ci', ['demo']);
    approvers = [await cluster.token(b, 'approver', 'alice'), await cluster.token(a, 'approver', 'bob')];
  });
  after(() => cluster?.close());

  it('gather evidence once, share events and reviews, and issue each VSA once', async () => {
    // Submissions spread over both replicas, so both workers compete for the evidence jobs.
    const submitted = await Promise.all(
      Array.from({ length: RELEASES }, (_, i) =>
        call(i % 2 ? b.url : a.url, 'POST', '/api/v1/releases', {
          token: submitter,
          json: { project: 'demo', version: `1.${i}.0`, policy: 'two-person', artifacts: [wheel(i)] },
        }),
      ),
    );
    for (const s of submitted) assert.equal(s.status, 201, s.text);
    const ids = submitted.map((s) => s.body.id as string);
    const [first] = ids as [string];

    for (const id of ids) {
      await until(`${id} awaits approval`, async () =>
        (await releaseState(b, approvers[0]!, id)) === 'awaiting_approval' ? true : undefined,
      );
    }

    // A has the release's detail in memory now; what B records below must show through A all the same.
    assert.equal(await releaseState(a, submitter, first), 'awaiting_approval');

    // Separation of duties and replays hold across replicas.
    const bySubmitter = await call(b.url, 'POST', `/api/v1/releases/${first}/approvals`, {
      token: submitter,
      json: { comment: 'my own' },
    });
    assert.equal(bySubmitter.status, 403);
    const one = await call(a.url, 'POST', `/api/v1/releases/${first}/approvals`, {
      token: approvers[1],
      json: { comment: 'looks right' },
    });
    assert.equal(one.status, 201, one.text);
    assert.equal(one.body.state, 'awaiting_approval', 'one of two approvals');
    const replay = await call(b.url, 'POST', `/api/v1/releases/${first}/approvals`, {
      token: approvers[1],
      json: { comment: 'again, through the other replica' },
    });
    assert.deepEqual([replay.status, errorCode(replay)], [409, 'GATE_APPROVAL_DUPLICATE']);
    const two = await call(b.url, 'POST', `/api/v1/releases/${first}/approvals`, {
      token: approvers[0],
      json: { comment: 'agreed' },
    });
    assert.equal(two.status, 201, two.text);
    assert.equal(two.body.state, 'approved');
    assert.equal(await releaseState(a, submitter, first), 'approved', 'A answers with what B committed');

    const vsa = await until('the VSA is issued', async () => {
      const answer = await call(a.url, 'GET', `/api/v1/releases/${first}/vsa`, { token: submitter });
      return answer.status === 200 ? answer : undefined;
    });
    assert.ok(JSON.stringify(vsa.body).includes(wheel(0).sha256), 'the VSA names the wheel');

    // Both replicas tell the same story.
    const [eventsA, eventsB] = await Promise.all(
      [a, b].map((r) =>
        call(r.url, 'GET', `/api/v1/releases/${first}/events?wait=0`, { token: approvers[0] }),
      ),
    );
    assert.deepEqual(eventsA!.body.events, eventsB!.body.events);
    const types = (eventsA!.body.events as { type: string }[]).map((e) => e.type);
    assert.equal(types.filter((t) => t === 'approval').length, 2, types.join(','));
    assert.equal(types.filter((t) => t === 'vsa').length, 1, types.join(','));

    // Exactly once: every job row is unique, ran one attempt, and one replica finished it.
    const { rows: jobs } = await cluster.db.query<{
      id: number;
      queue: string;
      attempts: number;
      state: string;
      release: string;
    }>(
      "SELECT id, queue, attempts, state, payload->>'releaseId' AS release FROM jobs WHERE queue LIKE 'gate.%' ORDER BY id",
    );
    for (const job of jobs)
      assert.deepEqual([job.state, job.attempts], ['succeeded', 1], `job ${job.id} ${job.queue}`);
    const finished = cluster.succeededJobs();
    const byReplica = [...finished.values()];
    const all = byReplica.flat().filter((id) => jobs.some((j) => j.id === id));
    assert.equal(all.length, jobs.length, 'every gate job finished once, by one replica');
    assert.equal(new Set(all).size, jobs.length);
    assert.ok(
      byReplica.every((ids) => ids.length > 0),
      'both replicas did work',
    );

    const perRelease = async (sql: string) => {
      const { rows } = await cluster.db.query<{ release: string; n: number }>(sql);
      return new Map(rows.map((r) => [r.release, Number(r.n)]));
    };
    const collects = await perRelease(
      "SELECT payload->>'releaseId' AS release, count(*) AS n FROM jobs WHERE queue = 'gate.collect-evidence' GROUP BY 1",
    );
    const parts = await perRelease(
      'SELECT release_id AS release, count(*) AS n FROM release_evidence_parts GROUP BY 1',
    );
    const evaluations = await perRelease(
      "SELECT payload->>'releaseId' AS release, count(*) AS n FROM jobs WHERE queue = 'gate.evaluate' GROUP BY 1",
    );
    const decisions = await perRelease(
      "SELECT release_id AS release, count(*) AS n FROM release_decisions WHERE trigger <> 'approval' GROUP BY 1",
    );
    for (const id of ids) {
      assert.ok((collects.get(id) ?? 0) >= 1);
      assert.equal(parts.get(id), collects.get(id), `${id}: one evidence part per collect job`);
      assert.equal(evaluations.get(id), 1, `${id}: evaluated once`);
      assert.equal(decisions.get(id), 1, `${id}: one decision from evidence`);
    }
    const { rows: vsas } = await cluster.db.query<{ release_id: string }>(
      'SELECT release_id FROM release_vsas',
    );
    assert.deepEqual(
      vsas.map((v) => v.release_id),
      [first],
      'one VSA, for the approved release',
    );
    const { rows: issued } = await cluster.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE queue = 'gate.issue-vsa'",
    );
    assert.equal(Number(issued[0]!.n), 1);

    const { rows: audit } = await cluster.db.query<{ action: string; n: number }>(
      'SELECT action, count(*) AS n FROM audit_log WHERE subject_id = $1 GROUP BY 1 ORDER BY 1',
      [first],
    );
    // One entry per thing that happened: the decision three times (evidence, then each approval re-judged).
    assert.deepEqual(Object.fromEntries(audit.map((r) => [r.action, Number(r.n)])), {
      'release.submit': 1,
      'release.evaluating': 1,
      'release.decide': 3,
      'release.awaiting-approval': 1,
      'release.approve': 2,
      'release.approved': 1,
      'release.vsa-issue': 1,
    });
    const chain = await verifyAuditLog(cluster.db);
    assert.equal(chain.ok, true, 'one audit chain across both replicas');

    assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [0, 0]);
  });
});
