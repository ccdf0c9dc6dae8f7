import type { FindingDraft, RayRuleMeta } from '../finding.ts';
import type { RuleContext } from './context.ts';

export interface RayRule extends RayRuleMeta {
  check(context: RuleContext): FindingDraft[];
}

/** Documentation roots the rules link to. */
export const DOCS = {
  security: 'https://docs.ray.io/en/latest/ray-security/index.html',
  tokenAuth: 'https://docs.ray.io/en/latest/ray-security/token-auth.html',
  kuberayAuth: 'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-auth.html',
  dashboard: 'https://docs.ray.io/en/latest/cluster/configure-manage-dashboard.html',
  networkPolicy: 'https://docs.ray.io/en/master/cluster/kubernetes/user-guides/network-policy.html',
  tls: 'https://docs.ray.io/en/latest/ray-core/configure.html#tls-authentication',
  gcsFaultTolerance: 'https://docs.ray.io/en/latest/ray-core/fault_tolerance/gcs.html',
  dependencies: 'https://docs.ray.io/en/latest/ray-core/handling-dependencies.html',
  runtimeEnvAuth: 'https://docs.ray.io/en/latest/ray-core/runtime_env_auth.html',
  podSecurity: 'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/pod-security.html',
  images: 'https://docs.ray.io/en/latest/ray-overview/installation.html#docker-source-images',
  serveHttp: 'https://docs.ray.io/en/latest/serve/api/doc/ray.serve.config.HTTPOptions.html',
  autoscaling: 'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/configuring-autoscaling.html',
  startParams: 'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html',
  usageStats: 'https://docs.ray.io/en/latest/cluster/usage-stats.html',
  cli: 'https://docs.ray.io/en/latest/cluster/cli.html',
} as const;

/** `file:line` for messages. */
export function where(at: { file: string; line?: number } | undefined): string {
  if (!at) return '';
  return at.line !== undefined ? `${at.file}:${at.line}` : at.file;
}
