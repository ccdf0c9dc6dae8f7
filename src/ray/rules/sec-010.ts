import type { FindingDraft } from '../finding.ts';
import { findSecret } from '../parse/lookup.ts';
import { envOf } from '../posture.ts';
import { DOCS, type RayRule } from './rule.ts';

/** Ray 1.x's built-in Redis password (ray_constants REDIS_DEFAULT_PASSWORD before 2.0). */
const RAY1_DEFAULT_PASSWORD = '5241590000000000';

export const RAY_SEC_010: RayRule = {
  id: 'RAY-SEC-010',
  name: 'redis-password',
  title: 'Redis password written in the deployment',
  severities: ['high', 'info'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell'],
  help:
    'A literal `--redis-password` (or rayStartParams redis-password, gcsFaultToleranceOptions.redisPassword.value, ' +
    'or a Secret in the same files that the cluster reads it from) sits in pod arguments and files; Ray before ' +
    "2.43.0 also logged it (CVE-2025-1979). 5241590000000000 is Ray 1.x's public default. High. Since GCS " +
    'bootstrapping (Ray 1.11) the flag matters only for an external Redis used for GCS fault tolerance ' +
    '(RAY_REDIS_ADDRESS / gcsFaultToleranceOptions); without one it protects nothing (info).',
  fix: 'Read the password from a Secret (redisPassword.valueFrom.secretKeyRef, or $REDIS_PASSWORD from a secretKeyRef) created out of band; rotate a password that was committed.',
  helpUri: DOCS.gcsFaultTolerance,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const gcs = cluster.kuberay?.gcsFaultTolerance;
      for (const node of cluster.nodes) {
        const flag = node.start?.flags.get('redis-password');
        if (!flag || flag.value === true) continue;
        const external = Boolean(gcs?.redisAddress) || envOf(node, 'RAY_REDIS_ADDRESS') !== undefined;
        if (!flag.dynamic && flag.value !== '') {
          const isDefault = flag.value === RAY1_DEFAULT_PASSWORD;
          out.push({
            severity: 'high',
            message:
              `redis-password is written as a literal for ${node.label} of ${cluster.label}` +
              (isDefault ? ` and is Ray 1.x's public default ${RAY1_DEFAULT_PASSWORD}` : '') +
              (external ? '' : '; there is also no external Redis, so it protects nothing'),
            at: flag.at,
            clusterId: cluster.id,
            key: node.label,
          });
        } else if (!external) {
          out.push({
            severity: 'info',
            message: `redis-password is given for ${node.label} of ${cluster.label} but no external Redis is configured (RAY_REDIS_ADDRESS, gcsFaultToleranceOptions); since Ray 1.11 it has no effect`,
            at: flag.at,
            fix: 'Drop --redis-password, or configure GCS fault tolerance with an external Redis.',
            clusterId: cluster.id,
            key: node.label,
          });
        }
      }
      const password = gcs?.redisPassword;
      if (password?.value !== undefined && password.value !== '') {
        out.push({
          severity: 'high',
          message: `gcsFaultToleranceOptions.redisPassword.value holds the Redis password of ${cluster.label} as a literal${password.value === RAY1_DEFAULT_PASSWORD ? ` (Ray 1.x's public default)` : ''}`,
          at: password.at,
          clusterId: cluster.id,
          key: 'redisPassword.value',
        });
      }
      if (password?.secretRef) {
        const secret = findSecret(context.facts, password.secretRef.name, cluster.namespace, cluster.file);
        const entry = password.secretRef.key ? secret?.values.get(password.secretRef.key) : undefined;
        if (secret && entry && entry.value !== '') {
          out.push({
            severity: 'high',
            message: `Secret ${secret.name}, which holds the Redis password of ${cluster.label}, is written in the manifest (${entry.at.field})${entry.value === RAY1_DEFAULT_PASSWORD ? ` with Ray 1.x's public default ${RAY1_DEFAULT_PASSWORD}` : ''}`,
            at: entry.at,
            clusterId: cluster.id,
            key: `secret:${secret.name}`,
          });
        }
      }
    }
    return out;
  },
};
