// Child process of bench/image-sbom.ts: one raygate image scan, as `raygate sbom` runs it, with its stats
// on stdout as JSON. Run alone: node bench/scan-image.ts TARGET [--insecure HOST] [--python-keep]
//
// --python-keep adds a stand-in that wants (and so keeps and reads) the files the Python installed
// catalogers will want once merged (dist-info METADATA/RECORD/INSTALLER/WHEEL, conda-meta records) and
// returns no packages: it measures reading those files from the layers, not cataloguing them.
import type { Cataloger } from '../src/sbom/catalogers/cataloger.ts';
import { emptyResult } from '../src/sbom/catalogers/cataloger.ts';
import { PROCESSORS, selectCatalogers } from '../src/sbom/catalogers/index.ts';
import { scanSource } from '../src/sbom/scan.ts';
import type { ImageSource } from '../src/sbom/sources/image-source.ts';
import { openTarget } from '../src/sbom/sources/open-target.ts';

const args = process.argv.slice(2);
const target = args[0];
if (!target) throw new Error('usage: node bench/scan-image.ts TARGET [--insecure HOST] [--python-keep]');
const insecure = args.includes('--insecure') ? args[args.indexOf('--insecure') + 1] : undefined;
const pythonKeep: Cataloger = {
  name: 'bench-python-keep',
  tags: ['image'],
  fileRequired: (p) =>
    /\.dist-info\/(METADATA|RECORD|INSTALLER|WHEEL|direct_url\.json)$/.test(p) ||
    /\/conda-meta\/[^/]+\.json$/.test(p),
  parse: () => emptyResult(),
};
const catalogers = [...selectCatalogers(['image']), ...(args.includes('--python-keep') ? [pythonKeep] : [])];

const started = performance.now();
const { source } = await openTarget(target, insecure ? { registry: { insecureRegistries: [insecure] } } : {});
const result = await scanSource(source, { catalogers, processors: PROCESSORS });
const ms = performance.now() - started;
const stats = (source as ImageSource).stats;
const byEcosystem: Record<string, number> = {};
for (const p of result.packages) byEcosystem[p.ecosystem] = (byEcosystem[p.ecosystem] ?? 0) + 1;
process.stdout.write(
  `${JSON.stringify({ ms, packages: result.packages.length, byEcosystem, problems: result.problems.length, stats, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
