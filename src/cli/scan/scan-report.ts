import type { Assessment } from '../../advisories/assess.ts';
import type { Finding, IgnoredFinding } from '../../advisories/finding.ts';
import type { IgnoreOutcome, IgnoreRule } from '../../advisories/ignore.ts';
import { describeRange } from '../../advisories/match.ts';
import type { Problem, TargetDescription } from '../../sbom/model.ts';
import { SEVERITIES, type Severity } from '../../shared/severity.ts';

/** The machine-readable result of `raygate scan` (`--format json`), and what the other formats render. */
export interface ScanReport {
  tool: { name: 'raygate'; version: string };
  scannedAt: string;
  target: TargetDescription;
  advisorySource: Assessment['source'];
  summary: {
    packages: number;
    assessed: number;
    notAssessed: number;
    findings: Record<Severity | 'unknown', number>;
    ignored: number;
    expiredIgnores: number;
  };
  findings: ReportFinding[];
  ignored: (ReportFinding & { ignore: IgnoredFinding['rule'] })[];
  notAssessed: Assessment['notAssessed'];
  expiredIgnores: IgnoreRuleReport[];
  unusedIgnores: IgnoreRuleReport[];
  problems: { code: string; message: string; path?: string; advisory?: string; package?: string }[];
}

export interface ReportFinding {
  id: string;
  advisories: string[];
  aliases: string[];
  package: {
    id: string;
    name: string;
    version: string;
    ecosystem: string;
    purl?: string;
    locations: Finding['package']['locations'];
    /** The OSV ecosystem and name it was matched under (a conda package as its PyPI distribution). */
    matchedAs: { ecosystem: string; name: string; version: string; via?: string };
  };
  summary?: string;
  severity: Severity | 'unknown';
  score?: number;
  vector?: string;
  severitySource: string;
  malicious: boolean;
  affected: { advisory: string; ecosystem: string; range: string }[];
  fixedIn?: string;
  references: string[];
  published?: string;
  modified: string;
  firstSeen?: string;
}

export interface IgnoreRuleReport {
  id: string;
  reason: string;
  expires: string;
  purl?: string;
}

export function buildScanReport(parts: {
  version: string;
  now: Date;
  target: TargetDescription;
  assessment: Assessment;
  ignores: IgnoreOutcome;
  inventoryProblems: readonly Problem[];
}): ScanReport {
  const { assessment, ignores } = parts;
  const counts = Object.fromEntries([...SEVERITIES, 'unknown'].map((s) => [s, 0])) as Record<
    Severity | 'unknown',
    number
  >;
  for (const f of ignores.findings) counts[f.severity.severity]++;
  return {
    tool: { name: 'raygate', version: parts.version },
    scannedAt: parts.now.toISOString(),
    target: parts.target,
    advisorySource: assessment.source,
    summary: {
      packages: assessment.stats.packages,
      assessed: assessment.stats.assessed,
      notAssessed: assessment.stats.notAssessed,
      findings: counts,
      ignored: ignores.ignored.length,
      expiredIgnores: ignores.expired.length,
    },
    findings: ignores.findings.map(toReportFinding),
    ignored: ignores.ignored.map((i) => ({ ...toReportFinding(i.finding), ignore: i.rule })),
    notAssessed: assessment.notAssessed,
    expiredIgnores: ignores.expired.map(ruleReport),
    unusedIgnores: ignores.unused.map(ruleReport),
    problems: [
      ...parts.inventoryProblems.map((p) => ({
        code: p.code,
        message: p.message,
        ...(p.path ? { path: p.path } : {}),
      })),
      ...assessment.problems,
    ],
  };
}

function ruleReport(rule: IgnoreRule): IgnoreRuleReport {
  return {
    id: rule.id,
    reason: rule.reason,
    expires: rule.expires,
    ...(rule.purl ? { purl: rule.purl } : {}),
  };
}

export function toReportFinding(f: Finding): ReportFinding {
  const q = f.package.query;
  return {
    id: f.id,
    advisories: f.advisories,
    aliases: f.aliases,
    package: {
      id: f.package.id,
      name: f.package.name,
      version: f.package.version,
      ecosystem: f.package.ecosystem,
      ...(f.package.purl ? { purl: f.package.purl } : {}),
      locations: f.package.locations,
      matchedAs: {
        ecosystem: q.ecosystems[0]!,
        name: q.name,
        version: q.version,
        ...(q.via ? { via: q.via } : {}),
      },
    },
    ...(f.summary ? { summary: f.summary } : {}),
    severity: f.severity.severity,
    ...(f.severity.score !== undefined ? { score: f.severity.score } : {}),
    ...(f.severity.vector ? { vector: f.severity.vector } : {}),
    severitySource: f.severity.method,
    malicious: f.malicious,
    affected: f.ranges.map((r) => ({
      advisory: r.advisory,
      ecosystem: r.ecosystem,
      range: describeRange(r.range),
    })),
    ...(f.fixedIn ? { fixedIn: f.fixedIn } : {}),
    references: f.references,
    ...(f.published ? { published: f.published } : {}),
    modified: f.modified,
    ...(f.firstSeen ? { firstSeen: f.firstSeen } : {}),
  };
}
