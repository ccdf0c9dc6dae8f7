import type { FindingDraft } from '../finding.ts';
import type { EnvSetting } from '../model.ts';
import { findSecret } from '../parse/lookup.ts';
import { envIn } from '../posture.ts';
import { DOCS, type RayRule } from './rule.ts';

const TLS_FILES = ['RAY_TLS_SERVER_CERT', 'RAY_TLS_SERVER_KEY', 'RAY_TLS_CA_CERT'];

function truthy(setting: EnvSetting | undefined): boolean {
  return (
    setting?.source === 'literal' && ['1', 'true', 'yes'].includes((setting.value ?? '').trim().toLowerCase())
  );
}

export const RAY_TLS_009: RayRule = {
  id: 'RAY-TLS-009',
  name: 'grpc-tls',
  title: 'Ray gRPC TLS missing or misconfigured',
  severities: ['high', 'medium', 'low'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'RAY_USE_TLS=1 needs RAY_TLS_SERVER_CERT, RAY_TLS_SERVER_KEY and RAY_TLS_CA_CERT on the same node ("if this is ' +
    'set to 1 then all of the environment variables below must be set"); without them the node fails or runs ' +
    'half-configured: high. A CA private key in a Secret mounted into Ray pods lets any job mint certificates ' +
    '(KubeRay\'s TLS guide: "do not store your CA private key in a Kubernetes Secret in production"): medium. A ' +
    'multi-node cluster with neither RAY_USE_TLS nor KubeRay tlsOptions sends tasks, objects and the auth token ' +
    'in clear between nodes: low, and only relevant where nodes talk across networks you do not control. TLS is ' +
    'not a replacement for network isolation and costs throughput. Not checked: whether the RayClusterMTLS feature ' +
    'gate that spec.tlsOptions needs is on in the operator.',
  fix: 'Set RAY_USE_TLS=1 with all three certificate paths on every node and client, or use KubeRay tlsOptions.',
  helpUri: DOCS.tls,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      let anyTls = cluster.kuberay?.tlsOptions?.enabled === true;
      const containers = [
        ...cluster.nodes.map((n) => ({ label: n.label, env: n.env })),
        ...(cluster.kuberay?.autoscaler
          ? [{ label: 'autoscaler', env: cluster.kuberay.autoscaler.env }]
          : []),
      ];
      for (const { label, env } of containers) {
        const use = envIn(env, 'RAY_USE_TLS');
        if (!truthy(use)) continue;
        anyTls = true;
        const missing = TLS_FILES.filter(
          (name) => !env.some((e) => e.name === name && (e.source !== 'literal' || (e.value ?? '') !== '')),
        );
        if (missing.length === 0) continue;
        out.push({
          severity: 'high',
          message: `RAY_USE_TLS is on for ${label} but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set; Ray needs all three certificate paths`,
          at: use!.at,
          fix: `Set ${missing.join(', ')} next to RAY_USE_TLS (mounted from a Secret holding the node's key and certificate).`,
          clusterId: cluster.id,
          key: label,
        });
      }
      // A CA private key mounted into Ray pods.
      for (const node of cluster.nodes) {
        for (const volume of node.pod?.volumes ?? []) {
          if (volume.kind !== 'secret' || !volume.source) continue;
          const secret = findSecret(context.facts, volume.source, cluster.namespace, cluster.file);
          const caKey = [...(secret?.values ?? [])].find(
            ([k, v]) =>
              /(^|[._-])ca([._-]?key)$|^ca[._-]?key(\.pem)?$/i.test(k) ||
              (/ca/i.test(k) && /PRIVATE KEY/.test(v.value)),
          );
          if (!secret || !caKey) continue;
          out.push({
            severity: 'medium',
            message: `Secret ${secret.name} holds a CA private key (${caKey[0]}) and is mounted into ${node.label} of ${cluster.label} (volume ${volume.name}); anyone running code there can mint certificates the cluster trusts`,
            at: volume.at,
            fix: "Mount only the CA certificate and the node's own key pair; sign node certificates with cert-manager or an external CA (KubeRay tlsOptions does this).",
            clusterId: cluster.id,
            key: `${node.label}:${volume.name}`,
          });
        }
      }
      if (
        !anyTls &&
        cluster.nodes.some((n) => n.role === 'worker') &&
        cluster.nodes.some((n) => n.role === 'head')
      ) {
        out.push({
          severity: 'low',
          message: `${cluster.label} has worker nodes but no gRPC TLS (no RAY_USE_TLS, no tlsOptions): traffic between nodes, including the auth token, is unencrypted`,
          at: cluster.at,
          fix: 'If nodes talk across networks you do not control, enable RAY_USE_TLS with certificates on every node (KubeRay: spec.tlsOptions.enabled).',
          clusterId: cluster.id,
          key: 'no-tls',
        });
      }
    }
    return out;
  },
};
