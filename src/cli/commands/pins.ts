import { Option } from 'commander';
import { failsOn, FAIL_ON_CHOICES, type FailOn, parseFailOn } from '../../shared/severity.ts';
import { EXIT } from '../exit-codes.ts';
import { formatOption } from '../main.ts';
import { say, writeOutput } from '../output.ts';
import type { RegisterCommand } from './index.ts';

export const FORMATS = ['table', 'json', 'sarif'] as const;
export type PinsFormat = (typeof FORMATS)[number];
const DEFAULT_FAIL_ON: FailOn = 'high';

export interface PinsOptions {
  format: PinsFormat;
  failOn: string;
  output?: string;
  list?: boolean;
}

export const registerPins: RegisterCommand = (program, context) =>
  program
    .command('pins')
    .summary('check how exactly a requirements or lock file pins what it installs')
    .description(
      'Check a requirements file (pip syntax, with its -r/-c includes) or a lock file: exact pins vs ranges, ' +
        'hashes on every requirement, direct URLs, VCS refs without an immutable commit, editable installs, ' +
        'and index risks (--extra-index-url dependency confusion, --trusted-host, plain-HTTP indexes, remote ' +
        '--find-links, credentials in URLs). Rules PIN-001..PIN-010 judge requirements, PIN-101..PIN-107 indexes.',
    )
    .argument('<file>', 'requirements or lock file (file:PATH to force a file)')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe')
        .choices([...FAIL_ON_CHOICES])
        .default(DEFAULT_FAIL_ON),
    )
    .option('-o, --output <file>', 'write the report to FILE (atomically) instead of stdout')
    .option('--list', 'table format: also list every requirement with its pin, hashes and rules')
    .addHelpText(
      'after',
      `
Paths in the report are relative to the current folder. Includes (-r, -c) are read relative to the
including file and never from outside the named file's folder; URLs are never fetched.
The default --fail-on is ${DEFAULT_FAIL_ON}: a mutable VCS ref, several indexes without hashes, a trusted host,
plain HTTP or a secret in a URL fail the check; ranges and missing hashes alone do not.`,
    )
    .action(async (file: string, options: PinsOptions) => {
      const failOn = parseFailOn(options.failOn);
      // The catalogers and the analysis are loaded only when this command runs.
      const { checkPins, relocateReport, render } = await import('./pins-run.ts');
      const { report, pathOf } = await checkPins(file);
      const relocated = relocateReport(report, pathOf);
      const failed = failsOn(
        report.findings.map((f) => f.severity),
        failOn,
      );
      await writeOutput(render(relocated, options, failOn, failed), options.output);
      if (failed) {
        const over = report.findings.filter((f) => failsOn([f.severity], failOn)).length;
        say(
          `raygate pins: ${over} finding${over === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn}).`,
        );
        context.setExitCode(EXIT.findings);
      }
    });
