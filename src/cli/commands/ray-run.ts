import packageJson from '../../../package.json' with { type: 'json' };
import { RaygateError } from '../../shared/errors.ts';
import { failsOn, SEVERITIES } from '../../shared/severity.ts';
import {
  lintRay,
  readInstalledRay,
  readOsvRayAdvisories,
  readRayInputs,
  RAY_RULE_METADATA,
  rayLintSarif,
  toOpenVex,
  type InstalledRay,
  type RayAdvisoryLookup,
  type RayLintResult,
  type RayProblem,
} from '../../ray/index.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';

import type { LintOptions } from './ray.ts';
import { mirrorDir } from '../advisory-options.ts';
import { advisorySourceLookup } from '../../ray/advisories/advisory-source-lookup.ts';

export async function runLint(paths: string[], options: LintOptions, context: CliContext): Promise<void> {
  if (paths.length === 0 && options.sbom.length === 0) {
    throw new RaygateError(
      'RAY_LINT_NOTHING',
      'usage',
      'Name at least one file or folder to check (or --sbom).',
    );
  }
  const rules = options.rules
    ?.split(',')
    .map((r) => r.trim().toUpperCase())
    .filter((r) => r !== '');
  if (rules) {
    const unknown = rules.filter((r) => !RAY_RULE_METADATA.some((m) => m.id === r));
    if (unknown.length > 0) {
      throw new RaygateError(
        'RAY_RULE_UNKNOWN',
        'usage',
        `Unknown rule ${unknown.join(', ')}; see raygate ray rules.`,
      );
    }
  }
  const problems: RayProblem[] = [];
  const inputs = await readRayInputs(paths, { stdin: readStdin });
  problems.push(...inputs.problems);
  const installed: InstalledRay[] = [];
  for (const target of options.sbom) {
    const found = await readInstalledRay(target);
    installed.push(...found.installed);
    problems.push(...found.problems);
  }
  const lookup = await advisoryLookup(options, installed.length > 0 || inputs.files.length > 0);
  problems.push(...lookup.problems);
  const advisories = lookup.lookup;
  let result: RayLintResult;
  try {
    result = await lintRay(
      { files: inputs.files, installed },
      {
        ...(advisories ? { advisories } : {}),
        ...(rules ? { rules } : {}),
        ...(options.allowedIndex.length > 0 ? { allowedIndexes: options.allowedIndex } : {}),
      },
    );
  } finally {
    await lookup.close();
  }
  result.problems.unshift(...problems);

  for (const p of result.problems) say(`raygate: ${p.severity}: ${p.code}: ${p.message}`);
  await writeOutput(render(result, options.format), options.output);
  if (options.vex) await writeVex(result, options);
  summarize(result);

  if (result.problems.some((p) => p.severity === 'error')) context.setExitCode(EXIT.input);
  if (
    failsOn(
      result.findings.map((f) => f.severity),
      options.failOn,
    )
  )
    context.setExitCode(EXIT.findings);
}

function render(result: RayLintResult, format: LintOptions['format']): string {
  if (format === 'json') {
    return `${JSON.stringify(
      {
        tool: { name: 'raygate', version: packageJson.version },
        summary: summaryCounts(result),
        findings: result.findings,
        verdicts: result.verdicts,
        clusters: result.clusters,
        problems: result.problems,
        files: result.files,
        rayVersions: result.rayVersions,
        rules: result.rules,
      },
      null,
      2,
    )}\n`;
  }
  if (format === 'sarif') {
    return `${JSON.stringify(rayLintSarif(result, { name: 'raygate', version: packageJson.version, informationUri: 'https://github.com/ray-project/ray' }), null, 2)}\n`;
  }
  const rows = result.findings.map((f) => [
    f.severity.toUpperCase(),
    f.ruleId,
    f.file ? `${f.file}${f.line !== undefined ? `:${f.line}` : ''}` : '-',
    f.message,
  ]);
  let text =
    rows.length > 0 ? renderTable(['SEVERITY', 'RULE', 'LOCATION', 'FINDING'], rows) : 'No findings.\n';
  if (result.verdicts.length > 0) {
    text += `\n${renderTable(
      ['ADVISORY', 'CLUSTER', 'VERDICT'],
      result.verdicts.map((v) => [
        v.vulnerability,
        v.cluster?.label ?? (v.rayVersion ? `ray ${v.rayVersion}` : '-'),
        v.status === 'not_affected'
          ? 'mitigated by configuration'
          : v.status === 'affected'
            ? 'open'
            : 'under investigation',
      ]),
    )}`;
  }
  return text;
}

function summaryCounts(result: RayLintResult): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const f of result.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

function summarize(result: RayLintResult): void {
  const counts = summaryCounts(result);
  const parts = SEVERITIES.filter((s) => counts[s]! > 0).map((s) => `${counts[s]} ${s}`);
  say(
    `raygate ray lint: ${result.files.length} file(s), ${result.clusters.length} cluster(s), ` +
      `${result.findings.length} finding(s)${parts.length > 0 ? ` (${parts.join(', ')})` : ''}.`,
  );
}

async function writeVex(result: RayLintResult, options: LintOptions): Promise<void> {
  if (result.verdicts.length === 0) {
    throw new RaygateError(
      'RAY_VEX_NOTHING',
      'input',
      'No Ray cluster or Ray version was found, so there is nothing to state in OpenVEX; the VEX file was not written.',
    );
  }
  const doc = toOpenVex(result.verdicts, {
    author: options.vexAuthor,
    timestamp: new Date().toISOString(),
    tooling: `raygate ${packageJson.version} (ray lint)`,
    ...(options.vexProduct ? { product: options.vexProduct } : {}),
  });
  await writeOutput(`${JSON.stringify(doc, null, 2)}\n`, options.vex);
  say(`raygate: wrote OpenVEX (${result.verdicts.length} verdict(s)) to ${options.vex}`);
}

/** Standard input, bounded like any other input file. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024 * 1024) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface ChosenLookup {
  lookup?: RayAdvisoryLookup;
  problems: RayProblem[];
  close: () => Promise<void>;
}

/**
 * Where Ray versions are matched: records the user names (--advisories), the OSV API (--online), or the
 * local OSV mirror `raygate scan` uses. Without any of them, version findings cannot be made, and the report
 * says so rather than looking clean.
 */
async function advisoryLookup(options: LintOptions, needed: boolean): Promise<ChosenLookup> {
  const none = async () => {};
  if (options.advisories) {
    const index = await readOsvRayAdvisories(options.advisories);
    return { lookup: index.lookup, problems: index.problems, close: none };
  }
  if (options.online) {
    const { OsvApiClient } = await import('../../advisories/osv-api-client.ts');
    const client = new OsvApiClient({ baseUrl: options.osvApiUrl });
    return { lookup: advisorySourceLookup(client), problems: [], close: none };
  }
  const { OsvMirror } = await import('../../advisories/osv-mirror-reader.ts');
  const dir = mirrorDir(options.osvDb);
  try {
    const mirror = await OsvMirror.open(dir);
    return { lookup: advisorySourceLookup(mirror), problems: [], close: () => mirror.close() };
  } catch (error) {
    if (!(error instanceof RaygateError) || error.code !== 'OSV_MIRROR_EMPTY') throw error;
    if (!needed) return { problems: [], close: none };
    return {
      problems: [
        {
          code: 'RAY_ADVISORIES_UNAVAILABLE',
          severity: 'warning',
          message: `Ray versions were not matched against advisories: there is no OSV mirror at ${dir}. Run 'raygate osv sync', or pass --online or --advisories.`,
        },
      ],
      close: none,
    };
  }
}
