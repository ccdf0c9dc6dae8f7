import type { FindingDraft } from '../finding.ts';
import { findConfigMap } from '../parse/lookup.ts';
import { rec } from '../parse/nav.ts';
import { versionBelow, versionInRange } from '../versions.ts';
import { DOCS, where, type RayRule } from './rule.ts';

const UNSAFE = new Map([
  [
    'RAY_DATA_AUTOLOAD_CLOUDPICKLE_TENSOR_METADATA',
    'cloudpickle for Parquet tensor metadata (CVE-2026-41486, ray PR #62056)',
  ],
  [
    'RAY_DATA_WEBDATASET_ALLOW_UNSAFE_DESERIALIZATION',
    'pickle and torch.load for WebDataset members (CVE-2026-57516, ray PRs #63469/#63470)',
  ],
]);

function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

export const RAY_DESER_011: RayRule = {
  id: 'RAY-DESER-011',
  name: 'unsafe-deserialization',
  title: 'Unsafe deserialisation turned back on in Ray Data',
  severities: ['high', 'medium'],
  inputs: ['kubernetes', 'serve-config', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'Ray 2.55 and 2.56 stopped unpickling Parquet tensor metadata and WebDataset members unless ' +
    'RAY_DATA_AUTOLOAD_CLOUDPICKLE_TENSOR_METADATA=1 or RAY_DATA_WEBDATASET_ALLOW_UNSAFE_DESERIALIZATION=1 is set; ' +
    'either brings back code execution from a crafted file (high, in any environment or runtime_env). Code mounted ' +
    'from a ConfigMap that calls read_webdataset on Ray < 2.56 or read_parquet on Ray 2.49–2.54 is medium: ' +
    'exploitable only when the files come from someone else, which raygate cannot tell.',
  fix: 'Unset the variable; convert old Parquet files with JSON tensor metadata and read only trusted WebDataset archives, on Ray 2.56.0 or later.',
  helpUri: DOCS.security,
  check(context) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const { env, clusterId } of context.facts.envSettings) {
      const what = UNSAFE.get(env.name);
      if (!what || env.source !== 'literal' || !truthy(env.value)) continue;
      const seenKey = `${where(env.at)}:${env.name}`;
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const key = `${env.at.field}:${env.name}`;
      out.push({
        severity: 'high',
        message: `${env.name}=${env.value} re-enables ${what}`,
        at: env.at,
        ...(clusterId ? { clusterId } : {}),
        key,
      });
    }
    for (const runtimeEnv of context.facts.runtimeEnvs) {
      const vars = rec(runtimeEnv.value.env_vars);
      for (const [name, value] of Object.entries(vars ?? {})) {
        const what = UNSAFE.get(name);
        if (!what || !truthy(String(value))) continue;
        out.push({
          severity: 'high',
          message: `${runtimeEnv.origin} sets ${name}=${String(value)} in env_vars, re-enabling ${what}`,
          at: {
            file: runtimeEnv.at.file,
            line: runtimeEnv.lineOf(['env_vars', name]) ?? runtimeEnv.at.line,
            field: `env_vars.${name}`,
          },
          ...(runtimeEnv.clusterId ? { clusterId: runtimeEnv.clusterId } : {}),
          key: `${runtimeEnv.origin}:${name}`,
        });
      }
    }
    for (const cluster of context.facts.clusters) {
      const version = cluster.rayVersion?.value;
      if (!version) continue;
      const webdataset = versionBelow(version, '2.56.0');
      const parquet = versionInRange(version, '2.49.0', '2.55.0');
      if (!webdataset && !parquet) continue;
      const mounted = new Set(
        cluster.nodes.flatMap((n) =>
          (n.pod?.volumes ?? []).filter((v) => v.kind === 'configMap' && v.source).map((v) => v.source!),
        ),
      );
      for (const name of mounted) {
        const configMap = findConfigMap(context.facts, name, cluster.namespace, cluster.file);
        if (!configMap) continue;
        for (const [key, entry] of configMap.data) {
          const calls = [
            ...(webdataset && /\bread_webdataset\s*\(/.test(entry.value)
              ? ['read_webdataset (CVE-2026-57516, fixed in 2.56.0)']
              : []),
            ...(parquet && /\bread_parquet\s*\(/.test(entry.value)
              ? ['read_parquet (CVE-2026-41486, fixed in 2.55.0)']
              : []),
          ];
          if (calls.length === 0) continue;
          out.push({
            severity: 'medium',
            message: `${configMap.name}/${key}, mounted into ${cluster.label}, calls ${calls.join(' and ')} on Ray ${version}; a crafted file from an untrusted source runs code`,
            at: entry.at,
            fix: 'Upgrade Ray to 2.56.0 or later, or read only files you produced yourself.',
            clusterId: cluster.id,
            key: `${configMap.name}/${key}`,
          });
        }
      }
    }
    return out;
  },
};
