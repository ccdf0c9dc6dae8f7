import { compareSeverity, SEVERITIES, type Severity } from '../../shared/severity.ts';
import type { DeclaredConstraint, Location, Problem, ScanResult } from '../../sbom/model.ts';
import { finding } from './finding.ts';
import { checkIndexes } from './index-checks.ts';
import type { HashCoverage, PinFinding, PinKind, PinReport, PinSummary, RequirementPin } from './report.ts';
import { checkRequirement, type DeclaredPackage, isHashable } from './requirement-checks.ts';
import { PIN_RULES } from './rules.ts';

export interface PinAnalysisOptions {
  /** Tree path of the file the user named: file-level findings point at it. */
  rootFile?: string;
}

/** Codes meaning a file could not be read at all (the reader's or the scan's, not a cataloger's). */
const READ_FAILURES = new Set([
  'SBOM_FILE_TOO_LARGE',
  'SBOM_FILE_UNREADABLE',
  'SBOM_FORMAT_UNKNOWN',
  'SBOM_PATH_ESCAPES',
  'SBOM_CATALOGER_FAILED',
]);

/**
 * Judges how reproducible and safe the declared Python requirements of a scan are: per requirement
 * (exact pin, range, URL, VCS ref, editable, hashes) and overall (hash coverage, indexes, trust settings).
 * Works on any cataloger's `python-declared` packages, so lock formats are judged by the same rules.
 */
export function analyzePins(scan: ScanResult, options: PinAnalysisOptions = {}): PinReport {
  const declared = scan.packages.filter((p): p is DeclaredPackage => p.metadata.kind === 'python-declared');
  const constraints = unique(
    scan.constraints ?? [],
    (c) => `${c.location.path}:${c.location.line}:${c.name}`,
  );
  const installerOptions = scan.installerOptions ?? [];
  const requireHashes = installerOptions.some((o) => o.name === '--require-hashes');

  const findings: PinFinding[] = [];
  const requirements: RequirementPin[] = [];
  for (const pkg of sortByLocation(declared, (p) => p.locations[0])) {
    const checked = checkRequirement(pkg, constraints);
    requirements.push(checked.pin);
    findings.push(...checked.findings);
  }

  const coverage = checkHashCoverage(requirements, requireHashes, options.rootFile);
  findings.push(...coverage.findings);
  findings.push(
    ...checkIndexes(scan.indexes, installerOptions, {
      requirements: requirements.length,
      allHashed: coverage.coverage === 'all',
    }),
  );
  for (const problem of scan.problems) {
    if (problem.severity !== 'error') continue;
    findings.push(
      finding(PIN_RULES.unanalysed, `${problem.message} (${problem.code})`, {
        ...(problem.path ? { location: locationOf(problem) } : {}),
      }),
    );
  }
  findings.sort(compareFindings);

  const byKey = new Map(requirements.map((r) => [`${r.location.path}:${r.location.line}:${r.name}`, r]));
  for (const f of findings) {
    if (!f.package || !f.location) continue;
    const pin = byKey.get(`${f.location.path}:${f.location.line}:${f.package}`);
    if (pin && !pin.rules.includes(f.ruleId)) pin.rules.push(f.ruleId);
  }

  const files = new Set<string>();
  if (options.rootFile) files.add(options.rootFile);
  for (const l of [
    ...requirements.map((r) => r.location),
    ...constraints.map((c) => c.location),
    ...scan.indexes.map((i) => i.location),
    ...installerOptions.map((o) => o.location),
  ]) {
    if (l.path) files.add(l.path);
  }

  const report: PinReport = {
    files: [...files].sort(),
    summary: summarise(requirements, constraints, scan, findings, coverage.coverage, requireHashes),
    requirements,
    constraints,
    indexes: scan.indexes,
    installerOptions,
    findings,
    problems: scan.problems,
  };
  const unreadable = unreadableRoot(scan, options.rootFile, constraints.length + installerOptions.length);
  if (unreadable) report.unreadable = unreadable;
  return report;
}

