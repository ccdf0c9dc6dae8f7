import type { FindingDraft } from '../finding.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_NET_005: RayRule = {
  id: 'RAY-NET-005',
  name: 'dashboard-bound-to-all-interfaces',
  title: 'Dashboard and Jobs API listen beyond loopback',
  severities: ['high', 'medium'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell'],
  help:
    'Ray binds the dashboard (and the Jobs API it serves, which runs arbitrary code) to 127.0.0.1 by default ' +
    '(DEFAULT_DASHBOARD_IP in ray_constants.py). `ray start --dashboard-host=0.0.0.0` or any non-loopback address ' +
    'opens it to the network; KubeRay sets dashboard-host=0.0.0.0 on the head whenever rayStartParams names none ' +
    '(kuberay common/pod.go), so every RayCluster gets it unless told otherwise. High without token ' +
    'authentication, medium with it. In a container with bridged networking the bind address matters only through ' +
    'published ports, which RAY-NET-007 checks; the unauthenticated DELETE of CVE-2026-27482 needs exactly this.',
  fix:
    'Keep the dashboard on 127.0.0.1 (rayStartParams dashboard-host: "127.0.0.1", or leave --dashboard-host unset) ' +
    'and reach it with `kubectl port-forward` or `ray dashboard cluster.yaml`. If other pods must reach it (RayJob ' +
    'submitters), turn token authentication on and restrict ingress with a NetworkPolicy.',
  helpUri: DOCS.dashboard,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const posture = context.posture(cluster);
      for (const e of posture.exposures) {
        if (e.ruleId !== 'RAY-NET-005') continue;
        out.push({
          severity: posture.auth.enabled ? 'medium' : 'high',
          message:
            `${e.what}${e.implicit ? ` (${e.implicit})` : ''} in ${cluster.label}` +
            (posture.auth.enabled
              ? '; token authentication is on, which limits the damage'
              : ', without token authentication'),
          at: e.at,
          clusterId: cluster.id,
        });
      }
    }
    return out;
  },
};
