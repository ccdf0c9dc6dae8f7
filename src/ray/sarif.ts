import { toSarif, type SarifResult, type SarifRule, type SarifTool } from '../shared/sarif.ts';
import type { RayLintResult } from './lint.ts';
import { RAY_RULE_METADATA } from './rules/index.ts';

/** SARIF 2.1.0 for GitHub code scanning: one rule per Ray rule, results at file and line. */
export function rayLintSarif(result: RayLintResult, tool: SarifTool): object {
  const rules: SarifRule[] = RAY_RULE_METADATA.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: r.title,
    fullDescription: r.help,
    helpUri: r.helpUri,
    help: `${r.help}\n\nFix: ${r.fix}\n\n${r.helpUri}`,
    severity: r.severities[0]!,
    tags: ['security', 'ray', ...r.inputs],
  }));
  const results: SarifResult[] = result.findings.map((f) => ({
    ruleId: f.ruleId,
    message: `${f.message}${f.field ? ` [${f.field}]` : ''}. Fix: ${f.fix}`,
    severity: f.severity,
    ...(f.file ? { uri: f.file } : {}),
    ...(f.line !== undefined ? { startLine: f.line } : {}),
    fingerprint: f.fingerprint,
    properties: {
      severity: f.severity,
      ...(f.cluster ? { cluster: f.cluster } : {}),
      ...(f.advisories ? { advisories: f.advisories } : {}),
    },
  }));
  return toSarif(tool, rules, results);
}
