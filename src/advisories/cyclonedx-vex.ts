import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import type { Severity } from '../shared/severity.ts';
import type { Finding, FindingPackage, IgnoredFinding } from './finding.ts';
import { describeRange } from './match.ts';
import type { AdvisorySeverity } from './severity.ts';

/**
 * Fills a CycloneDX BOM's `vulnerabilities` (VEX style) from raygate findings: one vulnerability per finding
 * (vulnerability × component), pointing at the component through its bom-ref, with ratings, references to
 * every alias, the matched range and the fixed version. Ignored findings are kept, with the ignore's reason
 * and expiry as the analysis, so a consumer sees the decision instead of a silent gap.
 *
 * `componentRef` maps a finding's package to the component the SBOM writer made for it; findings whose
 * package has no component are returned, so the caller can report them.
 */
export function attachFindingsToBom(
  bom: Models.Bom,
  findings: readonly Finding[],
  ignored: readonly IgnoredFinding[],
  componentRef: (pkg: FindingPackage) => Models.BomRef | undefined,
): { unattached: Finding[] } {
  const unattached: Finding[] = [];
  const add = (finding: Finding, ignore?: IgnoredFinding['rule']) => {
    const ref = componentRef(finding.package);
    if (!ref) {
      unattached.push(finding);
      return;
    }
    bom.vulnerabilities.add(toVulnerability(finding, ref, ignore));
  };
  for (const f of findings) add(f);
  for (const i of ignored) add(i.finding, i.rule);
  return { unattached };
}

function toVulnerability(
  finding: Finding,
  ref: Models.BomRef,
  ignore?: IgnoredFinding['rule'],
): Models.Vulnerability.Vulnerability {
  const osv = (id: string) =>
    id.startsWith('CVE-') && !finding.advisories.includes(id)
      ? new Models.Vulnerability.Source({
          name: 'NVD',
          url: `https://nvd.nist.gov/vuln/detail/${encodeURIComponent(id)}`,
        })
      : new Models.Vulnerability.Source({
          name: 'OSV',
          url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
        });
  const others = [...finding.advisories, ...finding.aliases].filter((id) => id !== finding.id);
  const vulnerability = new Models.Vulnerability.Vulnerability({
    bomRef: `${finding.id}@${finding.package.id}`,
    id: finding.id,
    source: osv(finding.id),
    ...(finding.summary ? { description: finding.summary } : {}),
    ...(finding.fixedIn
      ? { recommendation: `Upgrade ${finding.package.name} to ${finding.fixedIn} or later.` }
      : {}),
    ...(finding.published && validDate(finding.published) ? { published: new Date(finding.published) } : {}),
    ...(validDate(finding.modified) ? { updated: new Date(finding.modified) } : {}),
  });
  for (const id of others) vulnerability.references.add(new Models.Vulnerability.Reference(id, osv(id)));
  const rating = toRating(finding.severity);
  if (rating) vulnerability.ratings.add(rating);
  for (const url of finding.references) {
    if (/^https?:\/\//.test(url)) vulnerability.advisories.add(new Models.Vulnerability.Advisory(url));
  }
  const affect = new Models.Vulnerability.Affect(ref);
  affect.versions.add(
    new Models.Vulnerability.AffectedSingleVersion(finding.package.version, {
      status: Enums.Vulnerability.AffectStatus.Affected,
    }),
  );
  vulnerability.affects.add(affect);
  const props: [string, string][] = [
    [
      'raygate:matched-range',
      finding.ranges.map((r) => `${r.advisory} (${r.ecosystem}): ${describeRange(r.range)}`).join('; '),
    ],
    ['raygate:severity-source', finding.severity.method],
  ];
  if (finding.firstSeen) props.push(['raygate:first-seen', finding.firstSeen]);
  if (finding.malicious) props.push(['raygate:malicious', 'true']);
  for (const [name, value] of props) vulnerability.properties.add(new Models.Property(name, value));
  if (ignore) {
    vulnerability.analysis = new Models.Vulnerability.Analysis({
      detail: `Ignored by .raygate-ignore.yaml until ${ignore.expires}: ${ignore.reason}`,
    });
    vulnerability.analysis.response.add(Enums.Vulnerability.AnalysisResponse.WillNotFix);
  }
  return vulnerability;
}

const SEVERITY: Record<Severity | 'unknown', Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

function toRating(severity: AdvisorySeverity): Models.Vulnerability.Rating | undefined {
  const method =
    severity.method === 'CVSS_V4'
      ? Enums.Vulnerability.RatingMethod.CVSSv4
      : severity.method === 'CVSS_V3'
        ? severity.cvssVersion === '3.1'
          ? Enums.Vulnerability.RatingMethod.CVSSv31
          : Enums.Vulnerability.RatingMethod.CVSSv3
        : severity.method === 'CVSS_V2'
          ? Enums.Vulnerability.RatingMethod.CVSSv2
          : Enums.Vulnerability.RatingMethod.Other;
  return new Models.Vulnerability.Rating({
    severity: SEVERITY[severity.severity],
    method,
    ...(severity.score !== undefined ? { score: severity.score } : {}),
    ...(severity.vector ? { vector: severity.vector } : {}),
    ...(severity.method === 'malicious'
      ? { justification: 'OSV malicious-package record (MAL-): always critical' }
      : {}),
    ...(severity.method === 'database' ? { justification: "from the advisory database's own severity" } : {}),
    ...(severity.method === 'Ubuntu' ? { justification: 'Ubuntu priority' } : {}),
  });
}

function validDate(value: string): boolean {
  return !Number.isNaN(Date.parse(value));
}
