import assert from 'node:assert/strict';
import { lintRay } from '../../../src/ray/index.ts';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-AUTH-002', () => {
  describe('when the head runs without token authentication', () => {
    it('is critical on a host whose dashboard listens on 0.0.0.0, and follows the shell: an unexported variable does not count', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'cases/auth-host.trigger.sh'), [
        'critical cases/auth-host.trigger.sh:6',
      ]);
    });

    it('is critical for the KubeRay sample (dashboard on 0.0.0.0 by KubeRay default, no NetworkPolicy)', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'kuberay/ray-cluster.sample.yaml'), [
        'critical kuberay/ray-cluster.sample.yaml:8',
      ]);
    });

    it('is high when a NetworkPolicy isolates the pods', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-AUTH-002', 'kuberay/ray-cluster.network-policy-deny-all.yaml'),
        ['high kuberay/ray-cluster.network-policy-deny-all.yaml:5'],
      );
    });

    it('points at an explicit RAY_AUTH_MODE=disabled', async () => {
      const result = await lintFixtures(['cases/auth-disabled.trigger.yaml'], { rules: ['RAY-AUTH-002'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 18 spec.headGroupSpec.template.spec.containers[0].env.RAY_AUTH_MODE'],
      );
      assert.match(result.findings[0]!.message, /RAY_AUTH_MODE=disabled/);
    });

    it('does not credit a Ray version that predates token authentication', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'cases/serve-host.trigger.sh'), [
        'high cases/serve-host.trigger.sh:3',
      ]);
    });

    it('does not credit authOptions KubeRay would reject', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'cases/auth-options.trigger.yaml'), [
        'critical cases/auth-options.trigger.yaml:9',
        'critical cases/auth-options.trigger.yaml:27',
      ]);
    });

    it('does not credit Ray 2.59, whose automatic token covers only local clusters from ray.init()', async () => {
      const result = await lintRay(
        {
          files: [
            {
              path: 'start.sh',
              content: 'pip install ray==2.59.0\nray start --head --disable-usage-stats\n',
            },
          ],
        },
        { rules: ['RAY-AUTH-002'] },
      );
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 2'],
      );
    });

    it('is high for the launcher example (dashboard on loopback, default security group)', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'launcher/aws-example-full.yaml'), [
        'high launcher/aws-example-full.yaml:166',
      ]);
    });
  });

  describe('when token authentication is on', () => {
    it('reports nothing for an exported RAY_AUTH_MODE=token', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'cases/auth-host.fixed.sh'), []);
    });

    it('reports nothing for KubeRay authOptions (the operator sets the variables)', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-AUTH-002',
          'kuberay/ray-cluster.auth.yaml',
          'kuberay/ray-cluster.auth.secret-ref.yaml',
        ),
        [],
      );
    });

    it('credits the launcher pattern echo "export RAY_AUTH_MODE=token" >> ~/.bashrc', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-002', 'cases/launcher-open.trigger.yaml'), []);
    });
  });
});
