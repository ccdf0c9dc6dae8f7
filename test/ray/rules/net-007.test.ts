import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-NET-007', () => {
  describe('when Ray ports are published on a host', () => {
    it('reports compose ports on every interface and on 0.0.0.0, high with token authentication', async () => {
      const result = await lintFixtures(['cases/compose.trigger.yaml'], { rules: ['RAY-NET-007'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line} ${f.field}`),
        ['high 8 services.ray-head.ports[0]', 'high 9 services.ray-head.ports[1]'],
      );
    });

    it('is critical for docker run -p and --network host without token authentication', async () => {
      const result = await lintFixtures(['cases/docker-run.trigger.sh'], { rules: ['RAY-NET-007'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['critical 5', 'critical 6'],
      );
    });

    it("reports a security group open to the world, and the launcher's default SSH rule as medium", async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-007', 'cases/launcher-open.trigger.yaml'), [
        'high cases/launcher-open.trigger.yaml:10',
        'medium cases/launcher-open.trigger.yaml:5',
      ]);
      assert.deepEqual(await ruleFindings('RAY-NET-007', 'launcher/aws-example-full.yaml'), [
        'medium launcher/aws-example-full.yaml:39',
      ]);
    });
  });

  describe('when ports are published on loopback only', () => {
    it('reports nothing', async () => {
      assert.deepEqual(await ruleFindings('RAY-NET-007', 'cases/compose.fixed.yaml'), []);
    });
  });
});
