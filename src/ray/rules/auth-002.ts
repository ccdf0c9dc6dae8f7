import type { FindingDraft } from '../finding.ts';
import type { RayClusterFacts } from '../model.ts';
import { TOKEN_AUTH_SINCE } from '../posture.ts';
import { DOCS, where, type RayRule } from './rule.ts';

function fixFor(cluster: RayClusterFacts): string {
  switch (cluster.kind) {
    case 'kuberay':
      return (
        `Add spec.authOptions: {mode: token} (KubeRay ≥ 1.5.1, spec.rayVersion ≥ ${TOKEN_AUTH_SINCE}); the operator creates ` +
        'a Secret with a random token and sets RAY_AUTH_MODE and RAY_AUTH_TOKEN on every Ray container. On older ' +
        'operators set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN from a secretKeyRef on every container.'
      );
    case 'launcher':
      return (
        'Generate a token once (ray get-auth-token --generate), ship it to the nodes as a file, and set ' +
        'RAY_AUTH_MODE=token and RAY_AUTH_TOKEN_PATH in setup_commands (echo "export RAY_AUTH_MODE=token" >> ~/.bashrc).'
      );
    default:
      return (
        'Set RAY_AUTH_MODE=token in the environment of every `ray start` (head and workers) and of every client, with ' +
        'the token in a file named by RAY_AUTH_TOKEN_PATH (or ~/.ray/auth_token).'
      );
  }
}

export const RAY_AUTH_002: RayRule = {
  id: 'RAY-AUTH-002',
  name: 'token-auth-disabled',
  title: 'Token authentication is not enabled',
  severities: ['critical', 'high'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'Without RAY_AUTH_MODE=token (Ray ≥ 2.52.0) anyone who reaches the dashboard, Jobs API, GCS or Ray Client runs ' +
    'code on the cluster: the ShadowRay campaigns (CVE-2023-48022) and CVE-2025-34351. Critical when the cluster is ' +
    'also reachable (a published port, a LoadBalancer/NodePort Service or Ingress, or a dashboard bound beyond ' +
    'loopback with no NetworkPolicy or security group around it), high otherwise. Ray 2.59 turns token auth on by ' +
    'default only for local clusters started by ray.init(); `ray start --head` and KubeRay clusters stay without ' +
    'it unless configured, so the version alone is never credited. A RAY_AUTH_MODE read from a Secret, ConfigMap ' +
    'or shell expansion cannot be seen and is not reported.',
  fix: 'Enable token authentication on every node (see the finding for the deployment kind).',
  helpUri: DOCS.tokenAuth,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const posture = context.posture(cluster);
      const auth = posture.auth;
      const heads = auth.nodes.filter((n) => n.node.role === 'head');
      if (heads.length === 0 || auth.enabled) continue;
      if (heads.some((h) => h.mode === 'unseen') && !auth.unsupportedVersion) continue;
      const severity = posture.exposed ? 'critical' : 'high';
      const reach = posture.exposures.find((e) => !e.sshOnly);
      const exposure =
        posture.exposed && reach ? `, and the cluster is reachable: ${reach.what} (${where(reach.at)})` : '';
      let message: string;
      let at;
      if (auth.unsupportedVersion) {
        message = `token authentication is asked for, but Ray ${auth.unsupportedVersion.version} predates it (${TOKEN_AUTH_SINCE}), so ${cluster.label} runs without authentication`;
        at = auth.unsupportedVersion.at;
      } else if (auth.explicitlyDisabled) {
        message = `RAY_AUTH_MODE=disabled turns token authentication off for ${cluster.label}`;
        at = auth.explicitlyDisabled;
      } else if (auth.rejectedByKubeRay && auth.viaAuthOptions) {
        message = `${cluster.label} asks for token authentication, but KubeRay refuses ${auth.rejectedByKubeRay} (see RAY-AUTH-004), so the cluster does not get it as written`;
        at = auth.viaAuthOptions;
      } else {
        const missing = heads.filter((h) => h.mode !== 'token');
        const head = missing[0]!.node;
        at = cluster.kind === 'kuberay' ? cluster.at : (head.start?.at ?? head.at);
        message =
          cluster.kind === 'kuberay'
            ? `${cluster.label} has no spec.authOptions and its head container does not set RAY_AUTH_MODE=token: the dashboard, Jobs API and GCS accept anyone`
            : `the Ray head started at ${where(head.start?.at ?? head.at)} runs without RAY_AUTH_MODE=token: the dashboard, Jobs API and GCS accept anyone`;
      }
      out.push({
        severity,
        message: message + exposure + '.',
        at,
        fix: fixFor(cluster),
        clusterId: cluster.id,
      });
    }
    return out;
  },
};
