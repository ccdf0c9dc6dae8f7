import { atLeast } from '../../shared/severity.ts';
import type { ReasonSubject } from '../decision.ts';
import type { ArtifactEvidence, RayEvidence, VulnerabilityFinding } from '../evidence.ts';
import { parseExpiry } from '../expiry.ts';
import { packageLabel, packageMatches } from '../package-ref.ts';
import type { VulnerabilitiesRule, VulnerabilityIgnore } from '../policy.ts';
import { handled, plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';
import { artifactSubject, describeArtifact, noArtifact, selectArtifacts } from './select.ts';

/**
 * Vulnerability findings of each selected artifact against the rule's thresholds. A malicious package
 * fails whatever the thresholds, ignores and exceptions say. An ignore past its expiry fails the rule, as
 * in `.raygate-ignore.yaml`: an acceptance cannot outlive its review date silently.
 */
export function checkVulnerabilities({
  rule,
  evidence,
  now,
}: FamilyInput<VulnerabilitiesRule>): FamilyOutcome {
  const drafts: Draft[] = [];
  const ignores = rule.ignore.map((i) => ({ ...i, expiresAt: parseExpiry(i.expires) }));
  for (const ignore of ignores) {
    if (ignore.expiresAt && ignore.expiresAt.getTime() > now.getTime()) continue;
    drafts.push({
      kind: 'fail',
      code: 'VULN_IGNORE_EXPIRED',
      message: `The ignore of ${ignore.id}${ignore.purl ? ` in ${ignore.purl}` : ''} expired on ${ignore.expires} ("${ignore.reason}"): review it and renew or remove it.`,
      subject: { advisory: ignore.id, ...(ignore.purl ? { package: ignore.purl } : {}), field: 'ignore' },
    });
  }
  const active = ignores.filter((i) => i.expiresAt && i.expiresAt.getTime() > now.getTime());
  const artifacts = selectArtifacts(evidence, rule.artifacts);
  if (artifacts.length === 0) drafts.push(noArtifact(rule.artifacts));
  let findings = 0;
  for (const artifact of artifacts) {
    const assessment = artifact.vulnerabilities;
    if (!assessment) {
      drafts.push(
        ...handled(rule.missing, {
          code: 'VULN_ASSESSMENT_MISSING',
          message: `${describeArtifact(artifact)} has no vulnerability assessment.`,
          subject: artifactSubject(artifact),
        }),
      );
      continue;
    }
    findings += assessment.findings.length;
    for (const finding of assessment.findings) {
      drafts.push(...judgeFinding(rule, artifact, finding, active, evidence.ray));
    }
    for (const skipped of assessment.notAssessed) {
      drafts.push(
        ...handled(rule.notAssessed, {
          code: 'VULN_PACKAGE_NOT_ASSESSED',
          message: `${packageLabel(skipped.package)} in ${describeArtifact(artifact)} could not be assessed (${skipped.reason}): ${skipped.detail}.`,
          subject: { ...artifactSubject(artifact), package: packageLabel(skipped.package) },
        }),
      );
    }
    for (const problem of assessment.problems) {
      drafts.push({
        kind: 'info',
        code: 'VULN_SOURCE_PROBLEM',
        message: `The advisory source reported for ${describeArtifact(artifact)}: ${problem.message} (${problem.code}).`,
        subject: artifactSubject(artifact),
      });
    }
  }
  return { drafts, checked: `${plural(artifacts.length, 'artifact')}, ${plural(findings, 'finding')}` };
}

function judgeFinding(
  rule: VulnerabilitiesRule,
  artifact: ArtifactEvidence,
  finding: VulnerabilityFinding,
  ignores: readonly (VulnerabilityIgnore & { expiresAt?: Date })[],
  ray: RayEvidence | undefined,
): Draft[] {
  const pkg = packageLabel(finding.package);
  const subject: ReasonSubject = {
    ...artifactSubject(artifact),
    package: pkg,
    advisory: finding.id,
    ...(finding.aliases.length > 0 || finding.advisories.length > 1
      ? { advisoryAliases: ids(finding).filter((id) => id !== finding.id) }
      : {}),
  };
  const where = `${finding.id} in ${pkg} of ${describeArtifact(artifact)}`;
  if (finding.malicious) {
    return [
      {
        kind: 'fail',
        code: 'VULN_MALICIOUS',
        message: `${pkg} in ${describeArtifact(artifact)} is a known malicious package (${finding.advisories.join(', ')}): remove it and treat the build as compromised.`,
        subject,
      },
    ];
  }
  const ignore = ignores.find((i) => ignoreMatches(i, finding, pkg));
  if (ignore) {
    return [
      {
        kind: 'info',
        code: 'VULN_IGNORED',
        message: `${where} is ignored until ${ignore.expires}: ${ignore.reason}`,
        subject,
      },
    ];
  }
  if (rule.rayVerdicts) {
    const verdict = notAffectedVerdict(finding, ray);
    if (verdict) {
      return [
        {
          kind: 'info',
          code: 'VULN_NOT_AFFECTED',
          message: `${where}: the Ray deployment is judged not affected (${verdict}).`,
          subject,
        },
      ];
    }
  }
  const rating = describeRating(finding);
  const unknown = finding.severity === 'unknown' && finding.score === undefined;
  const over =
    (rule.severity !== undefined &&
      finding.severity !== 'unknown' &&
      atLeast(finding.severity, rule.severity)) ||
    (rule.cvss !== undefined && finding.score !== undefined && finding.score >= rule.cvss);
  if (!over && !unknown) return [];
  if (unknown && rule.unknownSeverity === 'ignore') return [];
  if (rule.fix === 'available' && !finding.fixedIn) {
    return [
      {
        kind: 'info',
        code: 'VULN_NO_FIX',
        message: `${where} (${rating}) has no fixed version yet; not counted (fix: available).`,
        subject,
      },
    ];
  }
  if (rule.fix === 'unavailable' && finding.fixedIn) return [];
  const fix = finding.fixedIn ? `; fixed in ${finding.fixedIn}` : '; no fixed version yet';
  if (unknown) {
    return handled(rule.unknownSeverity, {
      code: 'VULN_SEVERITY_UNKNOWN',
      message: `${where} has no severity rating${fix}.`,
      subject,
    });
  }
  return [
    {
      kind: 'violation',
      code: 'VULN_SEVERITY',
      message: `${where} is ${rating}, at or above the policy's ${threshold(rule)}${fix}.`,
      subject,
    },
  ];
}

function ids(finding: VulnerabilityFinding): string[] {
  return [...new Set([finding.id, ...finding.advisories, ...finding.aliases])].sort();
}

function ignoreMatches(ignore: VulnerabilityIgnore, finding: VulnerabilityFinding, pkg: string): boolean {
  const wanted = ignore.id.toUpperCase();
  if (!ids(finding).some((id) => id.toUpperCase() === wanted)) return false;
  return ignore.purl === undefined || packageMatches(ignore.purl, pkg);
}

/** The verdict text when every Ray cluster judged for one of the finding's ids is not affected. */
function notAffectedVerdict(finding: VulnerabilityFinding, ray: RayEvidence | undefined): string | undefined {
  if (!ray) return undefined;
  const wanted = new Set(ids(finding).map((id) => id.toUpperCase()));
  const verdicts = ray.verdicts.filter((v) =>
    [v.vulnerability, ...v.aliases].some((id) => wanted.has(id.toUpperCase())),
  );
  if (verdicts.length === 0 || verdicts.some((v) => v.status !== 'not_affected')) return undefined;
  return verdicts.map((v) => `${v.vulnerability}: ${v.cluster ?? 'the deployment'}`).join('; ');
}

function describeRating(finding: VulnerabilityFinding): string {
  const score = finding.score !== undefined ? `CVSS ${finding.score.toFixed(1)}` : undefined;
  if (finding.severity === 'unknown') return score ?? 'unrated';
  return score ? `${finding.severity} (${score})` : finding.severity;
}

function threshold(rule: VulnerabilitiesRule): string {
  const parts: string[] = [];
  if (rule.severity) parts.push(`severity ${rule.severity}`);
  if (rule.cvss !== undefined) parts.push(`CVSS ${rule.cvss}`);
  return parts.join(' or ');
}
