import { renderTable } from '../table.ts';
import type { ReportFinding, ScanReport } from './scan-report.ts';

const SUMMARY_WIDTH = 60;

/** The human view of a scan: findings, then ignored ones, then what could not be assessed, then totals. */
export function renderScanTable(report: ScanReport): string {
  const out: string[] = [];
  const row = (f: ReportFinding, extra = '') => [
    f.severity.toUpperCase() + (f.score !== undefined ? ` ${f.score.toFixed(1)}` : ''),
    f.id,
    f.package.name,
    f.package.version,
    f.fixedIn ?? '-',
    f.package.locations[0]?.path ?? '-',
    clip((extra ? `${extra} ` : '') + (f.summary ?? f.advisories.join(' '))),
  ];
  const headers = ['SEVERITY', 'ID', 'PACKAGE', 'VERSION', 'FIXED IN', 'LOCATION', 'SUMMARY'];
  if (report.findings.length > 0)
    out.push(
      renderTable(
        headers,
        report.findings.map((f) => row(f)),
      ),
    );
  else out.push('No vulnerabilities found in the assessed packages.\n');
  if (report.ignored.length > 0) {
    out.push(`\nIgnored (${report.ignored.length}):\n`);
    out.push(
      renderTable(
        headers,
        report.ignored.map((f) => row(f, `[ignored until ${f.ignore.expires}: ${f.ignore.reason}]`)),
      ),
    );
  }
  if (report.notAssessed.length > 0) {
    out.push(
      `\nNot assessed (${report.notAssessed.length}) — no advisory source covers these, so they are not known to be clean:\n`,
    );
    out.push(
      renderTable(
        ['PACKAGE', 'VERSION', 'ECOSYSTEM', 'REASON'],
        report.notAssessed.map((n) => [
          n.package.name,
          n.package.version ?? '-',
          n.package.ecosystem,
          n.detail,
        ]),
      ),
    );
  }
  if (report.expiredIgnores.length > 0) {
    out.push(`\nExpired ignores (the scan fails until they are renewed or removed):\n`);
    out.push(
      renderTable(
        ['ID', 'EXPIRED', 'REASON'],
        report.expiredIgnores.map((r) => [r.id, r.expires, r.reason]),
      ),
    );
  }
  const s = report.summary;
  const counts = Object.entries(s.findings)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  out.push(
    `\n${s.packages} packages: ${s.assessed} assessed, ${s.notAssessed} not assessed. ` +
      `${report.findings.length} vulnerabilities${counts ? ` (${counts})` : ''}, ${s.ignored} ignored.\n`,
  );
  out.push(`Advisories: ${describeSource(report)}\n`);
  return out.join('');
}

function describeSource(report: ScanReport): string {
  const src = report.advisorySource;
  if (src.kind === 'online') return `OSV API at ${src.location}`;
  const ecosystems = Object.entries(src.ecosystems ?? {})
    .map(([e, s]) => `${e} ${s.records}`)
    .join(', ');
  return `local mirror ${src.location} (${src.generation}, imported ${src.importedAt}${ecosystems ? `; ${ecosystems}` : ''})`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_WIDTH ? `${line.slice(0, SUMMARY_WIDTH - 1)}…` : line;
}
