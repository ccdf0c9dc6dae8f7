import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-SEC-010', () => {
  describe('when a Redis password is written in the deployment', () => {
    it("reports Ray 1.x's default on a launcher command line, noting there is no external Redis", async () => {
      const result = await lintFixtures(['cases/launcher-open.trigger.yaml'], { rules: ['RAY-SEC-010'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 25'],
      );
      assert.match(result.findings[0]!.message, /public default 5241590000000000.*protects nothing/);
    });

    it('reports gcsFaultToleranceOptions.redisPassword.value', async () => {
      assert.deepEqual(await ruleFindings('RAY-SEC-010', 'cases/secrets-in-params.trigger.yaml'), [
        'high cases/secrets-in-params.trigger.yaml:24',
      ]);
    });

    it('reports the Secret the external-redis sample writes next to the cluster, in the same file', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-SEC-010',
          'kuberay/ray-cluster.external-redis.yaml',
          'kuberay/ray-service.high-availability.yaml',
        ),
        [
          'high kuberay/ray-cluster.external-redis.yaml:165',
          'high kuberay/ray-service.high-availability.yaml:214',
        ],
      );
    });

    it('notes a password without an external Redis as info', async () => {
      assert.deepEqual(await ruleFindings('RAY-SEC-010', 'cases/redis-dynamic.sh'), [
        'info cases/redis-dynamic.sh:4',
      ]);
    });
  });

  describe('when the password comes from a Secret made elsewhere', () => {
    it('reports nothing', async () => {
      assert.deepEqual(await ruleFindings('RAY-SEC-010', 'cases/redis.fixed.yaml'), []);
    });
  });
});
