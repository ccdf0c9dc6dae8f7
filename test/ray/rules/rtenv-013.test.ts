import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-RTENV-013', () => {
  describe('when a runtime_env carries credentials', () => {
    it('reports a token in a working_dir URL (redacted) and a literal AWS secret in env_vars', async () => {
      const result = await lintFixtures(['cases/secrets-in-params.trigger.yaml'], {
        rules: ['RAY-RTENV-013'],
      });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 10', 'high 16'],
      );
      assert.doesNotMatch(result.findings[0]!.message, /ghp_abcdef123456/);
      assert.match(result.findings[1]!.message, /AWS_SECRET_ACCESS_KEY/);
    });
  });

  describe('when it carries none', () => {
    it('reports nothing (counter_name is not a secret)', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-RTENV-013', 'kuberay/ray-job.sample.yaml', 'kuberay/ray-cronjob.sample.yaml'),
        [],
      );
    });
  });
});
