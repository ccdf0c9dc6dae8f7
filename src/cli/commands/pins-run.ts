import path from 'node:path';
import packageJson from '../../../package.json' with { type: 'json' };
import {
  analyzePins,
  type PinFinding,
  type PinReport,
  relocateReport,
  toPinsSarif,
} from '../../advisories/pins/index.ts';
import { RaygateError } from '../../shared/errors.ts';
import { type FailOn, SEVERITIES } from '../../shared/severity.ts';
import { selectCatalogers } from '../../sbom/catalogers/index.ts';
import { scanSource } from '../../sbom/scan.ts';
import { openTarget } from '../../sbom/sources/open-target.ts';
import { renderTable } from '../table.ts';

import type { PinsOptions } from './pins.ts';

export { relocateReport };

export async function checkPins(
  file: string,
): Promise<{ report: PinReport; pathOf: (treePath: string) => string }> {
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

export function render(report: PinReport, options: PinsOptions, failOn: FailOn, failed: boolean): string {
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
