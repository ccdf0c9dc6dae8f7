import { atLeast } from '../../shared/severity.ts';
import type { RayRule } from '../policy.ts';
import { handled, plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';

/** Ray deployment hardening (`raygate ray lint`): selected rule ids or severities, and affected advisories. */
export function checkRay({ rule, evidence }: FamilyInput<RayRule>): FamilyOutcome {
  const ray = evidence.ray;
  if (!ray) {
    return {
      drafts: handled(rule.missing, {
        code: 'RAY_NOT_EVALUATED',
        message: 'The release carries no Ray deployment evidence: hardening rules were not run.',
        subject: {},
      }),
      checked: 'no deployment files',
    };
  }
  const drafts: Draft[] = [];
  for (const id of rule.ids) {
    if (ray.rules.includes(id)) continue;
    drafts.push({
      kind: 'violation',
      code: 'RAY_RULE_NOT_RUN',
      message: `${id} did not run, so the deployment was not checked for it.`,
      subject: { finding: id },
    });
  }
  if (ray.files.length === 0) {
    drafts.push({
      kind: 'warn',
      code: 'RAY_NO_FILES',
      message: 'No deployment file was read: the hardening rules had nothing to check.',
      subject: {},
    });
  }
  for (const finding of ray.findings) {
    if (rule.exclude.includes(finding.ruleId)) continue;
    const over = rule.severity !== undefined && atLeast(finding.severity, rule.severity);
    if (!over && !rule.ids.includes(finding.ruleId)) continue;
    const at = finding.file
      ? ` (${finding.file}${finding.line !== undefined ? `:${finding.line}` : ''}${finding.field ? `, ${finding.field}` : ''})`
      : '';
    drafts.push({
      kind: 'violation',
      code: 'RAY_FINDING',
      message: `${finding.ruleId} ${finding.ruleName} [${finding.severity}]${finding.cluster ? ` in ${finding.cluster}` : ''}${at}: ${finding.message}`,
      subject: {
        finding: finding.ruleId,
        ...(finding.file ? { file: finding.file } : {}),
        ...(finding.line !== undefined ? { line: finding.line } : {}),
        ...(finding.field ? { field: finding.field } : {}),
      },
    });
  }
  if (rule.affectedAdvisories) {
    for (const verdict of ray.verdicts) {
      if (verdict.status !== 'affected') continue;
      const failing = verdict.failing.map((f) => f.ruleId).join(', ');
      drafts.push({
        kind: 'violation',
        code: 'RAY_ADVISORY_AFFECTED',
        message: `${verdict.vulnerability}${verdict.cluster ? ` affects ${verdict.cluster}` : ' affects the deployment'}${verdict.rayVersion ? ` (Ray ${verdict.rayVersion})` : ''}${failing ? `: fix ${failing}` : ''}.`,
        subject: { advisory: verdict.vulnerability, advisoryAliases: verdict.aliases },
      });
    }
  }
  for (const problem of ray.problems) {
    if (problem.severity !== 'error') continue;
    drafts.push({
      kind: 'warn',
      code: 'RAY_INPUT_PROBLEM',
      message: `${problem.file ? `${problem.file}: ` : ''}${problem.message} (${problem.code}): what it holds was not checked.`,
      subject: problem.file ? { file: problem.file } : {},
    });
  }
  return {
    drafts,
    checked: `${plural(ray.files.length, 'deployment file')}, ${plural(ray.findings.length, 'finding')}`,
  };
}
