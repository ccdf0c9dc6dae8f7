import type { FindingDraft } from '../finding.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_NET_007: RayRule = {
  id: 'RAY-NET-007',
  name: 'host-exposure',
  title: 'Ray ports published on a host or opened in a security group',
  severities: ['critical', 'high', 'medium'],
  inputs: ['compose', 'shell', 'cluster-launcher'],
  help:
    '`docker run -p` / compose `ports:` publishing 6379, 8265, 10001 or 52365 on an address other than loopback, ' +
    'a head container on the host network (`--network host`, `network_mode: host`), or a cluster-launcher security ' +
    'group rule opening those ports to 0.0.0.0/0 or ::/0 make the cluster reachable from the network. Critical ' +
    'without token authentication, high with it. A launcher config on AWS that brings no SecurityGroupIds gets ' +
    "the launcher's default group, which opens SSH (22) to the world (ray autoscaler/_private/aws/config.py, " +
    '`_create_default_ssh_inbound_rules`; confirm against the Ray release you run): medium.',
  fix:
    'Publish Ray ports on 127.0.0.1 only (`-p 127.0.0.1:8265:8265`) or not at all, keep containers off the host ' +
    'network, and restrict security groups to known sources; on AWS bring your own SecurityGroupIds.',
  helpUri: DOCS.security,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const posture = context.posture(cluster);
      for (const e of posture.exposures) {
        if (e.ruleId !== 'RAY-NET-007') continue;
        const severity = e.sshOnly ? 'medium' : posture.auth.enabled ? 'high' : 'critical';
        out.push({
          severity,
          message: `${e.what} (${cluster.label}${e.sshOnly ? '' : `, token authentication ${posture.auth.enabled ? 'on' : 'off'}`})`,
          at: e.at,
          clusterId: cluster.id,
          ...(e.sshOnly
            ? {
                fix: 'Set node_config.SecurityGroupIds on every node type to a group that admits SSH only from known addresses (or use SSM).',
              }
            : {}),
        });
      }
    }
    return out;
  },
};
