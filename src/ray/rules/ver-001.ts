import { severityRank, type Severity } from '../../shared/severity.ts';
import { configDependent } from '../advisories/config-dependent.ts';
import { advisoryIds, displayId, type RayAdvisory } from '../advisories/port.ts';
import type { FindingDraft } from '../finding.ts';
import type { RayVersionClaim } from '../model.ts';
import { compareVersions, isVersion, versionAtLeast, versionBelow } from '../versions.ts';
import { DOCS, where, type RayRule } from './rule.ts';

/**
 * Fixes raygate knows without an advisory database (ray-security research, from the PyPA and GitHub records).
 * `rayData` entries matter only where Ray Data is installed: its decoders are where the bug is.
 */
const KNOWN_FIXES: readonly {
  from?: string;
  below: string;
  ids: readonly string[];
  severity: Severity;
  what: string;
  rayData?: boolean;
}[] = [
  {
    below: '2.8.1',
    ids: ['CVE-2023-6019', 'CVE-2023-6020', 'CVE-2023-6021', 'CVE-2026-32981'],
    severity: 'critical',
    what: 'unauthenticated command injection and file reads through the dashboard',
  },
  { below: '2.43.0', ids: ['CVE-2025-1979'], severity: 'medium', what: 'the Redis password written to logs' },
  {
    below: '2.52.0',
    ids: ['CVE-2025-62593'],
    severity: 'critical',
    what: 'Jobs API code execution from a browser through DNS rebinding (reported on CISA KEV)',
  },
  {
    below: '2.54.0',
    ids: ['CVE-2026-27482'],
    severity: 'medium',
    what: 'unauthenticated DELETE shuts Serve down or deletes jobs',
  },
  {
    from: '2.49.0',
    below: '2.55.0',
    ids: ['CVE-2026-41486'],
    severity: 'high',
    what: 'Parquet tensor metadata passed to cloudpickle (Ray Data)',
    rayData: true,
  },
  {
    below: '2.56.0',
    ids: ['CVE-2026-57516'],
    severity: 'high',
    what: 'read_webdataset unpickles tar members (Ray Data)',
    rayData: true,
  },
];

/** Every fix above is in this release. */
export const RAY_SAFE_FLOOR = '2.56.0';

const SOURCE_ORDER: Record<RayVersionClaim['source'], number> = { sbom: 0, rayVersion: 1, pip: 2, image: 3 };

function describeClaim(claim: RayVersionClaim): string {
  switch (claim.source) {
    case 'sbom':
      return `installed (${claim.at.file})`;
    case 'rayVersion':
      return 'spec.rayVersion';
    case 'pip':
      return 'pip install';
    case 'image':
      return `image ${claim.image ?? ''}`.trim();
  }
}

export const RAY_VER_001: RayRule = {
  id: 'RAY-VER-001',
  name: 'ray-version-vulnerable',
  title: 'Ray version with known vulnerabilities',
  severities: ['critical', 'high', 'medium', 'low'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell'],
  help:
    'The Ray version an image, SBOM, spec.rayVersion, image tag or pip pin names has published vulnerabilities. ' +
    `Below 2.52.0 it is critical (CVE-2025-62593, and below 2.8.1 the dashboard command-injection CVEs); 2.52–2.55 ` +
    'carry the Ray Data deserialisation bugs (high where Ray Data is installed — Ray images ship ray[all] — low ' +
    `otherwise) and, below 2.54.0, an availability bug. ${RAY_SAFE_FLOOR} carries every fix known here. With ` +
    '--advisories, OSV records add their ids and severities. The disputed ShadowRay-class records ' +
    '(CVE-2023-48022, CVE-2025-34351) are not version findings: raygate decides them from the configuration and ' +
    'writes the verdict as OpenVEX.',
  fix: `Upgrade Ray to ${RAY_SAFE_FLOOR} or later in the image, spec.rayVersion and every pin.`,
  helpUri: DOCS.security,
  check(context) {
    const out: FindingDraft[] = [];
    const groups = new Map<string, RayVersionClaim[]>();
    for (const claim of context.facts.versions) {
      if (!isVersion(claim.version)) continue;
      const key = `${claim.clusterId ?? claim.at.file}\u0000${claim.version}`;
      const list = groups.get(key) ?? [];
      list.push(claim);
      groups.set(key, list);
    }
    for (const claims of groups.values()) {
      claims.sort(
        (a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || (a.at.line ?? 0) - (b.at.line ?? 0),
      );
      const primary = claims[0]!;
      const version = primary.version;
      const rayData = claims.some((c) => c.rayData);
      const known = KNOWN_FIXES.filter(
        (f) => versionBelow(version, f.below) && (!f.from || versionAtLeast(version, f.from)),
      );
      const advisories = (context.advisories.get(version) ?? []).filter((a) => !configDependent(a));
      if (known.length === 0 && advisories.length === 0) continue;

      const severities: Severity[] = known.map((f) => (f.rayData && !rayData ? 'low' : f.severity));
      for (const a of advisories) if (a.severity) severities.push(a.severity);
      const severity = severities.sort((a, b) => severityRank(b) - severityRank(a))[0]!;
      const ids = mergeIds(
        known.flatMap((f) => f.ids),
        advisories,
      );
      const fixes = [
        ...known.map((f) => f.below),
        ...advisories.map((a) => a.fixed).filter((f): f is string => !!f),
      ];
      const target = fixes.sort((a, b) => compareVersions(b, a) ?? 0)[0];
      const unfixed = advisories.filter((a) => !a.fixed).map(displayId);
      const others = claims.slice(1).map((c) => where(c.at));
      const whats = known.map((f) =>
        f.rayData && !rayData ? `${f.what}, if Ray Data is installed` : f.what,
      );
      out.push({
        severity,
        message:
          `Ray ${version} (${describeClaim(primary)}) has known vulnerabilities: ${ids.join(', ')}` +
          (whats.length > 0 ? ` — ${whats.join('; ')}` : '') +
          (others.length > 0 ? `. Same version also at ${others.join(', ')}` : '') +
          '.',
        at: primary.at,
        fix:
          `Upgrade Ray to ${target && versionAtLeast(target, RAY_SAFE_FLOOR) ? target : RAY_SAFE_FLOOR} or later` +
          (unfixed.length > 0 ? ` (no fixed release yet for ${unfixed.join(', ')})` : '') +
          ', in the image tag, spec.rayVersion and every pin together.',
        ...(primary.clusterId ? { clusterId: primary.clusterId } : {}),
        advisories: ids,
        key: version,
      });
    }
    return out;
  },
};

/** Known CVE ids and advisory ids, one entry per vulnerability. */
function mergeIds(known: readonly string[], advisories: readonly RayAdvisory[]): string[] {
  const out: string[] = [];
  const covered = new Set<string>();
  for (const a of advisories) {
    const ids = advisoryIds(a);
    out.push(displayId(a));
    for (const i of ids) covered.add(i);
  }
  for (const id of known) if (!covered.has(id)) out.push(id);
  return [...new Set(out)].sort();
}
