import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-POD-014', () => {
  describe('when pods run with more privilege than they need', () => {
    it('reports host namespaces, hostPath, privileged, added capabilities and Unconfined seccomp as high, missing restricted settings as medium', async () => {
      const result = await lintFixtures(['cases/pod.trigger.yaml'], { rules: ['RAY-POD-014'] });
      assert.deepEqual(
        result.findings.map(
          (f) => `${f.severity} ${f.line} ${f.message.replace(/ \(RayCluster loose\)$/, '')}`,
        ),
        [
          'high 22 head pod uses hostNetwork',
          'high 24 head pod mounts hostPath /mnt/shared (volume shared)',
          'high 31 head container ray-head is privileged',
          'high 33 head container ray-head adds capabilities SYS_ADMIN',
          'high 35 head container ray-head runs with seccompProfile Unconfined',
          'medium 12 autoscaler sidecar container autoscaler does not meet the restricted Pod Security Standard: allowPrivilegeEscalation is not false, runAsNonRoot is not true, capabilities.drop lacks ALL, seccompProfile is not RuntimeDefault',
          'medium 30 head container ray-head does not meet the restricted Pod Security Standard: allowPrivilegeEscalation is not false, runAsNonRoot is not true, capabilities.drop lacks ALL',
          'medium 50 worker group gpu container ray-worker does not meet the restricted Pod Security Standard: allowPrivilegeEscalation is not false, runAsNonRoot is not true, capabilities.drop lacks ALL, seccompProfile is not RuntimeDefault',
        ],
      );
    });

    it('reports a privileged compose service that mounts the Docker socket', async () => {
      assert.deepEqual(await ruleFindings('RAY-POD-014', 'cases/compose.trigger.yaml'), [
        'high cases/compose.trigger.yaml:17',
        'high cases/compose.trigger.yaml:19',
      ]);
    });
  });

  describe('when pods follow the restricted Pod Security Standard', () => {
    it('reports nothing, with settings split between pod and container as Kubernetes allows', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-POD-014', 'cases/pod.fixed.yaml', 'cases/compose.fixed.yaml'),
        [],
      );
    });
  });
});
