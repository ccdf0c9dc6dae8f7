import assert from 'node:assert/strict';
import { ruleFindings } from '../support.ts';

describe('RAY-SRV-016', () => {
  describe('when Serve is published without a gateway', () => {
    it('reports a LoadBalancer serveService, a published 8000, serve start --http-host 0.0.0.0 and a Serve config on 0.0.0.0', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-SRV-016',
          'cases/serve.trigger.yaml',
          'cases/compose.trigger.yaml',
          'cases/serve-host.trigger.sh',
          'cases/serve-config.trigger.yaml',
        ),
        [
          'medium cases/compose.trigger.yaml:10',
          'medium cases/serve-config.trigger.yaml:5',
          'medium cases/serve-host.trigger.sh:5',
          'medium cases/serve.trigger.yaml:9',
        ],
      );
    });
  });

  describe('when Serve stays inside the cluster', () => {
    it('reports nothing for the KubeRay RayService samples', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-SRV-016',
          'kuberay/ray-service.sample.yaml',
          'kuberay/ray-service.llm-serve.yaml',
        ),
        [],
      );
    });
  });
});
