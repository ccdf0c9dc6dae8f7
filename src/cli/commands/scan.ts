import { Option } from 'commander';
import { OSV_API_URL } from '../../advisories/osv-endpoints.ts';
import { FAIL_ON_CHOICES, parseFailOn, type FailOn } from '../../shared/severity.ts';
import { addMirrorOption, baseUrl, positiveInt, seconds } from '../advisory-options.ts';
import { formatOption } from '../main.ts';
import { addTargetOptions, TARGET_HELP, type TargetFlags } from '../target-options.ts';
import type { RegisterCommand } from './index.ts';

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'cyclonedx'] as const;
export const DEFAULT_IGNORE_FILE = '.raygate-ignore.yaml';

export interface ScanOptions extends TargetFlags {
  format: (typeof SCAN_FORMATS)[number];
  output?: string;
  failOn: FailOn;
  failOnUnknown?: boolean;
  online?: boolean;
  osvApiUrl: string;
  osvDb?: string;
  ignoreFile?: string;
  maxRequests?: number;
  timeout?: number;
}

export const registerScan: RegisterCommand = (program, context) =>
  addTargetOptions(
    addMirrorOption(
      program
        .command('scan')
        .description(
          'Match packages against OSV advisories: a folder, environment or lock file (as `raygate sbom` reads it), a CycloneDX JSON SBOM, or package URLs.',
        )
        .argument(
          '<target...>',
          'a path, a CycloneDX JSON file, or one or more package URLs (pkg:pypi/ray@2.6.3)',
        )
        .addOption(formatOption(SCAN_FORMATS, 'table'))
        .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
        .addOption(
          new Option('--fail-on <severity>', 'exit 1 when a finding reaches this severity')
            .choices([...FAIL_ON_CHOICES])
            .default('never')
            .argParser(parseFailOn),
        )
        .option('--fail-on-unknown', 'with --fail-on, also fail on findings whose severity no source gives')
        .option('--online', 'ask the OSV API instead of the local mirror')
        .addOption(
          new Option('--osv-api-url <url>', 'OSV API base URL')
            .default(OSV_API_URL)
            .argParser(baseUrl('--osv-api-url')),
        )
        .addOption(
          new Option('--max-requests <n>', 'most HTTP requests an --online scan may make').argParser(
            positiveInt('--max-requests'),
          ),
        )
        .addOption(
          new Option('--timeout <seconds>', 'per-request timeout for --online').argParser(
            seconds('--timeout'),
          ),
        )
        .option(
          '--ignore-file <file>',
          `accepted risks with reasons and expiry dates (default: ./${DEFAULT_IGNORE_FILE} when present)`,
        ),
    ),
  )
    .addHelpText(
      'after',
      `${TARGET_HELP}

Packages with no advisory source (conda-native libraries, bare binaries, unpinned requirements) are listed
as "not assessed", never as clean. Ignored findings are listed as ignored; an expired ignore fails the scan.

Examples:
  raygate osv sync && raygate scan /home/ray/anaconda3 --fail-on high
  raygate scan sbom.cdx.json --format sarif --output raygate.sarif
  raygate scan pkg:pypi/ray@2.6.3 pkg:pypi/urllib3@1.26.18 --online`,
    )
    .action(async (targets: string[], options: ScanOptions) => {
      // Loaded on use: other commands and --help do not pay for the matcher, the mirror and the renderers.
      const { runScan } = await import('../scan/run-scan.ts');
      await runScan(targets, options, context);
    });
