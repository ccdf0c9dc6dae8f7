import { hexDigest } from '../../shared/digest.ts';
import { toSarif, type SarifResult, type SarifRule } from '../../shared/sarif.ts';
import type { Severity } from '../../shared/severity.ts';
import type { ReportFinding, ScanReport } from './scan-report.ts';

/**
 * SARIF 2.1.0 for code scanning: one rule per vulnerability, one result per affected package location.
 * Ignored findings are results with a suppression carrying the ignore's reason. SARIF has no "unknown"
 * level, so an unknown severity is sent as a note and says so in its message and properties.
 */
export function renderScanSarif(report: ScanReport): string {
  const rules = new Map<string, SarifRule>();
  const results: SarifResult[] = [];
  const suppressed: (string | undefined)[] = [];
  const add = (f: ReportFinding, suppression?: string) => {
    const severity: Severity = f.severity === 'unknown' ? 'info' : f.severity;
    if (!rules.has(f.id)) {
      rules.set(f.id, {
        id: f.id,
        name: f.id.replace(/[^A-Za-z0-9]/g, ''),
        shortDescription: f.summary ?? `${f.id} in ${f.package.name}`,
        helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(f.advisories[0]!)}`,
        help: [
          `Advisories: ${[...f.advisories, ...f.aliases].join(', ')}`,
          f.fixedIn ? `Fixed in ${f.fixedIn}.` : 'No fixed version is known.',
        ].join('\n'),
        severity,
        tags: ['security', 'vulnerability', ...(f.malicious ? ['malicious-package'] : [])],
      });
    }
    const locations = f.package.locations.length > 0 ? f.package.locations : [undefined];
    for (const location of locations) {
      results.push({
        ruleId: f.id,
        severity,
        message:
          `${f.package.name} ${f.package.version} is affected by ${f.id} (${f.severity}${f.score !== undefined ? ` ${f.score}` : ''})` +
          `${f.summary ? `: ${f.summary}` : ''}. ${f.fixedIn ? `Fixed in ${f.fixedIn}.` : 'No fixed version is known.'}`,
        ...(location ? { uri: location.path.replace(/^\/+/, '') } : {}),
        ...(location?.line ? { startLine: location.line } : {}),
        fingerprint: hexDigest('sha256', `${f.id}\u0000${f.package.id}\u0000${location?.path ?? ''}`),
        properties: {
          severity: f.severity,
          package: f.package.purl ?? `${f.package.name}@${f.package.version}`,
          advisories: f.advisories,
          aliases: f.aliases,
          ...(f.fixedIn ? { fixedIn: f.fixedIn } : {}),
        },
      });
      suppressed.push(suppression);
    }
  };
  for (const f of report.findings) add(f);
  for (const f of report.ignored) add(f, `Ignored until ${f.ignore.expires}: ${f.ignore.reason}`);
  const sarif = toSarif(
    { name: 'raygate', version: report.tool.version, informationUri: 'https://osv.dev' },
    [...rules.values()],
    results,
  ) as {
    runs: { results: Record<string, unknown>[] }[];
  };
  sarif.runs[0]!.results.forEach((result, i) => {
    const justification = suppressed[i];
    if (justification) result.suppressions = [{ kind: 'external', status: 'accepted', justification }];
  });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
