import type { FindingDraft } from '../finding.ts';
import { DOCS, where, type RayRule } from './rule.ts';

export const RAY_KR_017: RayRule = {
  id: 'RAY-KR-017',
  name: 'autoscaler-blast-radius',
  title: 'Kubernetes API rights reachable through an open cluster',
  severities: ['high', 'low'],
  inputs: ['kubernetes'],
  help:
    'With enableInTreeAutoscaling, KubeRay gives the head pod a ServiceAccount that may get/list/watch/patch pods, ' +
    'patch pods/resize and get/patch rayclusters (kuberay controllers/ray/common/rbac.go). Code run through an ' +
    'unauthenticated or exposed Jobs API inherits those rights and pivots into the namespace: high while ' +
    'RAY-AUTH-002, RAY-NET-005 or RAY-NET-006 also fire for the cluster. Worker pods that run under a non-default ' +
    "ServiceAccount without automountServiceAccountToken: false hand that account's token to every task: low.",
  fix: 'Turn token authentication on and keep the dashboard private before enabling the autoscaler; give workers automountServiceAccountToken: false or an account without rights.',
  helpUri: DOCS.autoscaling,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const kuberay = cluster.kuberay;
      if (!kuberay) continue;
      const posture = context.posture(cluster);
      const autoscaling = kuberay.enableInTreeAutoscaling;
      if (autoscaling?.value) {
        const reasons: string[] = [];
        if (!posture.auth.enabled) reasons.push('token authentication is off');
        const dashboard = posture.exposures.find((e) => e.ruleId === 'RAY-NET-005');
        if (dashboard) reasons.push(`the dashboard listens beyond loopback (${where(dashboard.at)})`);
        const external = posture.exposures.find((e) => e.ruleId === 'RAY-NET-006');
        if (external) reasons.push(`the head is published outside the cluster (${where(external.at)})`);
        if (reasons.length > 0) {
          out.push({
            severity: 'high',
            message: `${cluster.label} enables the in-tree autoscaler, whose ServiceAccount can patch pods and RayClusters, while ${reasons.join(' and ')}: a job submitted through the open dashboard gets those rights`,
            at: autoscaling.at,
            clusterId: cluster.id,
            key: 'autoscaler',
          });
        }
      }
      for (const node of cluster.nodes) {
        const pod = node.pod;
        if (node.role !== 'worker' || !pod?.serviceAccountName || pod.serviceAccountName === 'default')
          continue;
        if (pod.automountServiceAccountToken?.value === false) continue;
        out.push({
          severity: 'low',
          message: `${node.label} of ${cluster.label} runs as ServiceAccount ${pod.serviceAccountName} with its token mounted; every task on it can use that account`,
          at: pod.automountServiceAccountToken?.at ?? pod.at,
          fix: 'Set automountServiceAccountToken: false on the worker pod template unless the workload needs the Kubernetes API.',
          clusterId: cluster.id,
          key: node.label,
        });
      }
    }
    return out;
  },
};
