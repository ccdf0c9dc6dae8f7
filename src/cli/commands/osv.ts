import { Option, type Command } from 'commander';
import { DEFAULT_SYNC_ECOSYSTEMS, OSV_EXPORT_URL } from '../../advisories/osv-endpoints.ts';
import { addMirrorOption, baseUrl, positiveInt, seconds } from '../advisory-options.ts';
import { formatOption } from '../main.ts';
import type { RegisterCommand } from './index.ts';

export const OSV_FORMATS = ['table', 'json'] as const;

export interface OsvCommonOptions {
  osvDb?: string;
  format: (typeof OSV_FORMATS)[number];
}

export interface OsvSyncOptions extends OsvCommonOptions {
  ecosystem: string[];
  osvExportUrl: string;
  timeout?: number;
  maxRequests?: number;
}

// The actions load their modules on use, so other commands and --help stay quick to start.
const run = () => import('../osv/run-osv.ts');

export const registerOsv: RegisterCommand = (program, context) => {
  const osv = program
    .command('osv')
    .description('Manage the local OSV advisory mirror that `raygate scan` reads offline.')
    // Subcommands created here inherit these; the CLI core maps commander's errors to exit codes.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  addMirrorOption(
    osv
      .command('import')
      .description(
        "Load OSV records from an export zip (OSV's <Ecosystem>/all.zip) or a folder of JSON/YAML records.",
      )
      .argument(
        '<path...>',
        'all.zip files or folders of OSV records (e.g. a clone of pypa/advisory-database/vulns)',
      )
      .addOption(formatOption(OSV_FORMATS, 'table')),
  ).action(async (paths: string[], options: OsvCommonOptions) =>
    (await run()).runImport(paths, options, context),
  );

  addMirrorOption(
    osv
      .command('sync')
      .description(
        "Download OSV's per-ecosystem exports and import what changed; unchanged exports are not downloaded again.",
      )
      .addOption(
        new Option('-e, --ecosystem <name...>', 'OSV ecosystems to fetch').default([
          ...DEFAULT_SYNC_ECOSYSTEMS,
        ]),
      )
      .addOption(
        new Option('--osv-export-url <url>', 'base URL of the OSV export bucket')
          .default(OSV_EXPORT_URL)
          .argParser(baseUrl('--osv-export-url')),
      )
      .addOption(new Option('--timeout <seconds>', 'per-download timeout').argParser(seconds('--timeout')))
      .addOption(
        new Option('--max-requests <n>', 'most HTTP requests the sync may make').argParser(
          positiveInt('--max-requests'),
        ),
      )
      .addOption(formatOption(OSV_FORMATS, 'table')),
  ).action(async (options: OsvSyncOptions) => (await run()).runSync(options, context));

  addMirrorOption(
    osv
      .command('status')
      .description('Show what the local mirror holds and how fresh it is.')
      .addOption(formatOption(OSV_FORMATS, 'table')),
  ).action(async (options: OsvCommonOptions) => (await run()).runStatus(options));
  return osv as Command;
};
