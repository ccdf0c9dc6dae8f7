import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-NET-006', () => {
  describe('when the head is published outside the cluster', () => {
    it('is critical for the separate-ingress sample (NodePort head Service and an Ingress without TLS, no auth)', async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-006', 'kuberay/ray-cluster.separate-ingress.yaml'), [
        'critical kuberay/ray-cluster.separate-ingress.yaml:12',
        'critical kuberay/ray-cluster.separate-ingress.yaml:58',
      ]);
    });

    it('is high with token authentication but no TLS: serviceType, a NodePort Service by selector, an Ingress by Service name', async () => {
      const result = await lintFixtures(['cases/exposed.trigger.yaml'], { rules: ['RAY-NET-006'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        [
          'high 13 spec.headGroupSpec.serviceType',
          'high 28 spec.type',
          'high 49 spec.rules[0].http.paths[0].backend',
        ],
      );
    });

    it('matches an Ingress in another file to its cluster, and names port names', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-NET-006',
          'kuberay/ingress-rayclient-tls.yaml',
          'kuberay/ray-cluster.tls.yaml',
        ),
        ['critical kuberay/ingress-rayclient-tls.yaml:14'],
      );
      const helm = await lintFixtures(['cases/helm-rendered.yaml'], { rules: ['RAY-NET-006'] });
      assert.deepEqual(
        helm.findings.map((f) => `${f.severity} ${f.line}`),
        ['critical 72'],
      );
      assert.match(helm.findings[0]!.message, /port 'dashboard'/);
    });

    it('is high for a route whose cluster is not among the inputs, since its authentication is unknown', async () => {
      const result = await lintFixtures(['kuberay/ingress-rayclient-tls.yaml'], { rules: ['RAY-NET-006'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 14'],
      );
      assert.match(result.findings[0]!.message, /not among the inputs/);
    });
  });

  describe('when the head stays inside the cluster', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-NET-006', 'cases/exposed.fixed.yaml', 'kuberay/ray-cluster.complete.yaml'),
        [],
      );
    });
  });
});
