import path from 'node:path';
import { Option } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import {
  analyzePins,
  type PinFinding,
  type PinReport,
  relocateReport,
  toPinsSarif,
} from '../../advisories/pins/index.ts';
import { RaygateError } from '../../shared/errors.ts';
import { type FailOn, failsOn, FAIL_ON_CHOICES, parseFailOn, SEVERITIES } from '../../shared/severity.ts';
import { selectCatalogers } from '../../sbom/catalogers/index.ts';
import { scanSource } from '../../sbom/scan.ts';
import { openTarget } from '../../sbom/sources/open-target.ts';
import { EXIT } from '../exit-codes.ts';
import { formatOption } from '../main.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';
import type { RegisterCommand } from './index.ts';

const FORMATS = ['table', 'json', 'sarif'] as const;
type PinsFormat = (typeof FORMATS)[number];
const DEFAULT_FAIL_ON: FailOn = 'high';

interface PinsOptions {
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

async function checkPins(file: string): Promise<{ report: PinReport; pathOf: (treePath: string) => string }> {
  const { source, singleFile } = await openTarget(file);
  if (!singleFile) {
    throw new RaygateError(
      'PINS_TARGET_NOT_FILE',
      'usage',
      `raygate pins reads one requirements or lock file; ${file} is a folder.`,
    );
  }
  const scan = await scanSource(source, { catalogers: selectCatalogers(['declared']), singleFile });
  const report = analyzePins(scan, { rootFile: singleFile });
  if (report.unreadable) {
    throw new RaygateError(report.unreadable.code, 'input', report.unreadable.message);
  }
  const root = path.dirname(path.resolve(scan.target.name));
  const pathOf = (treePath: string) => {
    const host = path.join(root, ...treePath.split('/').filter(Boolean));
    return path.relative(process.cwd(), host).split(path.sep).join('/') || '.';
  };
  return { report, pathOf };
}

function render(report: PinReport, options: PinsOptions, failOn: FailOn, failed: boolean): string {
  if (options.format === 'sarif') {
    return `${JSON.stringify(toPinsSarif(report, { name: 'raygate', version: packageJson.version }), null, 2)}\n`;
  }
  if (options.format === 'json') {
    const document = { tool: { name: 'raygate', version: packageJson.version }, failOn, failed, ...report };
    return `${JSON.stringify(document, null, 2)}\n`;
  }
  return renderPinsTable(report, failOn, failed, options.list === true);
}

function renderPinsTable(report: PinReport, failOn: FailOn, failed: boolean, list: boolean): string {
  const { summary } = report;
  const out: string[] = [];
  if (report.findings.length > 0) {
    out.push(
      renderTable(
        ['SEVERITY', 'RULE', 'WHERE', 'MESSAGE'],
        report.findings.map((f) => [f.severity, f.ruleId, where(f), f.message]),
      ),
    );
  }
  if (list && report.requirements.length > 0) {
    out.push(
      renderTable(
        ['WHERE', 'NAME', 'PIN', 'VERSION', 'HASHES', 'RULES'],
        report.requirements.map((r) => [
          `${r.location.path}:${r.location.line ?? ''}`,
          r.name,
          r.pinnedByConstraint ? `${r.pin} (constraint ${r.pinnedByConstraint.specifier})` : r.pin,
          r.version ?? (r.specifier || r.vcs?.ref || ''),
          String(r.hashes),
          r.rules.join(','),
        ]),
      ),
    );
  }
  const p = summary.byPin;
  const severities = SEVERITIES.filter((s) => summary.bySeverity[s] > 0)
    .map((s) => `${summary.bySeverity[s]} ${s}`)
    .join(', ');
  const lines = [
    `files         ${report.files.join(', ')}`,
    `requirements  ${summary.requirements}: ${p.exact} exact, ${p.range} range, ${p.unpinned} unpinned, ` +
      `${p.url} URL, ${p.vcs} VCS, ${p.path} local path; ${summary.editable} editable` +
      (summary.pinnedByConstraint > 0 ? `; ${summary.pinnedByConstraint} pinned by constraints` : ''),
    `hashes        ${summary.hashCoverage} (${summary.hashed} of ${summary.requirements} hashed)` +
      (summary.requireHashes ? ', --require-hashes' : ''),
    `indexes       ${report.indexes.length === 0 ? 'none declared' : report.indexes.map((i) => `${i.kind} ${i.value}`.trim()).join('; ')}`,
    `findings      ${summary.findings}${severities ? ` (${severities})` : ''}; --fail-on ${failOn}: ${failed ? 'FAIL' : 'pass'}`,
  ];
  if (report.problems.length > 0) {
    lines.push(`problems      ${report.problems.length}:`);
    for (const problem of report.problems) {
      const at = problem.path ? `${problem.path}${problem.line ? `:${problem.line}` : ''} ` : '';
      lines.push(`  ${problem.severity} ${problem.code} ${at}${problem.message}`);
    }
  }
  out.push(`${lines.join('\n')}\n`);
  return out.join('\n');
}

function where(f: PinFinding): string {
  if (!f.location) return '';
  return f.location.line !== undefined ? `${f.location.path}:${f.location.line}` : f.location.path;
}
