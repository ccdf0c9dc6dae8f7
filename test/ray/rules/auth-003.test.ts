import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-AUTH-003', () => {
  describe('when the token is written into a file', () => {
    it('reports a literal RAY_AUTH_TOKEN in a manifest', async () => {
      assert.deepEqual(await ruleFindings('RAY-AUTH-003', 'cases/token-literal.trigger.yaml'), [
        'high cases/token-literal.trigger.yaml:18',
      ]);
    });

    it('reports ENV RAY_AUTH_TOKEN and a token file copied into an image', async () => {
      const result = await lintFixtures(['cases/Dockerfile.token'], { rules: ['RAY-AUTH-003'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 4 ENV RAY_AUTH_TOKEN', 'high 5 COPY'],
      );
    });

    it('reports the Secret of the KubeRay secret-ref sample, which carries the token in stringData', async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.auth.secret-ref.yaml'], {
        rules: ['RAY-AUTH-003'],
      });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 7 stringData.auth_token'],
      );
    });
  });

  describe('when the token comes from a Secret made elsewhere', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-AUTH-003',
          'cases/token-secret-ref.fixed.yaml',
          'kuberay/ray-cluster.auth.yaml',
        ),
        [],
      );
    });
  });
});
