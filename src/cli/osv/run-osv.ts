import { rm } from 'node:fs/promises';
import path from 'node:path';
import { OsvExportClient, exportUrl, type ExportDownload } from '../../advisories/osv-export-client.ts';
import { readOsvExport } from '../../advisories/osv-export-reader.ts';
import { readCurrentManifest } from '../../advisories/osv-mirror-reader.ts';
import { importIntoMirror, type ImportInput, type ImportReport } from '../../advisories/osv-mirror-writer.ts';
import { mirrorDir } from '../advisory-options.ts';
import type { OsvCommonOptions, OsvSyncOptions } from '../commands/osv.ts';
import type { CliContext } from '../context.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';

/** `raygate osv import <path...>`: one import (one new mirror generation) for all paths given. */
export async function runImport(
  paths: string[],
  options: OsvCommonOptions,
  context: CliContext,
): Promise<void> {
  const dir = mirrorDir(options.osvDb);
  const inputs: ImportInput[] = paths.map((p) => ({ entries: readOsvExport(p), sourceKey: path.resolve(p) }));
  const report = await importIntoMirror(dir, inputs, { now: new Date(), onProgress: progress(context) });
  await printImport(report, [], dir, options.format);
}

/** `raygate osv sync`: conditional downloads of each ecosystem's export, then one import of what changed. */
export async function runSync(options: OsvSyncOptions, context: CliContext): Promise<void> {
  const dir = mirrorDir(options.osvDb);
  const manifest = await readCurrentManifest(dir);
  const client = new OsvExportClient({
    baseUrl: options.osvExportUrl,
    ...(options.timeout ? { timeoutMs: options.timeout } : {}),
    ...(options.maxRequests ? { maxRequests: options.maxRequests } : {}),
  });
  const downloadDir = path.join(dir, 'downloads');
  const downloads: ExportDownload[] = [];
  try {
    for (const ecosystem of options.ecosystem) {
      const url = exportUrl(options.osvExportUrl, ecosystem);
      if (context.interactive) say(`raygate: fetching ${url}`);
      downloads.push(await client.download(ecosystem, manifest?.sources[url], downloadDir));
    }
    const fresh = downloads.filter(
      (d): d is Extract<ExportDownload, { status: 'downloaded' }> => d.status === 'downloaded',
    );
    if (fresh.length === 0) {
      await printImport(undefined, downloads, dir, options.format);
      return;
    }
    const report = await importIntoMirror(
      dir,
      fresh.map((d) => ({ entries: readOsvExport(d.file), sourceKey: d.url, validator: d.validator })),
      { now: new Date(), onProgress: progress(context) },
    );
    await printImport(report, downloads, dir, options.format);
  } finally {
    await rm(downloadDir, { recursive: true, force: true });
  }
}

/** `raygate osv status`. */
export async function runStatus(options: OsvCommonOptions): Promise<void> {
  const dir = mirrorDir(options.osvDb);
  const manifest = await readCurrentManifest(dir);
  if (options.format === 'json') {
    await writeOutput(`${JSON.stringify({ mirror: dir, manifest: manifest ?? null }, null, 2)}\n`, undefined);
    return;
  }
  if (!manifest) {
    await writeOutput(
      `No OSV mirror at ${dir} yet. Run 'raygate osv sync' or 'raygate osv import'.\n`,
      undefined,
    );
    return;
  }
  const rows = Object.entries(manifest.ecosystems).map(([e, s]) => [
    e,
    String(s.records),
    s.newestModified ?? '-',
  ]);
  await writeOutput(
    `Mirror ${dir}: generation ${manifest.generation}, ${manifest.records} records, updated ${manifest.createdAt}\n\n` +
      renderTable(['ECOSYSTEM', 'RECORDS', 'NEWEST MODIFIED'], rows),
    undefined,
  );
}

function progress(context: CliContext): ((n: number) => void) | undefined {
  return context.interactive ? (n) => process.stderr.write(`\rraygate: ${n} records read`) : undefined;
}

async function printImport(
  report: ImportReport | undefined,
  downloads: readonly ExportDownload[],
  dir: string,
  format: OsvCommonOptions['format'],
): Promise<void> {
  const fetched = downloads.map((d) => ({
    ecosystem: d.ecosystem,
    url: d.url,
    status: d.status,
    ...(d.status === 'downloaded' ? { bytes: d.bytes } : {}),
  }));
  if (format === 'json') {
    await writeOutput(
      `${JSON.stringify({ mirror: dir, downloads: fetched, import: report ?? null }, null, 2)}\n`,
      undefined,
    );
  } else {
    const lines: string[] = [];
    for (const d of fetched) {
      lines.push(
        `${d.ecosystem}: ${d.status === 'not-modified' ? 'not modified, nothing downloaded' : `downloaded ${d.bytes} bytes`}`,
      );
    }
    if (report) {
      lines.push(
        `Imported into ${dir} (generation ${report.generation}): ${report.entries} entries read, ${report.added} added, ` +
          `${report.updated} updated, ${report.unchanged} unchanged, ${report.older} older than stored, ${report.skippedCount} skipped; ` +
          `${report.records} records in the mirror (${report.withdrawn} withdrawn).`,
      );
    } else {
      lines.push(`The mirror at ${dir} is up to date.`);
    }
    await writeOutput(`${lines.join('\n')}\n`, undefined);
  }
  if (report) {
    for (const s of report.skipped) say(`raygate: skipped ${s.entry}: ${s.code}: ${s.message}`);
    if (report.skippedCount > report.skipped.length)
      say(`raygate: … and ${report.skippedCount - report.skipped.length} more skipped entries.`);
  }
}
