import type { RayLintResult } from '../../ray/lint.ts';
import type { RayEvidence } from '../evidence.ts';

/** A `raygate ray lint` result (`lintRay`) over the release's deployment files, as evidence. */
export function toRayEvidence(result: RayLintResult): RayEvidence {
  return {
    rules: [...result.rules].sort(),
    files: result.files.map((f) => ({ path: f.path, kind: f.kind })),
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleName: f.ruleName,
      severity: f.severity,
      message: f.message,
      ...(f.file ? { file: f.file } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      ...(f.field ? { field: f.field } : {}),
      ...(f.cluster ? { cluster: f.cluster } : {}),
      fingerprint: f.fingerprint,
    })),
    verdicts: result.verdicts.map((v) => ({
      vulnerability: v.vulnerability,
      aliases: [...v.aliases],
      status: v.status,
      ...(v.cluster ? { cluster: v.cluster.label } : {}),
      ...(v.rayVersion ? { rayVersion: v.rayVersion } : {}),
      failing: v.failing.map((f) => ({ ruleId: f.ruleId, reason: f.reason })),
    })),
    problems: result.problems.map((p) => ({
      code: p.code,
      severity: p.severity,
      message: p.message,
      ...(p.file ? { file: p.file } : {}),
    })),
  };
}
