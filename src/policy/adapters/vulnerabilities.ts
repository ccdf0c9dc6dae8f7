import type { Assessment } from '../../advisories/assess.ts';
import type { Finding, FindingPackage, NotAssessed } from '../../advisories/finding.ts';
import type { Location } from '../../sbom/model.ts';
import type { NotAssessedEvidence, VulnerabilityEvidence, VulnerabilityFinding } from '../evidence.ts';

/** An advisory assessment (`assessPackages`) of one artifact's packages, as evidence. */
export function toVulnerabilityEvidence(assessment: Assessment): VulnerabilityEvidence {
  return {
    source: {
      kind: assessment.source.kind,
      location: assessment.source.location,
      ...(assessment.source.generation ? { generation: assessment.source.generation } : {}),
    },
    findings: assessment.findings.map(toFinding),
    notAssessed: assessment.notAssessed.map(toNotAssessed),
    problems: assessment.problems.map((p) => ({ code: p.code, message: p.message })),
  };
}

function toFinding(f: Finding): VulnerabilityFinding {
  return {
    id: f.id,
    advisories: [...f.advisories],
    aliases: [...f.aliases],
    package: toPackage(f.package),
    severity: f.severity.severity,
    ...(f.severity.score !== undefined ? { score: f.severity.score } : {}),
    ...(f.severity.vector !== undefined ? { vector: f.severity.vector } : {}),
    malicious: f.malicious,
    ...(f.fixedIn !== undefined ? { fixedIn: f.fixedIn } : {}),
    ...(f.summary !== undefined ? { summary: f.summary } : {}),
    ...(f.published !== undefined ? { published: f.published } : {}),
    modified: f.modified,
    ...(f.firstSeen !== undefined ? { firstSeen: f.firstSeen } : {}),
  };
}

function toPackage(p: FindingPackage): VulnerabilityFinding['package'] {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    version: p.version,
    ...(p.purl ? { purl: p.purl } : {}),
    locations: paths(p.locations),
  };
}

function toNotAssessed(n: NotAssessed): NotAssessedEvidence {
  return {
    package: {
      ecosystem: n.package.ecosystem,
      name: n.package.name,
      ...(n.package.version ? { version: n.package.version } : {}),
      ...(n.package.purl ? { purl: n.package.purl } : {}),
      locations: paths(n.package.locations),
    },
    reason: n.reason,
    detail: n.detail,
  };
}

function paths(locations: readonly Location[]): string[] {
  return [...new Set(locations.map((l) => l.path))].sort();
}
