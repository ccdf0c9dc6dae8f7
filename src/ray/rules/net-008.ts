import type { FindingDraft } from '../finding.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_NET_008: RayRule = {
  id: 'RAY-NET-008',
  name: 'no-network-policy',
  title: 'No NetworkPolicy isolates the Ray pods',
  severities: ['medium'],
  inputs: ['kubernetes'],
  help:
    'KubeRay "relies on the Kubernetes security model"; its SECURITY.md leaves NetworkPolicies to cluster ' +
    'administrators. Without one, every pod in the cluster reaches the GCS, dashboard/Jobs API and Ray Client of ' +
    'the head. Passing: spec.networkPolicy with mode DenyAll or DenyAllIngress (KubeRay ≥ 1.7, alpha feature gate ' +
    'RayClusterNetworkPolicy, which raygate cannot see from here), or a NetworkPolicy among the inputs that selects ' +
    'the head pod (ray.io/is-ray-node, ray.io/cluster or the template labels) and admits only listed sources. A ' +
    'NetworkPolicy applied elsewhere is invisible to raygate: lint it together with the cluster.',
  fix:
    'Add spec.networkPolicy: {mode: DenyAll} (with the feature gate on) or a NetworkPolicy selecting ' +
    'ray.io/is-ray-node: "yes" that admits 6379/8265/10001/52365 only from the cluster itself, the operator and ' +
    'submitters; pre-apply a namespace default-deny, since pods can start before a generated policy exists.',
  helpUri: DOCS.networkPolicy,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      if (cluster.kind !== 'kuberay') continue;
      if (!cluster.nodes.some((n) => n.role === 'head')) continue;
      const posture = context.posture(cluster);
      if (posture.isolated) continue;
      const policy = cluster.kuberay?.networkPolicy;
      out.push({
        severity: 'medium',
        message: policy
          ? `spec.networkPolicy mode ${policy.mode} of ${cluster.label} does not restrict ingress; the head's ports are open to every pod`
          : `nothing restricts ingress to ${cluster.label}: no spec.networkPolicy and no NetworkPolicy among the inputs selects its head pod`,
        at: policy?.at ?? cluster.at,
        clusterId: cluster.id,
      });
    }
    return out;
  },
};
