import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-AUTH-004', () => {
  describe('when token authentication is configured so it cannot work', () => {
    it('reports authOptions without rayVersion and K8s token auth on a RayJob with a secretName on 2.53.0', async () => {
      const result = await lintFixtures(['cases/auth-options.trigger.yaml'], { rules: ['RAY-AUTH-004'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.line} ${f.field}`),
        ['9 spec.authOptions.mode', '29 spec.rayClusterSpec.authOptions.enableK8sTokenAuth'],
      );
      assert.match(
        result.findings[1]!.message,
        /secretName is also set.*below 2\.55\.0.*not supported for RayJob/,
      );
    });

    it('reports a worker group without the mode the head has', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-004', 'cases/token-literal.trigger.yaml'), [
        'medium cases/token-literal.trigger.yaml:26',
      ]);
    });

    it('reports the pre-release spelling RAY_auth_mode', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-004', 'cases/Dockerfile.token'), [
        'medium cases/Dockerfile.token:3',
      ]);
    });

    it('reports RAY_AUTH_MODE=token on a Ray without token authentication', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-004', 'cases/serve-host.trigger.sh'), [
        'medium cases/serve-host.trigger.sh:3',
      ]);
    });
  });

  describe('when every node has the same mode', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-AUTH-004',
          'cases/token-secret-ref.fixed.yaml',
          'kuberay/ray-cluster.auth.yaml',
          'cases/launcher-open.trigger.yaml',
        ),
        [],
      );
    });
  });
});
