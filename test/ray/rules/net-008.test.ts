import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-NET-008', () => {
  describe('when nothing restricts ingress to the Ray pods', () => {
    it('reports the KubeRay sample at its spec', async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.sample.yaml'], { rules: ['RAY-NET-008'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['medium 8 spec'],
      );
    });
  });

  describe('when a policy restricts it', () => {
    it('credits spec.networkPolicy (DenyAll) and a NetworkPolicy selecting the head by label', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-NET-008',
          'kuberay/ray-cluster.network-policy-deny-all.yaml',
          'cases/exposed.fixed.yaml',
          'cases/auth-disabled.trigger.yaml',
        ),
        [],
      );
    });
  });
});
