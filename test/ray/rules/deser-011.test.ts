import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-DESER-011', () => {
  describe('when unsafe deserialisation is turned back on', () => {
    it('reports the opt-in variables in runtime_env env_vars and in a container env', async () => {
      const result = await lintFixtures(['cases/secrets-in-params.trigger.yaml'], {
        rules: ['RAY-DESER-011'],
      });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        [
          'high 17 env_vars.RAY_DATA_AUTOLOAD_CLOUDPICKLE_TENSOR_METADATA',
          'high 35 spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].env.RAY_DATA_WEBDATASET_ALLOW_UNSAFE_DESERIALIZATION',
        ],
      );
    });

    it('reports mounted code that reads WebDataset and Parquet files on an affected Ray', async () => {
      const result = await lintFixtures(['cases/deser-code.trigger.yaml'], { rules: ['RAY-DESER-011'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['medium 28'],
      );
      assert.match(result.findings[0]!.message, /read_webdataset .* and read_parquet/);
    });
  });

  describe('when Ray is fixed and nothing opts back in', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-DESER-011', 'cases/deser-code.fixed.yaml', 'kuberay/ray-job.sample.yaml'),
        [],
      );
    });
  });
});
