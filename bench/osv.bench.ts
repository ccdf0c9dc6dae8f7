// Bench for issue 4: importing a PyPI-sized OSV export and scanning a 1,000-package SBOM against it.
//   - import of a synthetic 20,000-record PyPI export (built from the real PyPA records): < 60 s, < 500 MB RSS
//   - `raygate scan` of a 1,000-package CycloneDX SBOM against it: < 1 s wall, start-up included
//   - the cost per package must not grow with the number of advisories (indexed lookup)
// Reference measured in the same run: `node -e 0` start-up, and `raygate --version` start-up.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchQuery } from '../src/advisories/match.ts';
import type { OsvRecord } from '../src/advisories/osv.ts';
import { readOsvExport } from '../src/advisories/osv-export-reader.ts';
import { OsvMirror } from '../src/advisories/osv-mirror-reader.ts';
import { queryId } from '../src/advisories/package-query.ts';
import { parseOsvRecordBytes } from '../src/advisories/osv-parse.ts';
import { writeZip } from '../test/support/zip-builder.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/raygate.js');
const PYPA = path.join(ROOT, 'test/fixtures/advisories/osv/pypa/vulns');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measured {
  seconds: number;
  /** User + system CPU seconds (GNU time), which machine load does not inflate the way it inflates wall time. */
  cpuSeconds?: number;
  maxRssMb?: number;
  code: number;
  stderr: string;
}

/** Runs a command, measuring wall time and (with GNU time) peak RSS. */
function measure(args: string[]): Measured {
  const start = performance.now();
  const run = TIME
    ? spawnSync(TIME, ['-f', 'RAYGATE_BENCH_RSS_KB=%M CPU=%U+%S', process.execPath, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - start) / 1000;
  const rss = /RAYGATE_BENCH_RSS_KB=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(run.stderr ?? '');
  return {
    seconds,
    code: run.status ?? -1,
    stderr: run.stderr ?? '',
    ...(rss ? { maxRssMb: Number(rss[1]) / 1024, cpuSeconds: Number(rss[2]) + Number(rss[3]) } : {}),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The real PyPA records, read once. */
async function realRecords(): Promise<OsvRecord[]> {
  const out: OsvRecord[] = [];
  for await (const entry of readOsvExport(PYPA)) {
    if (!('bytes' in entry)) continue;
    const parsed = parseOsvRecordBytes(entry.bytes, entry.format);
    if (parsed.ok) out.push(parsed.record);
  }
  return out;
}

/**
 * `count` records cloned from the real ones: copy k of a record gets a new id and names package
 * `<name>-syn<k>` (copy 0 keeps the real name), so the synthetic export has the real records' shape and
 * about as many records per package as OSV's PyPI export.
 */
function synthesize(real: OsvRecord[], count: number): OsvRecord[] {
  const out: OsvRecord[] = [];
  for (let i = 0; i < count; i++) {
    const base = real[i % real.length]!;
    const copy = Math.floor(i / real.length);
    const record = structuredClone(base);
    if (copy > 0) {
      record.id = `${base.id}-SYN${copy}`;
      record.aliases = (base.aliases ?? []).map((a) => `${a}-SYN${copy}`);
      for (const a of record.affected ?? []) if (a.package) a.package.name = `${a.package.name}-syn${copy}`;
    }
    out.push(record);
  }
  return out;
}

async function writeExport(file: string, records: OsvRecord[]): Promise<void> {
  await writeZip(
    file,
    records.map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r), method: 'deflate' as const })),
  );
}

/** A CycloneDX SBOM of `count` PyPI packages that the mirror knows, at versions its records list. */
function sbomFor(records: OsvRecord[], count: number): object {
  const seen = new Map<string, string>();
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (!a.package || seen.has(a.package.name)) continue;
      seen.set(a.package.name, a.versions?.[0] ?? '1.0.0');
    }
    if (seen.size >= count) break;
  }
  const components = [...seen].slice(0, count).map(([name, version], i) => ({
    type: 'library',
    'bom-ref': `c${i}`,
    name,
    version,
    purl: `pkg:pypi/${name}@${version}`,
  }));
  return { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components };
}

