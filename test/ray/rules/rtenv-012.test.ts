import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-RTENV-012', () => {
  describe('when a runtime_env pulls code that can change', () => {
    it('reports a branch archive, an unpinned requirement and an extra index, at their lines inside runtimeEnvYAML', async () => {
      const result = await lintFixtures(['cases/secrets-in-params.trigger.yaml'], {
        rules: ['RAY-RTENV-012'],
      });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['medium 10', 'medium 12', 'medium 13'],
      );
      assert.match(result.findings[0]!.message, /archive of 'main'/);
      assert.match(result.findings[1]!.message, /'torch' is not pinned/);
    });

    it('accepts an index on the allowed list', async () => {
      const result = await lintFixtures(['cases/secrets-in-params.trigger.yaml'], {
        rules: ['RAY-RTENV-012'],
        allowedIndexes: ['https://pypi.acme.internal/simple'],
      });
      assert.deepEqual(
        result.findings.map((f) => f.line),
        [10, 12],
      );
    });
  });

  describe('when a standalone Serve config installs packages', () => {
    it('reports a range requirement at its line', async () => {
      assert.deepEqual(await ruleFindings('RAY-RTENV-012', 'cases/serve-config.trigger.yaml'), [
        'medium cases/serve-config.trigger.yaml:14',
      ]);
    });
  });

  describe('when everything is pinned', () => {
    it('reports nothing for the KubeRay job and service samples (== pins, archives of a full commit)', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-RTENV-012',
          'kuberay/ray-job.sample.yaml',
          'kuberay/ray-service.sample.yaml',
          'kuberay/ray-job.light-weight-submitter.yaml',
        ),
        [],
      );
    });
  });
});
