import type { FindingDraft } from '../finding.ts';
import { envOf, TOKEN_AUTH_SINCE } from '../posture.ts';
import { versionBelow } from '../versions.ts';
import { DOCS, type RayRule } from './rule.ts';

const K8S_TOKEN_AUTH_SINCE = '2.55.0';

export const RAY_AUTH_004: RayRule = {
  id: 'RAY-AUTH-004',
  name: 'token-auth-ineffective',
  title: 'Token authentication configured in a way that does not work',
  severities: ['medium'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'Settings that look like token authentication but do not give it: KubeRay authOptions without spec.rayVersion ' +
    `or below ${TOKEN_AUTH_SINCE} (the operator rejects the resource), enableK8sTokenAuth below Ray ` +
    `${K8S_TOKEN_AUTH_SINCE}, without mode token, together with secretName, or on a RayJob/RayService (unsupported ` +
    '— kuberay utils/validation.go); RAY_AUTH_MODE=token on the head but not on a worker group or a custom ' +
    'submitter ("RAY_AUTH_MODE must be configured consistently on every node"); RAY_AUTH_MODE=token on a Ray ' +
    `version without token authentication (< ${TOKEN_AUTH_SINCE}); an unknown RAY_AUTH_MODE value; and the ` +
    'pre-release spelling RAY_auth_mode (renamed before 2.52.0, PR #58408), which released Ray ignores.',
  fix: 'Make token authentication consistent: one RAY_AUTH_MODE=token and one token for every node and client.',
  helpUri: DOCS.kuberayAuth,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const posture = context.posture(cluster);
      const options = cluster.kuberay?.authOptions;
      const version = cluster.rayVersion?.value;
      if (options) {
        const mode = (options.mode?.value ?? 'token').toLowerCase();
        const k8s = options.enableK8sTokenAuth?.value === true;
        const at = options.mode?.at ?? options.at;
        if (mode === 'token' && !version) {
          out.push({
            severity: 'medium',
            message: `authOptions turns token authentication on but spec.rayVersion is not set; KubeRay rejects the ${cluster.kuberay!.crKind} (it requires rayVersion ${TOKEN_AUTH_SINCE} or later)`,
            at,
            fix: `Set spec.rayVersion to the Ray version of the image (${TOKEN_AUTH_SINCE} or later).`,
            clusterId: cluster.id,
            key: 'rayVersion-missing',
          });
        } else if (mode === 'token' && version && versionBelow(version, TOKEN_AUTH_SINCE)) {
          out.push({
            severity: 'medium',
            message: `authOptions turns token authentication on but spec.rayVersion is ${version}; token authentication needs Ray ${TOKEN_AUTH_SINCE} and KubeRay rejects the resource`,
            at: cluster.rayVersion!.at,
            fix: `Upgrade Ray (image and spec.rayVersion) to ${TOKEN_AUTH_SINCE} or later.`,
            clusterId: cluster.id,
            key: 'rayVersion-old',
          });
        } else if (!['token', 'disabled'].includes(mode)) {
          out.push({
            severity: 'medium',
            message: `authOptions.mode is '${options.mode?.value}'; KubeRay accepts disabled or token`,
            at,
            clusterId: cluster.id,
            key: 'mode',
          });
        }
        if (k8s) {
          const k8sAt = options.enableK8sTokenAuth!.at;
          const problems: string[] = [];
          if (mode !== 'token') problems.push('authOptions.mode is not token');
          if (options.secretName)
            problems.push('authOptions.secretName is also set (they exclude each other)');
          if (version && versionBelow(version, K8S_TOKEN_AUTH_SINCE))
            problems.push(`spec.rayVersion ${version} is below ${K8S_TOKEN_AUTH_SINCE}`);
          if (cluster.kuberay!.crKind !== 'RayCluster')
            problems.push(`it is not supported for ${cluster.kuberay!.crKind}`);
          if (problems.length > 0) {
            out.push({
              severity: 'medium',
              message: `authOptions.enableK8sTokenAuth cannot work here: ${problems.join('; ')}`,
              at: k8sAt,
              fix: `Use enableK8sTokenAuth only on a standalone RayCluster with mode: token, no secretName and Ray ${K8S_TOKEN_AUTH_SINCE} or later; otherwise use plain token authentication.`,
              clusterId: cluster.id,
              key: 'k8s-token-auth',
            });
          }
        }
      }
      // Head protected, but a node or the submitter without the same setting.
      if (
        !posture.auth.viaAuthOptions &&
        posture.auth.nodes.some((n) => n.node.role === 'head' && n.mode === 'token')
      ) {
        for (const n of posture.auth.nodes) {
          if (n.mode === 'token' || n.mode === 'unseen') continue;
          out.push({
            severity: 'medium',
            message: `the head runs with RAY_AUTH_MODE=token but ${n.node.label} does not; a node without it cannot join, and RAY_AUTH_MODE must be the same on every node`,
            at: n.at ?? n.node.container?.at ?? n.node.start?.at ?? n.node.at,
            fix: 'Set RAY_AUTH_MODE=token and the same token on every node.',
            clusterId: cluster.id,
            key: n.node.label,
          });
        }
        const submitter = cluster.kuberay?.submitter?.containers[0];
        if (
          submitter &&
          !submitter.env.some((e) => e.name === 'RAY_AUTH_MODE') &&
          submitter.envFrom.length === 0
        ) {
          out.push({
            severity: 'medium',
            message: `the submitter container ${submitter.name} has no RAY_AUTH_MODE/RAY_AUTH_TOKEN while the head requires a token; job submission will be refused`,
            at: submitter.at,
            fix: 'Give the submitter container RAY_AUTH_MODE=token and RAY_AUTH_TOKEN from the same Secret.',
            clusterId: cluster.id,
            key: 'submitter',
          });
        }
      }
      if (!options && posture.auth.unsupportedVersion) {
        out.push({
          severity: 'medium',
          message: `RAY_AUTH_MODE=token is set but Ray ${posture.auth.unsupportedVersion.version} has no token authentication (added in ${TOKEN_AUTH_SINCE}); the setting does nothing`,
          at: posture.auth.unsupportedVersion.at,
          fix: `Upgrade Ray to ${TOKEN_AUTH_SINCE} or later.`,
          clusterId: cluster.id,
          key: 'version',
        });
      }
      for (const node of cluster.nodes) {
        const mode = envOf(node, 'RAY_AUTH_MODE');
        if (
          mode?.source === 'literal' &&
          !['token', 'disabled'].includes((mode.value ?? '').trim().toLowerCase())
        ) {
          out.push({
            severity: 'medium',
            message: `RAY_AUTH_MODE is '${mode.value}' on ${node.label}; Ray accepts only disabled or token, so authentication stays off`,
            at: mode.at,
            clusterId: cluster.id,
            key: `value:${node.label}`,
          });
        }
      }
    }
    const seen = new Set<string>();
    for (const { env, clusterId } of context.facts.envSettings) {
      if (env.name === 'RAY_AUTH_MODE' || env.name.toUpperCase() !== 'RAY_AUTH_MODE') continue;
      const seenKey = `${env.at.file}:${env.at.line}`;
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const key = `${env.name}:${env.at.field}`;
      out.push({
        severity: 'medium',
        message: `${env.name} is the pre-release spelling; released Ray reads only RAY_AUTH_MODE, so this setting is ignored`,
        at: env.at,
        fix: 'Rename the variable to RAY_AUTH_MODE.',
        ...(clusterId ? { clusterId } : {}),
        key,
      });
    }
    return out;
  },
};