/**
 * pip checks hashes for all requirements or none: with `--require-hashes` or any `--hash`, a requirement
 * without one stops the install. Each format is judged on its own (a lock cannot hash a VCS checkout).
 */
function checkHashCoverage(
  requirements: readonly RequirementPin[],
  requireHashes: boolean,
  rootFile: string | undefined,
): { coverage: HashCoverage; findings: PinFinding[] } {
  const findings: PinFinding[] = [];
  const hashable = requirements.filter(isHashable);
  if (hashable.length === 0) return { coverage: 'not-applicable', findings };
  const hashed = hashable.filter((r) => r.hashes > 0);
  const coverage: HashCoverage =
    hashed.length === hashable.length ? 'all' : hashed.length === 0 ? 'none' : 'partial';
  if (coverage === 'none' && !requireHashes) {
    const file = rootFile ?? hashable[0]!.location.path;
    findings.push(
      finding(
        PIN_RULES.noHashes,
        `None of the ${hashable.length} requirements has a hash: pip installs whatever file the index serves.`,
        { location: { path: file, line: 1 } },
      ),
    );
  } else if (coverage !== 'all') {
    const why = requireHashes
      ? '--require-hashes is set'
      : `${hashed.length} of ${hashable.length} requirements have hashes`;
    for (const r of hashable) {
      if (r.hashes > 0) continue;
      findings.push(
        finding(
          PIN_RULES.missingHash,
          `${r.rawName} has no hash while ${why}: pip refuses the install, uv installs it unverified.`,
          { location: r.location, package: r.name },
        ),
      );
    }
  }
  return { coverage, findings };
}

function summarise(
  requirements: readonly RequirementPin[],
  constraints: readonly DeclaredConstraint[],
  scan: ScanResult,
  findings: readonly PinFinding[],
  hashCoverage: HashCoverage,
  requireHashes: boolean,
): PinSummary {
  const byPin: Record<PinKind, number> = { exact: 0, range: 0, unpinned: 0, url: 0, vcs: 0, path: 0 };
  for (const r of requirements) byPin[r.pin]++;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  return {
    requirements: requirements.length,
    byPin,
    pinnedByConstraint: requirements.filter((r) => r.pinnedByConstraint).length,
    editable: requirements.filter((r) => r.editable).length,
    hashed: requirements.filter((r) => r.hashes > 0).length,
    hashCoverage,
    requireHashes,
    constraints: constraints.length,
    indexes: scan.indexes.length,
    findings: findings.length,
    bySeverity,
    byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => (a < b ? -1 : 1))),
    problems: scan.problems.length,
  };
}

/** The problem that explains why the named file gave nothing at all, if it gave nothing. */
function unreadableRoot(scan: ScanResult, rootFile: string | undefined, other: number): Problem | undefined {
  const found = scan.packages.length + scan.indexes.length + other;
  if (found > 0) return undefined;
  return scan.problems.find(
    (p) =>
      (rootFile === undefined || p.path === rootFile) &&
      (p.severity === 'error' || READ_FAILURES.has(p.code)),
  );
}

function locationOf(problem: Problem): Location {
  return { path: problem.path!, ...(problem.line !== undefined ? { line: problem.line } : {}) };
}

function compareFindings(a: PinFinding, b: PinFinding): number {
  return (
    compare(a.location?.path ?? '', b.location?.path ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    compare(a.ruleId, b.ruleId) ||
    compareSeverity(a.severity, b.severity) ||
    compare(a.package ?? a.subject ?? '', b.package ?? b.subject ?? '') ||
    compare(a.message, b.message)
  );
}

function sortByLocation<T>(items: readonly T[], locationOf: (item: T) => Location | undefined): T[] {
  return [...items].sort((a, b) => {
    const la = locationOf(a);
    const lb = locationOf(b);
    return compare(la?.path ?? '', lb?.path ?? '') || (la?.line ?? 0) - (lb?.line ?? 0);
  });
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
