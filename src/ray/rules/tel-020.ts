import type { FindingDraft } from '../finding.ts';
import { envOf } from '../posture.ts';
import { isFalseValue } from '../shell/ray-start.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_TEL_020: RayRule = {
  id: 'RAY-TEL-020',
  name: 'telemetry-and-debugger',
  title: 'Usage stats left on, or the Ray debugger opened to the network',
  severities: ['medium', 'info'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'Ray sends usage statistics unless --disable-usage-stats or RAY_USAGE_STATS_ENABLED=0 is given (on by default ' +
    'since 1.13): info, for environments that forbid outbound telemetry. `ray start --ray-debugger-external` makes ' +
    'the (legacy, RAY_DEBUG=legacy) Ray debugger listen beyond the node, where anyone who connects gets a Python ' +
    'prompt inside a task: medium. The exact behaviour of the flag is documented only in `ray start --help`; ' +
    'check it for the Ray version you ship.',
  fix: 'Start the head with --disable-usage-stats (or RAY_USAGE_STATS_ENABLED=0) where telemetry is not allowed; drop --ray-debugger-external outside development.',
  helpUri: DOCS.usageStats,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      for (const node of cluster.nodes) {
        const debuggerFlag = node.start?.flags.get('ray-debugger-external');
        if (debuggerFlag && !isFalseValue(debuggerFlag.value)) {
          out.push({
            severity: 'medium',
            message: `${node.label} of ${cluster.label} starts with --ray-debugger-external: the Ray debugger accepts connections from other machines`,
            at: debuggerFlag.at,
            clusterId: cluster.id,
            key: `${node.label}:debugger`,
          });
        }
        if (node.role !== 'head' || !node.start) continue;
        const disabled =
          node.start.flags.has('disable-usage-stats') ||
          envOf(node, 'RAY_USAGE_STATS_ENABLED')?.value === '0';
        if (disabled) continue;
        out.push({
          severity: 'info',
          message: `${cluster.label} sends Ray usage statistics (no --disable-usage-stats, no RAY_USAGE_STATS_ENABLED=0 on the head)`,
          at: node.start.at,
          clusterId: cluster.id,
          key: 'usage-stats',
        });
      }
    }
    return out;
  },
};
