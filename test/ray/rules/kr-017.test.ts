import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-KR-017', () => {
  describe("when the autoscaler's rights are reachable through an open cluster", () => {
    it('reports the KubeRay autoscaler sample (no token authentication, dashboard on 0.0.0.0)', async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.autoscaler.yaml'], { rules: ['RAY-KR-017'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 10'],
      );
      assert.match(
        result.findings[0]!.message,
        /token authentication is off and the dashboard listens beyond loopback/,
      );
    });

    it('reports a worker with a mounted non-default service-account token as low', async () => {
      assert.deepEqual(await ruleFindings('RAY-KR-017', 'cases/pod.trigger.yaml'), [
        'high cases/pod.trigger.yaml:11',
        'low cases/pod.trigger.yaml:48',
      ]);
    });
  });

  describe('when authentication is on, the dashboard private and tokens unmounted', () => {
    it('reports nothing', async () => {
      assert.deepEqual(await ruleFindings('RAY-KR-017', 'cases/pod.fixed.yaml'), []);
    });
  });
});
