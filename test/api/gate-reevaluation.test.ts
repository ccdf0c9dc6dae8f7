import assert from 'node:assert/strict';
import path from 'node:path';
import { GATE_QUEUES } from '../../src/gate/job-names.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import {
  gateEnvironment,
  GATE_POLICIES,
  importGateMirror,
  PYARROW_ADVISORY,
  testSigner,
  VULNERABLE_WHEEL,
  wheelArtifact,
} from '../gate/support.ts';
import { call, startTestApi, type TestApi } from './support.ts';

interface Release {
  id: string;
  state: string;
  decision: { rules: { rule: string; status: string }[] } | null;
  decisions: { trigger: string; verdict: string }[];
}

describe('gate re-evaluation when the advisory data changes', function () {
  this.timeout(120_000);
  let api: TestApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let submitter: string;
  let viewer: string;

  const get = async (id: string) =>
    (await call(api.url, 'GET', `/api/v1/releases/${id}`, { token: viewer })).body as unknown as Release;
  const settle = async (id: string, done: (r: Release) => boolean) => {
    const until = Date.now() + 20_000;
    for (;;) {
      const release = await get(id);
      if (done(release)) return release;
      if (Date.now() > until) assert.fail(`release ${id} stuck in ${release.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    temp = await makeTempDir('raygate-gate-reeval-');
    // The mirror folder the gate reads does not exist yet: evidence is collected without advisories.
    const mirror = path.join(temp.dir, 'osv');
    api = await startTestApi({
      env: { RAYGATE_POLICIES: GATE_POLICIES },
      configFile: 'gate: {defaultPolicy: gate-test}\n',
      gate: { env: gateEnvironment(mirror, temp.dir, () => new Date()), signer: await testSigner(temp.dir) },
    });
    submitter = (await api.issue('submitter')).token;
    viewer = (await api.issue('viewer')).token;
  });
  after(async () => {
    await api?.close();
    await temp?.cleanup();
  });

  describe('when a release was collected before the OSV mirror existed', () => {
    it('awaits approval unassessed, then is assessed and rejected once the mirror is imported', async () => {
      const answer = await call(api.url, 'POST', '/api/v1/releases', {
        token: submitter,
        json: { project: 'acme', version: '1', artifacts: [wheelArtifact(VULNERABLE_WHEEL)] },
      });
      assert.equal(answer.status, 201, answer.text);
      const id = String(answer.body.id);
      const waiting = await settle(id, (r) => r.state === 'awaiting_approval');
      assert.equal(waiting.decision!.rules.find((r) => r.rule === 'critical-fixable')?.status, 'warn');

      await importGateMirror(temp.dir);
      await api.queue.enqueue({ queue: GATE_QUEUES.reevaluate, payload: { reason: 'mirror imported' } });
      const rejected = await settle(id, (r) => r.state !== 'awaiting_approval');
      assert.equal(rejected.state, 'rejected');
      assert.deepEqual(
        rejected.decisions.map((d) => [d.trigger, d.verdict]),
        [
          ['evidence', 'needs-approval'],
          ['re-evaluation', 'deny'],
        ],
      );
      const evidence = await call(api.url, 'GET', `/api/v1/releases/${id}/evidence`, { token: viewer });
      assert.match(evidence.text, new RegExp(PYARROW_ADVISORY));
    });
  });

  describe('when the mirror moves to a generation with a new advisory', () => {
    it('assesses a release awaiting approval again and rejects it', async () => {
      const answer = await call(api.url, 'POST', '/api/v1/releases', {
        token: submitter,
        json: {
          project: 'acme',
          version: '2',
          artifacts: [wheelArtifact('cryptography-41.0.5-cp37-abi3-manylinux_2_28_x86_64.whl')],
        },
      });
      const id = String(answer.body.id);
      const waiting = await settle(id, (r) => r.state === 'awaiting_approval');
      assert.equal(waiting.decision!.rules.find((r) => r.rule === 'critical-fixable')?.status, 'pass');
      await api.queue.enqueue({ queue: GATE_QUEUES.reevaluate, payload: { reason: 'nothing changed' } });
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await get(id)).decisions.length, 1, 'no new decision while nothing changed');

      await importGateMirror(temp.dir, ['GHSA-jfhm-5ghh-2f97']);
      await api.queue.enqueue({ queue: GATE_QUEUES.reevaluate, payload: { reason: 'new generation' } });
      const rejected = await settle(id, (r) => r.state !== 'awaiting_approval');
      assert.equal(rejected.state, 'rejected');
      const evidence = await call(api.url, 'GET', `/api/v1/releases/${id}/evidence`, { token: viewer });
      assert.match(evidence.text, /GHSA-jfhm-5ghh-2f97/);
    });
  });
});
