import assert from 'node:assert/strict';
import { quantityBytes } from '../../../src/ray/rules/res-019.ts';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-RES-019', () => {
  describe('when limits are missing or too small', () => {
    it('reports an object store above the memory limit, a temp-dir on hostPath and a container without limits', async () => {
      const result = await lintFixtures(['cases/pod.trigger.yaml'], { rules: ['RAY-RES-019'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        [
          'low 18 spec.headGroupSpec.rayStartParams.object-store-memory',
          'low 19 spec.headGroupSpec.rayStartParams.temp-dir',
          'low 50 spec.workerGroupSpecs[0].template.spec.containers[0]',
        ],
      );
    });

    it('reports the KubeRay job sample worker, which sets a cpu but no memory limit', async () => {
      assert.deepEqual(await ruleFindings('RAY-RES-019', 'kuberay/ray-job.sample.yaml'), [
        'low kuberay/ray-job.sample.yaml:99',
      ]);
    });
  });

  describe('when limits are set', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-RES-019', 'cases/pod.fixed.yaml', 'kuberay/ray-cluster.sample.yaml'),
        [],
      );
    });
  });

  describe('quantityBytes', () => {
    it('reads Kubernetes quantities', () => {
      assert.equal(quantityBytes('5Gi'), 5 * 2 ** 30);
      assert.equal(quantityBytes('512Mi'), 512 * 2 ** 20);
      assert.equal(quantityBytes('2G'), 2e9);
      assert.equal(quantityBytes('1e9'), 1e9);
      assert.equal(quantityBytes('4000000000'), 4e9);
      assert.equal(quantityBytes('lots'), undefined);
    });
  });
});
