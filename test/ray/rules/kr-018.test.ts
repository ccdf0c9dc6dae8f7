import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-KR-018', () => {
  describe('when rayStartParams hold shell syntax', () => {
    it('reports the injected value and not the $MY_POD_IP reference next to it', async () => {
      const result = await lintFixtures(['cases/secrets-in-params.trigger.yaml'], { rules: ['RAY-KR-018'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 27 spec.rayClusterSpec.headGroupSpec.rayStartParams.num-cpus'],
      );
    });
  });

  describe('when they hold plain values', () => {
    it('reports nothing for the KubeRay samples', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-KR-018',
          'kuberay/ray-cluster.complete.yaml',
          'kuberay/ray-service.llm-serve.yaml',
          'cases/redis.fixed.yaml',
        ),
        [],
      );
    });
  });
});
