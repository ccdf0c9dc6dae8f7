import { evaluate } from '../../policy/evaluate.ts';
import { evidenceDigest, policyDigest } from '../../policy/digest.ts';
import type { Decision, Reason } from '../../policy/decision.ts';
import { readEvidence } from '../../policy/evidence-reader.ts';
import { checkPolicy, parsePolicy } from '../../policy/policy-parse.ts';
import { readPolicyFile } from '../../policy/policy-reader.ts';
import { formatProblem } from '../../policy/problems.ts';
import { RaygateError } from '../../shared/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';
import type { PolicyLintOptions, PolicyTestOptions } from './policy.ts';

export async function runPolicyLint(file: string, options: PolicyLintOptions): Promise<number> {
  const text = await readPolicyFile(file);
  const { policy, problems } = checkPolicy(text);
  if (options.format === 'json') {
    const report = {
      file,
      valid: policy !== undefined,
      problems,
      ...(policy
        ? {
            policy: { name: policy.name, digest: policyDigest(policy), rules: policy.rules.map((r) => r.id) },
          }
        : {}),
    };
    await writeOutput(`${JSON.stringify(report, null, 2)}\n`, undefined);
  } else if (policy) {
    await writeOutput(
      `${file}: valid policy '${policy.name}' with ${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'} (${policyDigest(policy)})\n`,
      undefined,
    );
  } else {
    for (const p of problems) say(formatProblem(file, p));
    say(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`);
  }
  return policy ? EXIT.ok : EXIT.input;
}

export async function runPolicyTest(
  file: string,
  options: PolicyTestOptions,
  clock: () => Date,
): Promise<number> {
  const given = options.now !== undefined ? parseNow(options.now) : undefined;
  const policy = parsePolicy(await readPolicyFile(file), file);
  const record = await readEvidence(options.evidence);
  const recorded = record.decision;
  const now = given ?? (recorded ? parseNow(recorded.evaluatedAt) : clock());
  const digest = policyDigest(policy);
  if (recorded && recorded.inputs.policy.digest !== digest) {
    say(
      `raygate policy test: warning: the recorded decision was made with policy '${recorded.inputs.policy.name}' ${recorded.inputs.policy.digest}; ${file} is '${policy.name}' ${digest}. The replay uses ${file}.`,
    );
  }
  if (
    recorded?.inputs.evidence !== undefined &&
    recorded.inputs.evidence !== evidenceDigest(record.evidence)
  ) {
    say(
      `raygate policy test: warning: the evidence is not the evidence the recorded decision was made from (${recorded.inputs.evidence}).`,
    );
  }
  const decision = evaluate(policy, record.evidence, { now });
  if (recorded) {
    say(
      recorded.verdict === decision.verdict
        ? `raygate policy test: replay: same verdict as recorded (${decision.verdict}).`
        : `raygate policy test: replay: the verdict differs: recorded ${recorded.verdict}, now ${decision.verdict}.`,
    );
  }
  const content =
    options.format === 'json' ? `${JSON.stringify(decision, null, 2)}\n` : renderDecision(decision);
  await writeOutput(content, options.output);
  if (decision.verdict === 'allow') return EXIT.ok;
  if (decision.verdict === 'needs-approval' && options.allowPendingApprovals) return EXIT.ok;
  return EXIT.findings;
}

function parseNow(value: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new RaygateError(
      'NOW_INVALID',
      'usage',
      `--now must be an ISO 8601 time (2026-11-25T10:00:00Z), not '${value}'.`,
    );
  }
  return new Date(ms);
}

const MARK: Record<Reason['status'], string> = {
  fail: 'FAIL',
  pending: 'PENDING',
  warn: 'WARN',
  excepted: 'EXCEPTED',
  info: 'info',
};

/** The decision for people: verdict, one row per rule, then every reason under its rule. */
export function renderDecision(decision: Decision): string {
  const lines: string[] = [];
  lines.push(`${decision.verdict.toUpperCase()}: ${decision.summary}`);
  lines.push(
    `release ${decision.release.project} ${decision.release.version}${decision.release.commit ? ` (${decision.release.commit})` : ''}, ` +
      `evaluated at ${decision.evaluatedAt} with policy '${decision.inputs.policy.name}' ${decision.inputs.policy.digest}`,
  );
  lines.push('');
  lines.push(
    renderTable(
      ['RULE', 'CHECK', 'ACTION', 'STATUS', 'SUMMARY'],
      decision.rules.map((r) => [r.rule, r.family, r.action, r.status, r.summary]),
    ).trimEnd(),
  );
  for (const rule of decision.rules) {
    if (rule.reasons.length === 0) continue;
    lines.push('', `${rule.rule} (${rule.status}):`);
    for (const reason of rule.reasons)
      lines.push(`  ${MARK[reason.status].padEnd(8)} ${reason.code}: ${reason.message}`);
  }
  if (decision.exceptions.length > 0) {
    lines.push('', 'Exceptions:');
    for (const e of decision.exceptions) lines.push(`  ${e.id} [${e.state}]: ${e.message}`);
  }
  const inputs = decision.inputs;
  lines.push('', `evidence ${inputs.evidence}`);
  if (inputs.advisories) {
    lines.push(
      `advisories ${inputs.advisories.kind}${inputs.advisories.generation ? ` ${inputs.advisories.generation}` : ''} ${inputs.advisories.digest ?? '(live API: not replayable)'}`,
    );
  }
  if (inputs.trustedRoot)
    lines.push(`trusted root ${inputs.trustedRoot.source} ${inputs.trustedRoot.digest}`);
  return `${lines.join('\n')}\n`;
}
