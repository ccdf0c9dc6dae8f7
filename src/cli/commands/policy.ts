import { Option } from 'commander';
import { formatOption } from '../main.ts';
import type { RegisterCommand } from './index.ts';

export interface PolicyLintOptions {
  format: 'text' | 'json';
}

export interface PolicyTestOptions {
  evidence: string;
  format: 'table' | 'json';
  output?: string;
  now?: string;
  allowPendingApprovals?: boolean;
}

const LINT_HELP = `
Checks a policy file against the policy schema (policies/policy.schema.json) and the rules the schema
cannot express (unique rule ids, regular expressions, complete signer identities, SPDX ids, dates).
Every problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE (CODE).

Exit codes: 0 valid, 2 invalid or unreadable.`;

const TEST_HELP = `
Evaluates the policy offline against stored evidence: a JSON file (the evidence itself, or
{"evidence": …, "decision": …} as the gate records a decision), or a folder with evidence.json and
optionally decision.json. Nothing is fetched: the evidence already holds the findings, signatures and
approvals.

Replay: when the evidence records the decision it was judged with, --now defaults to that decision's time,
raygate warns when the policy's digest differs from the recorded one, and says whether the verdict is the
same. Without a recorded decision --now defaults to the current time.

Exit codes:
  0  allow
  1  deny, or needs-approval (the release is not allowed yet; with --allow-pending-approvals, 0)
  2  the policy or the evidence is invalid or unreadable`;

export const registerPolicy: RegisterCommand = (program, context) => {
  const policy = program
    .command('policy')
    .description('Release policies: check a policy file, evaluate it offline');
  policy
    .command('lint')
    .description('Check a policy file; report every problem with its line and column')
    .argument('<file>', 'policy YAML file')
    .addOption(formatOption(['text', 'json'], 'text'))
    .addHelpText('after', LINT_HELP)
    .action(async (file: string, options: PolicyLintOptions) => {
      const { runPolicyLint } = await import('./policy-run.ts');
      context.setExitCode(await runPolicyLint(file, options));
    });
  policy
    .command('test')
    .description('Evaluate a policy against stored evidence and print the decision')
    .argument('<file>', 'policy YAML file')
    .requiredOption(
      '-e, --evidence <path>',
      'evidence JSON file, or a folder with evidence.json [and decision.json]',
    )
    .addOption(formatOption(['table', 'json'], 'table'))
    .option('-o, --output <file>', 'write the decision to FILE (atomically) instead of stdout')
    .addOption(
      new Option(
        '--now <time>',
        'evaluate as of this ISO 8601 time (default: the recorded decision time, else now)',
      ),
    )
    .option('--allow-pending-approvals', 'exit 0 when the only thing missing is approvals')
    .addHelpText('after', TEST_HELP)
    .action(async (file: string, options: PolicyTestOptions) => {
      const { runPolicyTest } = await import('./policy-run.ts');
      context.setExitCode(await runPolicyTest(file, options, () => new Date()));
    });
  return policy;
};
