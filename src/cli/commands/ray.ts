import { Option } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import { RaygateError } from '../../shared/errors.ts';
import { failsOn, parseFailOn, SEVERITIES, type FailOn } from '../../shared/severity.ts';
import {
  lintRay,
  readInstalledRay,
  readOsvRayAdvisories,
  readRayInputs,
  OPENVEX_PREDICATE_TYPE,
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
import { formatOption } from '../main.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';
import type { RegisterCommand } from './index.ts';

interface LintOptions {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  failOn: FailOn;
  sbom: string[];
  advisories?: string;
  allowedIndex: string[];
  rules?: string;
  vex?: string;
  vexAuthor: string;
  vexProduct?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const LINT_HELP = `
Reads KubeRay RayCluster/RayJob/RayService/RayCronJob manifests (with the Services, Ingresses, Routes,
NetworkPolicies and Secrets beside them; multi-document YAML and Helm-rendered output), Ray cluster-launcher
YAML, docker compose files, Dockerfiles, shell scripts and env files. A folder is walked; \`-\` reads standard
input (\`helm template … | raygate ray lint -\`). Files in one folder (scripts, Dockerfiles, env files) are read
as one host deployment.

The ShadowRay-class advisories (CVE-2023-48022, CVE-2025-34351) are decided from the configuration: --vex
writes the verdicts as OpenVEX 0.2.0. To sign them as an in-toto attestation:
  raygate ray lint deploy/ --vex ray.vex.json
  raygate attest --predicate ray.vex.json --type ${OPENVEX_PREDICATE_TYPE} --subject IMAGE@sha256:… --bundle ray.vex.sigstore.json

Rules: raygate ray rules`;

export const registerRay: RegisterCommand = (program, context) => {
  const ray = program
    .command('ray')
    .description('Ray deployment checks: hardening rules for Ray and KubeRay, Ray-aware advisory verdicts');
  ray
    .command('lint')
    .description('Check Ray deployment files for exposure, missing authentication and unsafe settings')
    .argument('[paths...]', 'files or folders to check (- for standard input)')
    .addOption(formatOption(['table', 'json', 'sarif'], 'table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(
      new Option(
        '--fail-on <severity>',
        `exit 1 when a finding is at least this severe (${SEVERITIES.join(', ')}, never)`,
      )
        .default('high')
        .argParser(parseFailOn),
    )
    .option(
      '--sbom <target>',
      'SBOM (CycloneDX JSON) or any target raygate sbom accepts; its ray version is checked (repeatable)',
      collect,
      [],
    )
    .option(
      '--advisories <path>',
      'OSV records (a file or folder of JSON/YAML) to match Ray versions against',
    )
    .option(
      '--allowed-index <url>',
      'package index runtime_env pip/uv options may use (repeatable)',
      collect,
      [],
    )
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all)')
    .option('--vex <file>', 'write OpenVEX verdicts for the configuration-dependent advisories')
    .option('--vex-author <name>', 'author of the OpenVEX document', 'raygate')
    .option(
      '--vex-product <id>',
      'product the VEX statements are about (purl or IRI; default pkg:pypi/ray@<version>)',
    )
    .addHelpText('after', LINT_HELP)
    .action(async (paths: string[], options: LintOptions) => runLint(paths, options, context));

  ray
    .command('rules')
    .description('List the Ray deployment rules')
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      if (options.format === 'json') {
        await writeOutput(`${JSON.stringify(RAY_RULE_METADATA, null, 2)}\n`, undefined);
        return;
      }
      await writeOutput(
        renderTable(
          ['RULE', 'NAME', 'SEVERITY', 'TITLE'],
          RAY_RULE_METADATA.map((r) => [r.id, r.name, r.severities.join('/'), r.title]),
        ),
        undefined,
      );
    });
  return ray;
};

async function runLint(paths: string[], options: LintOptions, context: CliContext): Promise<void> {
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
  let advisories: RayAdvisoryLookup | undefined;
  if (options.advisories) {
    const index = await readOsvRayAdvisories(options.advisories);
    problems.push(...index.problems);
    advisories = index.lookup;
  }
  const result = await lintRay(
    { files: inputs.files, installed },
    {
      ...(advisories ? { advisories } : {}),
      ...(rules ? { rules } : {}),
      ...(options.allowedIndex.length > 0 ? { allowedIndexes: options.allowedIndex } : {}),
    },
  );
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
