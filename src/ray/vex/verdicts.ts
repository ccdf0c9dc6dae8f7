import { CONFIG_DEPENDENT_ADVISORIES, type ConfigDependentAdvisory } from '../advisories/config-dependent.ts';
import type { RayClusterFacts, RayFacts, SourceRef } from '../model.ts';
import type { ClusterPosture } from '../posture.ts';
import { where } from '../rules/rule.ts';

/**
 * Decides the configuration-dependent advisories (CVE-2023-48022 "ShadowRay", CVE-2025-34351) for each cluster
 * from the same posture the rules use: mitigated when token authentication protects the head and nothing makes
 * the Ray control ports reachable beyond the cluster (dashboard on loopback, no Service/Ingress/published port,
 * a NetworkPolicy on Kubernetes) — exactly when RAY-AUTH-002 and RAY-NET-005 … RAY-NET-008 pass. Open otherwise.
 * When raygate cannot see the authentication mode (read from a Secret), or sees only an SBOM and no deployment,
 * the verdict stays under investigation.
 */

export type VerdictStatus = 'not_affected' | 'affected' | 'under_investigation';

export interface AdvisoryVerdict {
  vulnerability: string;
  aliases: string[];
  title: string;
  status: VerdictStatus;
  justification?: ConfigDependentAdvisory['justification'];
  /** The cluster judged; absent when no deployment configuration was given. */
  cluster?: { id: string; label: string; file: string };
  /** Ray version of the cluster (spec.rayVersion, an image tag, a pin, or the SBOM). */
  rayVersion?: string;
  /** What the verdict rests on, one line each, with file and line. */
  evidence: string[];
  /** Rules that fail for the cluster and what to change. */
  failing: { ruleId: string; reason: string }[];
}

export function computeVerdicts(
  facts: RayFacts,
  posture: (cluster: RayClusterFacts) => ClusterPosture,
  versions: readonly string[],
): AdvisoryVerdict[] {
  const out: AdvisoryVerdict[] = [];
  const clusters = facts.clusters.filter((c) => c.nodes.some((n) => n.role === 'head'));
  for (const advisory of CONFIG_DEPENDENT_ADVISORIES) {
    if (clusters.length === 0) {
      if (versions.length === 0) continue;
      for (const version of versions) {
        out.push({
          ...base(advisory),
          status: 'under_investigation',
          rayVersion: version,
          evidence: [
            `ray ${version} is installed, but no deployment configuration was given to judge authentication and exposure`,
          ],
          failing: [],
        });
      }
      continue;
    }
    for (const cluster of clusters)
      out.push(judge(advisory, cluster, posture(cluster), versionOf(cluster, facts)));
  }
  return out;
}

function base(advisory: ConfigDependentAdvisory) {
  return { vulnerability: advisory.name, aliases: [...advisory.aliases], title: advisory.title };
}

function versionOf(cluster: RayClusterFacts, facts: RayFacts): string | undefined {
  if (cluster.rayVersion) return cluster.rayVersion.value;
  const claim =
    facts.versions.find((v) => v.clusterId === cluster.id) ?? facts.versions.find((v) => v.source === 'sbom');
  return claim?.version;
}

function ref(at: SourceRef | undefined): string {
  return at ? `${where(at)}${at.field ? ` (${at.field})` : ''}` : '';
}

function judge(
  advisory: ConfigDependentAdvisory,
  cluster: RayClusterFacts,
  p: ClusterPosture,
  version: string | undefined,
): AdvisoryVerdict {
  const failing: AdvisoryVerdict['failing'] = [];
  const evidence: string[] = [];
  if (p.auth.enabled) {
    evidence.push(
      p.auth.viaAuthOptions
        ? `token authentication on through KubeRay authOptions at ${ref(p.auth.viaAuthOptions)}`
        : `RAY_AUTH_MODE=token on every head: ${p.auth.evidence.map(ref).join(', ')}`,
    );
  } else if (!p.auth.unseen || p.auth.unsupportedVersion) {
    failing.push({
      ruleId: 'RAY-AUTH-002',
      reason: 'token authentication is off (set RAY_AUTH_MODE=token / authOptions on every node)',
    });
  }
  for (const e of p.exposures) {
    if (e.sshOnly) continue;
    failing.push({ ruleId: e.ruleId, reason: `${e.what} at ${ref(e.at)}` });
  }
  if (!p.exposures.some((e) => e.ruleId === 'RAY-NET-005'))
    evidence.push('the dashboard and Jobs API listen on loopback only');
  if (!p.exposures.some((e) => e.ruleId !== 'RAY-NET-005' && !e.sshOnly))
    evidence.push('no Service, Ingress, published port or security-group rule exposes the Ray control ports');
  if (cluster.kind === 'kuberay') {
    if (p.isolated) evidence.push(`ingress to the head is restricted at ${ref(p.isolation)}`);
    else
      failing.push({ ruleId: 'RAY-NET-008', reason: 'no NetworkPolicy restricts ingress to the Ray pods' });
  }
  const status: VerdictStatus =
    failing.length > 0
      ? 'affected'
      : p.auth.unseen && !p.auth.enabled
        ? 'under_investigation'
        : 'not_affected';
  if (status === 'under_investigation')
    evidence.push('RAY_AUTH_MODE comes from a Secret, ConfigMap or expansion raygate cannot read');
  return {
    ...base(advisory),
    status,
    ...(status === 'not_affected' ? { justification: advisory.justification } : {}),
    cluster: { id: cluster.id, label: cluster.label, file: cluster.file },
    ...(version ? { rayVersion: version } : {}),
    evidence,
    failing,
  };
}
