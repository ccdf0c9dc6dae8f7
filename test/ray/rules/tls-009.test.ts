import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-TLS-009', () => {
  describe('when TLS is misconfigured or missing', () => {
    it('reports RAY_USE_TLS=1 without the CA certificate as high', async () => {
      const result = await lintFixtures(['cases/tls.trigger.yaml'], { rules: ['RAY-TLS-009'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 16'],
      );
      assert.match(result.findings[0]!.message, /RAY_TLS_CA_CERT is not set/);
    });

    it("reports the KubeRay TLS sample's CA private key mounted into head and workers", async () => {
      assert.deepEqual(await ruleFindings('RAY-TLS-009', 'kuberay/ray-cluster.tls.yaml'), [
        'medium kuberay/ray-cluster.tls.yaml:109',
        'medium kuberay/ray-cluster.tls.yaml:188',
      ]);
    });

    it('notes a multi-node cluster without TLS as low', async () => {
      assert.deepEqual(await ruleFindings('RAY-TLS-009', 'kuberay/ray-cluster.sample.yaml'), [
        'low kuberay/ray-cluster.sample.yaml:8',
      ]);
    });
  });

  describe('when TLS is configured', () => {
    it('reports nothing for KubeRay tlsOptions', async () => {
      assert.deepEqual(await ruleFindings('RAY-TLS-009', 'kuberay/ray-cluster.mtls.yaml'), []);
    });
  });
});
