import assert from 'node:assert/strict';
import { ruleFindings } from '../support.ts';

describe('RAY-TEL-020', () => {
  describe('when telemetry is on or the debugger is open', () => {
    it('reports --ray-debugger-external as medium and usage stats as info', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-TEL-020', 'cases/compose.trigger.yaml', 'kuberay/ray-cluster.sample.yaml'),
        ['medium cases/compose.trigger.yaml:16', 'info kuberay/ray-cluster.sample.yaml:28'],
      );
    });
  });

  describe('when usage stats are disabled', () => {
    it('accepts --disable-usage-stats, rayStartParams disable-usage-stats and RAY_USAGE_STATS_ENABLED=0', async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-TEL-020',
          'cases/auth-host.fixed.sh',
          'cases/auth-disabled.trigger.yaml',
          'cases/docker-run.trigger.sh',
        ),
        [],
      );
    });
  });
});
