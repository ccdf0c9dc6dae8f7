// Child process of bench/image-sbom.bench.ts: one raygate image scan with every image cataloger (dpkg, apk,
// os-release, Python dist-info/egg-info, conda-meta), as `raygate sbom` runs it, with its stats on stdout as
// JSON. Run alone: node bench/scan-image.ts TARGET [--insecure HOST]
import { PROCESSORS, selectCatalogers } from '../src/sbom/catalogers/index.ts';
import { scanSource } from '../src/sbom/scan.ts';
import type { ImageSource } from '../src/sbom/sources/image-source.ts';
import { openTarget } from '../src/sbom/sources/open-target.ts';

const args = process.argv.slice(2);
const target = args[0];
if (!target) throw new Error('usage: node bench/scan-image.ts TARGET [--insecure HOST]');
const insecure = args.includes('--insecure') ? args[args.indexOf('--insecure') + 1] : undefined;
const catalogers = selectCatalogers(['image']);

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
