import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-NET-005', () => {
  describe('when the dashboard listens beyond loopback', () => {
    it("reports KubeRay's implicit dashboard-host=0.0.0.0, high without token authentication", async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.sample.yaml'], { rules: ['RAY-NET-005'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 28 spec.headGroupSpec.rayStartParams.dashboard-host'],
      );
      assert.match(result.findings[0]!.message, /KubeRay sets dashboard-host=0\.0\.0\.0/);
    });

    it('is medium with token authentication', async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-005', 'kuberay/ray-cluster.auth.yaml'), [
        'medium kuberay/ray-cluster.auth.yaml:11',
      ]);
    });

    it('reads --dashboard-host given as a separate word on a continued line', async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-005', 'cases/auth-host.trigger.sh'), [
        'high cases/auth-host.trigger.sh:7',
      ]);
    });
  });

  describe('when the dashboard stays on loopback', () => {
    it('reports nothing (explicit 127.0.0.1, or ray start without the flag)', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-NET-005',
          'cases/exposed.fixed.yaml',
          'cases/auth-host.fixed.sh',
          'launcher/aws-example-full.yaml',
        ),
        [],
      );
    });

    it('leaves a bridged container to the port publication rule', async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-005', 'cases/compose.trigger.yaml'), []);
    });
  });
});
