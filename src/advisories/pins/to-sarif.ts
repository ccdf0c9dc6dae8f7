import { type SarifResult, type SarifRule, type SarifTool, toSarif } from '../../shared/sarif.ts';
import type { PinReport } from './report.ts';
import { ALL_PIN_RULES } from './rules.ts';

const RULES: readonly SarifRule[] = ALL_PIN_RULES.map((r) => ({
  id: r.id,
  name: r.name,
  shortDescription: r.title,
  fullDescription: r.description,
  help: r.fix,
  severity: r.severity,
  tags: ['security', 'supply-chain', 'python'],
}));

/**
 * SARIF 2.1.0 for code scanning: one result per finding at its file and line. Paths in the report should
 * already be relative to the repository root (see relocateReport).
 */
export function toPinsSarif(report: PinReport, tool: SarifTool): object {
  const results: SarifResult[] = report.findings.map((f) => {
    const result: SarifResult = {
      ruleId: f.ruleId,
      message: `${f.message} Fix: ${f.fix}`,
      severity: f.severity,
      fingerprint: [
        f.ruleId,
        f.location?.path ?? '',
        f.package ?? f.subject ?? String(f.location?.line ?? ''),
      ].join('|'),
    };
    if (f.location) {
      result.uri = encodeURI(f.location.path);
      if (f.location.line !== undefined) result.startLine = f.location.line;
    }
    if (f.package) result.properties = { package: f.package };
    return result;
  });
  return toSarif(tool, RULES, results);
}
