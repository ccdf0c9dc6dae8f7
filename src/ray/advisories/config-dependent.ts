import type { RayAdvisory } from './port.ts';

/**
 * Advisories whose exposure depends on how a cluster is deployed rather than on the installed version:
 * the vendor disputes them as "Ray is not meant to be reachable from untrusted networks", databases record
 * every version as affected (or an arbitrary last one), and they are exploited in the wild when clusters are
 * left open. raygate decides them from the configuration rules: token authentication on every node
 * (RAY-AUTH-002) and nothing reachable beyond the cluster (RAY-NET-005 … RAY-NET-008).
 */
export interface ConfigDependentAdvisory {
  name: string;
  aliases: readonly string[];
  title: string;
  /** The VEX justification when the configuration mitigates it. */
  justification: 'vulnerable_code_cannot_be_controlled_by_adversary' | 'inline_mitigations_already_exist';
  /** Rules whose passing mitigates it. */
  mitigatedBy: readonly string[];
}

export const CONFIG_DEPENDENT_ADVISORIES: readonly ConfigDependentAdvisory[] = [
  {
    name: 'CVE-2023-48022',
    aliases: ['GHSA-6wgj-66m2-xxp2', 'GHSA-xg2h-7cxj-3gvh', 'PYSEC-2026-517'],
    title:
      'ShadowRay: arbitrary code execution through the unauthenticated Jobs API (disputed by the vendor)',
    justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
    mitigatedBy: ['RAY-AUTH-002', 'RAY-NET-005', 'RAY-NET-006', 'RAY-NET-007', 'RAY-NET-008'],
  },
  {
    name: 'CVE-2025-34351',
    aliases: ['GHSA-gx77-xgc2-4888', 'PYSEC-2026-518'],
    title: 'Token authentication is disabled unless RAY_AUTH_MODE=token (insecure default)',
    justification: 'inline_mitigations_already_exist',
    mitigatedBy: ['RAY-AUTH-002', 'RAY-NET-005', 'RAY-NET-006', 'RAY-NET-007', 'RAY-NET-008'],
  },
];

/** The configuration-dependent entry an advisory belongs to, by any of its ids. */
export function configDependent(
  advisory: Pick<RayAdvisory, 'id' | 'aliases'>,
): ConfigDependentAdvisory | undefined {
  const ids = new Set([advisory.id, ...advisory.aliases]);
  return CONFIG_DEPENDENT_ADVISORIES.find((c) => ids.has(c.name) || c.aliases.some((a) => ids.has(a)));
}
