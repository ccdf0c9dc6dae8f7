import { readFile } from 'node:fs/promises';
import path from 'node:path';
import packageJson from '../../../package.json' with { type: 'json' };
import { assessPackages } from '../../advisories/assess.ts';
import { fileFirstSeenLedger } from '../../advisories/first-seen-ledger-writer.ts';
import { applyIgnores, parseIgnoreFile, type IgnoreRule } from '../../advisories/ignore.ts';
import { OsvMirror } from '../../advisories/osv-mirror-reader.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import { RaygateError } from '../../shared/errors.ts';
import { failsOn, SEVERITIES } from '../../shared/severity.ts';
import { mirrorDir } from '../advisory-options.ts';
import type { ScanOptions } from '../commands/scan.ts';
import { DEFAULT_IGNORE_FILE } from '../commands/scan.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { toOpenTargetOptions } from '../target-options.ts';
import { say, writeOutput } from '../output.ts';
import { renderScanSarif } from './render-sarif.ts';
import { renderScanTable } from './render-table.ts';
import { buildScanReport } from './scan-report.ts';
import { resolveScanInventory } from './scan-inventory.ts';

const STALE_MIRROR_DAYS = 7;
const MAX_PROBLEMS_SHOWN = 20;

/** `raygate scan`: inventory → advisory source → findings → ignores → report and exit code. */
export async function runScan(targets: string[], options: ScanOptions, context: CliContext): Promise<void> {
  const now = new Date();
  const rules = await loadIgnoreRules(options.ignoreFile);
  const inventory = await resolveScanInventory(targets, toOpenTargetOptions(options, context.interactive));
  if (inventory.packages.length === 0) say(`raygate: no packages found in ${inventory.target.name}.`);
  const osvDb = mirrorDir(options.osvDb);
  const source = await openSource(options, osvDb);
  try {
    const assessment = await assessPackages(inventory.packages, source, {
      now,
      ledger: fileFirstSeenLedger(osvDb),
    });
    const ignores = applyIgnores(assessment.findings, rules, now);
    const report = buildScanReport({
      version: packageJson.version,
      now,
      target: inventory.target,
      assessment,
      ignores,
      inventoryProblems: inventory.problems,
    });
    const rendered =
      options.format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : options.format === 'sarif'
          ? renderScanSarif(report)
          : options.format === 'cyclonedx'
            ? (await import('./bom-for-scan.ts')).renderScanCycloneDx({
                version: packageJson.version,
                now,
                target: inventory.target,
                packages: inventory.packages,
                relationships: inventory.relationships,
                problems: inventory.problems,
                findings: ignores.findings,
                ignored: ignores.ignored,
              })
            : renderScanTable(report);
    await writeOutput(rendered, options.output);

    for (const p of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) say(`raygate: ${p.code}: ${p.message}`);
    if (report.problems.length > MAX_PROBLEMS_SHOWN) {
      say(
        `raygate: … and ${report.problems.length - MAX_PROBLEMS_SHOWN} more problems (all are in --format json).`,
      );
    }
    for (const r of ignores.unused)
      say(`raygate: note: ignore rule for ${r.id} matched nothing in this scan.`);
    warnIfStale(assessment.source.importedAt, now);
    if (ignores.expired.length > 0) {
      say(
        `raygate: IGNORE_EXPIRED: ${ignores.expired.map((r) => `${r.id} (expired ${r.expires})`).join(', ')} — review and renew or remove.`,
      );
      context.setExitCode(EXIT.findings);
    }
    const severities = ignores.findings
      .map((f) => f.severity.severity)
      .map((s) => (s === 'unknown' ? (options.failOnUnknown ? SEVERITIES[0] : undefined) : s))
      .filter((s): s is (typeof SEVERITIES)[number] => s !== undefined);
    if (failsOn(severities, options.failOn)) context.setExitCode(EXIT.findings);
  } finally {
    if (source instanceof OsvMirror) await source.close();
  }
}

async function openSource(options: ScanOptions, osvDb: string): Promise<AdvisorySource> {
  if (!options.online) return OsvMirror.open(osvDb);
  const { OsvApiClient } = await import('../../advisories/osv-api-client.ts');
  return new OsvApiClient({
    baseUrl: options.osvApiUrl,
    ...(options.maxRequests ? { maxRequests: options.maxRequests } : {}),
    ...(options.timeout ? { timeoutMs: options.timeout } : {}),
  });
}

async function loadIgnoreRules(file: string | undefined): Promise<IgnoreRule[]> {
  const chosen = file ?? DEFAULT_IGNORE_FILE;
  let text: string;
  try {
    text = await readFile(chosen, 'utf8');
  } catch (error) {
    if (!file && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RaygateError(
      'IGNORE_FILE_UNREADABLE',
      'input',
      `Cannot read the ignore file ${chosen}: ${(error as Error).message}`,
    );
  }
  return parseIgnoreFile(text, path.basename(chosen));
}

function warnIfStale(importedAt: string | undefined, now: Date): void {
  if (!importedAt) return;
  const days = (now.getTime() - Date.parse(importedAt)) / 86_400_000;
  if (days > STALE_MIRROR_DAYS) {
    say(
      `raygate: note: the OSV mirror was last updated ${Math.floor(days)} days ago; run 'raygate osv sync'.`,
    );
  }
}
