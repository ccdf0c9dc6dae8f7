import { Option } from 'commander';
import { OSV_API_URL } from '../../advisories/osv-endpoints.ts';
import { parseFailOn, SEVERITIES, type FailOn } from '../../shared/severity.ts';
import { OPENVEX_PREDICATE_TYPE } from '../../ray/vex/openvex.ts';
import { addMirrorOption, baseUrl } from '../advisory-options.ts';
import { formatOption } from '../main.ts';
import { writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';
import type { RegisterCommand } from './index.ts';

export interface LintOptions {
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
  osvDb?: string;
  online?: boolean;
  osvApiUrl: string;
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
  const lint = ray
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
      'OSV records (a file or folder of JSON/YAML) to match Ray versions against, instead of the OSV mirror',
    )
    .option(
      '--allowed-index <url>',
      'package index runtime_env pip/uv options may use (repeatable)',
      collect,
      [],
    )
    .option('--online', 'match Ray versions against the OSV API instead of the local mirror')
    .addOption(
      new Option('--osv-api-url <url>', 'OSV API base URL (with --online)')
        .default(OSV_API_URL)
        .argParser(baseUrl('--osv-api-url')),
    )
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all)')
    .option('--vex <file>', 'write OpenVEX verdicts for the configuration-dependent advisories')
    .option('--vex-author <name>', 'author of the OpenVEX document', 'raygate')
    .option(
      '--vex-product <id>',
      'product the VEX statements are about (purl or IRI; default pkg:pypi/ray@<version>)',
    )
    .addHelpText('after', LINT_HELP)
    .action(async (paths: string[], options: LintOptions) => {
      // The readers, rules and advisory matcher load only when the command runs.
      const { runLint } = await import('./ray-run.ts');
      await runLint(paths, options, context);
    });
  addMirrorOption(lint);

  ray
    .command('rules')
    .description('List the Ray deployment rules')
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      const { RAY_RULE_METADATA } = await import('../../ray/rules/index.ts');
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