/** In-process lookup + match time per package (no start-up), for the growth comparison. */
async function perPackageMicros(
  osvDb: string,
  sbom: { components: { name: string; version: string }[] },
): Promise<number> {
  const queries = sbom.components.map((c) => ({
    ecosystems: ['PyPI'],
    name: c.name.toLowerCase().replace(/[-_.]+/g, '-'),
    version: c.version,
  }));
  const mirror = await OsvMirror.open(osvDb);
  // The ecosystem's index is loaded once per scan (its size does grow with the mirror); load it first so
  // what is timed is the per-package part: the lookup, the record reads and the matching.
  await mirror.query(queries.slice(0, 1));
  const start = performance.now();
  const answer = await mirror.query(queries);
  for (const q of queries) matchQuery(q, answer.records.get(queryId(q)) ?? []);
  const micros = ((performance.now() - start) * 1000) / queries.length;
  await mirror.close();
  return micros;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'raygate-bench-'));
  try {
    const reference = median([0, 1, 2].map(() => measure(['-e', '0']).seconds));
    const version = median([0, 1, 2].map(() => measure([BIN, '--version']).seconds));
    console.log(
      `reference: node start-up ${reference.toFixed(3)} s; raygate --version ${version.toFixed(3)} s; ` +
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs`,
    );

    const real = await realRecords();
    const all = synthesize(real, 20_000);
    // One SBOM for both mirrors: 1,000 packages named by the synthetic export. The small mirror holds only
    // the records about those packages, the large one all 20,000: the same answers, 5–10× the advisories.
    const sbom = sbomFor(all, 1000) as { components: { name: string; version: string }[] };
    const sbomFile = path.join(work, 'sbom.cdx.json');
    await writeFile(sbomFile, JSON.stringify(sbom));
    const noIgnores = path.join(work, 'no-ignores.yaml');
    await writeFile(noIgnores, 'ignore: []\n');
    const inSbom = new Set(sbom.components.map((c) => c.name));
    const small = all.filter((r) => (r.affected ?? []).some((a) => a.package && inSbom.has(a.package.name)));
    const results: Record<string, unknown> = {};
    const perPackage: Record<string, number> = {};
    for (const [label, records] of [
      ['small', small],
      ['large', all],
    ] as const) {
      const zip = path.join(work, `pypi-${label}.zip`);
      await writeExport(zip, records);
      const osvDb = path.join(work, `osv-${label}`);
      const imported = measure([BIN, 'osv', 'import', '--osv-db', osvDb, zip]);
      if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
      console.log(
        `import ${records.length} records: ${imported.seconds.toFixed(1)} s, peak RSS ${imported.maxRssMb?.toFixed(0) ?? '?'} MB` +
          (label === 'large' ? ' (limits: 60 s, 500 MB)' : ''),
      );
      const scans = [0, 1, 2, 3, 4].map(() =>
        measure([BIN, 'scan', '--osv-db', osvDb, sbomFile, '-f', 'json', '--ignore-file', noIgnores]),
      );
      if (scans.some((s) => s.code !== 0))
        throw new Error(`scan failed: ${scans.find((s) => s.code !== 0)!.stderr}`);
      const wall = median(scans.map((s) => s.seconds));
      const cpu = median(scans.map((s) => s.cpuSeconds ?? NaN));
      console.log(
        `scan of ${sbom.components.length} packages against ${records.length} records: ${wall.toFixed(3)} s wall, ` +
          `${cpu.toFixed(2)} s CPU (median of 5; start-up and output included${label === 'large' ? '; limit 1 s wall' : ''})`,
      );
      results[label] = {
        records: records.length,
        importSeconds: imported.seconds,
        importRssMb: imported.maxRssMb,
        scanSeconds: wall,
        scanCpuSeconds: cpu,
      };
    }
    // Lookup + match in this process, no start-up: warmed up once, then the two mirrors alternately.
    const samples: Record<string, number[]> = { small: [], large: [] };
    await perPackageMicros(path.join(work, 'osv-small'), sbom);
    for (let i = 0; i < 5; i++) {
      for (const label of ['small', 'large'] as const) {
        samples[label]!.push(await perPackageMicros(path.join(work, `osv-${label}`), sbom));
      }
    }
    for (const label of ['small', 'large'] as const) {
      perPackage[label] = median(samples[label]!);
      console.log(
        `lookup + match against the ${label} mirror: ${perPackage[label]!.toFixed(1)} µs per package`,
      );
    }
    const growth = perPackage.large! / perPackage.small!;
    console.log(
      `per-package cost, ${all.length} vs ${small.length} records (×${(all.length / small.length).toFixed(1)} the advisories): ×${growth.toFixed(2)}`,
    );
    console.log(JSON.stringify({ referenceSeconds: reference, versionSeconds: version, results, growth }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
