// Image SBOM benchmark: a Ray-sized image (Debian base + a Ray environment with ray[data] and torch),
// built once and cached, then in one run: raygate from an OCI layout and from a loopback registry, the
// `gzip -dc` floor over every layer, and Trivy on the same image. Each measured command runs in its own
// process under GNU time (wall seconds, peak RSS). Usage: node bench/image-sbom.bench.ts [--runs N]
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startRegistry } from '../test/support/registry.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { cached, cacheKey } from '../test/support/test-cache.ts';
import { debianRootfs } from '../test/support/test-images.ts';
import { trivyPath } from '../test/support/trivy.ts';

const exec = promisify(execFile);
const long = { maxBuffer: 256 * 1024 * 1024, timeout: 60 * 60_000 };
const REQUIREMENTS = ['ray[data]==2.58.0', 'torch'];
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 1) || 1;

async function rayTorchImage(): Promise<{ layout: string; dockerArchive: string }> {
  const rootfs = await debianRootfs();
  const { stdout: py } = await exec('python3', ['-c', 'import sys; print(sys.version)']);
  const dir = await cached(
    `bench-ray-torch-image-${cacheKey(rootfs, py, ...REQUIREMENTS, 'v1')}`,
    async (tmp) => {
      const venv = path.join(tmp, 'venv');
      await exec('python3', ['-m', 'venv', venv], long);
      await exec(
        path.join(venv, 'bin/pip'),
        ['install', '--retries', '0', '--disable-pip-version-check', ...REQUIREMENTS],
        long,
      );
      const layout = path.join(tmp, 'layout');
      const bundle = path.join(tmp, 'bundle');
      await exec('umoci', ['init', '--layout', layout]);
      await exec('umoci', ['new', '--image', `${layout}:latest`]);
      await exec('umoci', ['unpack', '--image', `${layout}:latest`, bundle], long);
      await exec('cp', ['-a', `${rootfs}/.`, `${bundle}/rootfs/`], long);
      await exec('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:latest`, bundle], long);
      await exec('mkdir', ['-p', `${bundle}/rootfs/home/ray`]);
      await exec('cp', ['-a', venv, `${bundle}/rootfs/home/ray/anaconda3`], long);
      await exec('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:latest`, bundle], long);
      await exec('umoci', ['gc', '--layout', layout]);
      await exec('rm', ['-rf', bundle, venv]);
      await exec(
        'skopeo',
        [
          'copy',
          '--quiet',
          `oci:${layout}:latest`,
          `docker-archive:${path.join(tmp, 'docker.tar')}:bench/ray-torch:latest`,
        ],
        long,
      );
    },
  );
  return { layout: path.join(dir, 'layout'), dockerArchive: path.join(dir, 'docker.tar') };
}

/** Runs a command under GNU time: wall seconds and peak RSS (MB) of the process tree's largest process. */
async function timed(command: string[]): Promise<{ seconds: number; rssMb: number; stdout: string }> {
  const { stdout, stderr } = await exec('/usr/bin/time', ['-f', 'TIME %e %M', ...command], long);
  const match = /TIME ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (!match) throw new Error(`no timing in: ${stderr.slice(-500)}`);
  return { seconds: Number(match[1]), rssMb: Number(match[2]) / 1024, stdout };
}

async function layerBlobs(layout: string): Promise<string[]> {
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const blob = (d: string) => path.join(layout, 'blobs/sha256', d.slice(7));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as {
    layers: { digest: string }[];
  };
  return manifest.layers.map((l) => blob(l.digest));
}

const image = await rayTorchImage();
const blobs = await layerBlobs(image.layout);
let compressed = 0;
for (const b of blobs) compressed += (await stat(b)).size;
const { stdout: uncompressedOut } = await exec(
  'sh',
  ['-c', `for b in ${blobs.map((b) => `'${b}'`).join(' ')}; do gzip -dc "$b"; done | wc -c`],
  long,
);
const uncompressed = Number(uncompressedOut.trim());
console.log(
  `image: ${blobs.length} layers, ${(compressed / 1e9).toFixed(2)} GB compressed, ${(uncompressed / 1e9).toFixed(2)} GB uncompressed`,
);

const registry = await startRegistry();
const temp = await makeTempDir('raygate-bench-');
try {
  await exec(
    'skopeo',
    [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${image.layout}:latest`,
      `docker://${registry.host}/bench/ray-torch:latest`,
    ],
    long,
  );
  const rows: { name: string; seconds: number; rssMb: number; note?: string }[] = [];
  for (let i = 0; i < runs; i++) {
    const floor = await timed([
      'sh',
      '-c',
      `for b in ${blobs.map((b) => `'${b}'`).join(' ')}; do gzip -dc "$b" > /dev/null; done`,
    ]);
    rows.push({ name: 'gzip -dc of all layers (floor)', ...floor });
    for (const [name, target, extra] of [
      ['raygate, OCI layout', `oci-dir:${image.layout}:latest`, []],
      [
        'raygate, loopback registry',
        `image:${registry.host}/bench/ray-torch:latest`,
        ['--insecure', registry.host],
      ],
    ] as [string, string, string[]][]) {
      const r = await timed([
        process.execPath,
        path.join(import.meta.dirname, 'scan-image.ts'),
        target,
        ...extra,
      ]);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        packages: number;
        byEcosystem: Record<string, number>;
        stats: { keptFiles: number; secondPassLayers: number };
      };
      rows.push({
        name,
        seconds: r.seconds,
        rssMb: r.rssMb,
        note: `${summary.packages} packages ${JSON.stringify(summary.byEcosystem)}, ${summary.stats.keptFiles} files kept, ${summary.stats.secondPassLayers} second passes`,
      });
    }
    const trivy = await timed([
      trivyPath(),
      'image',
      '--input',
      image.dockerArchive,
      '--format',
      'cyclonedx',
      '--skip-db-update',
      '--offline-scan',
      '--skip-files',
      '**/*.jar',
      '--cache-dir',
      path.join(temp.dir, `trivy-${i}`),
      '--quiet',
      '--output',
      path.join(temp.dir, `trivy-${i}.json`),
    ]);
    const bom = JSON.parse(await readFile(path.join(temp.dir, `trivy-${i}.json`), 'utf8')) as {
      components?: unknown[];
    };
    rows.push({
      name: 'trivy image --input (docker archive, fresh cache)',
      ...trivy,
      note: `${bom.components?.length ?? 0} components`,
    });
  }
  const floor = Math.min(...rows.filter((r) => r.name.startsWith('gzip')).map((r) => r.seconds));
  console.log('| run | wall s | × floor | peak RSS MB | notes |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.seconds.toFixed(2)} | ${(r.seconds / floor).toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.note ?? ''} |`,
    );
} finally {
  await registry.stop();
  await temp.cleanup();
}
