import assert from 'node:assert/strict';
import { lintRay } from '../../../src/ray/index.ts';
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

  describe('when a value carries terminal escapes', () => {
    it('reports it with control characters escaped, so the report cannot drive a terminal', async () => {
      const manifest = [
        'apiVersion: ray.io/v1',
        'kind: RayCluster',
        'metadata: {name: esc}',
        'spec:',
        '  headGroupSpec:',
        '    rayStartParams:',
        '      num-cpus: "1\\u001b[2J`reboot`"',
        '    template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.56.0"}]}}',
      ].join('\n');
      const result = await lintRay(
        { files: [{ path: 'esc.yaml', content: manifest }] },
        { rules: ['RAY-KR-018'] },
      );
      assert.equal(result.findings.length, 1);
      assert.ok(!result.findings[0]!.message.includes('\u001b'));
      assert.match(result.findings[0]!.message, /\\u001b\[2J`reboot`/);
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
