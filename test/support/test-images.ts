import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rayVenv } from './ray-venv.ts';
import { cached, cacheKey, run } from './test-cache.ts';

/*
 * Real image content for the image tests, built once and cached (RAYGATE_TEST_CACHE or
 * ~/.cache/raygate-test): a Debian root file system made by debootstrap from Debian's packages, a Ray
 * environment made by pip, and images assembled from them with umoci. A real Ray image has a Miniforge
 * prefix at /home/ray/anaconda3; conda cannot install offline here, so a venv laid out at that path
 * stands in for it (same site-packages shape, dist-info metadata written by pip).
 */

const SUITE = 'bookworm';
const MIRROR = 'http://deb.debian.org/debian';
/** Debian package the top layer purges (no other minbase package depends on it). */
export const PURGED_DEB = 'tzdata';
/** Python distributions the top layer uninstalls (the first one installed is used). */
const UNINSTALL_CANDIDATES = ['fsspec', 'tqdm', 'filelock'];

const long = { maxBuffer: 64 * 1024 * 1024 };

export async function debianRootfs(): Promise<string> {
  const dir = await cached(`debian-${SUITE}-minbase-${cacheKey(SUITE, MIRROR, 'v1')}`, async (tmp) => {
    await run('debootstrap', ['--variant=minbase', SUITE, path.join(tmp, 'rootfs'), MIRROR], long);
    await rm(path.join(tmp, 'rootfs/var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(path.join(tmp, 'rootfs/var/cache/apt/archives/partial'), { recursive: true });
  });
  return path.join(dir, 'rootfs');
}

export interface DebianRayImage {
  /** OCI layout folder with tags `debian` (1 layer), `debian-ray` (2) and `latest` (3: purge + uninstall). */
  layout: string;
  dockerArchive: string;
  ociArchive: string;
  /** `dpkg-query -W` of the final root: `name:arch` → version. */
  dpkg: Map<string, string>;
  /** `dpkg-query -W` of the base layer alone. */
  dpkgBase: Map<string, string>;
  /** `pip list --format json` of the final environment. */
  pip: { name: string; version: string }[];
  uninstalled: string;
}

export async function debianRayImage(): Promise<DebianRayImage> {
  const rootfs = await debianRootfs();
  const venv = await rayVenv();
  const dir = await cached(`image-debian-ray-${cacheKey(rootfs, venv, 'v2')}`, async (tmp) => {
    const layout = path.join(tmp, 'layout');
    const bundle = path.join(tmp, 'bundle');
    const root = path.join(bundle, 'rootfs');
    await run('umoci', ['init', '--layout', layout]);
    await run('umoci', ['new', '--image', `${layout}:wip`]);
    await run('umoci', ['unpack', '--image', `${layout}:wip`, bundle], long);
    await run('cp', ['-a', `${rootfs}/.`, `${root}/`], long);
    await run('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:wip`, bundle], long);
    await run('umoci', ['tag', '--image', `${layout}:wip`, 'debian']);
    await writeFile(path.join(tmp, 'dpkg-base.tsv'), await dpkgQuery(root));

    await mkdir(path.join(root, 'home/ray'), { recursive: true });
    await run('cp', ['-a', venv, path.join(root, 'home/ray/anaconda3')], long);
    await run('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:wip`, bundle], long);
    await run('umoci', ['tag', '--image', `${layout}:wip`, 'debian-ray']);

    await run('chroot', [root, 'dpkg', '--purge', PURGED_DEB], long);
    const python = path.join(root, 'home/ray/anaconda3/bin/python');
    const before = pipList(await run(python, ['-m', 'pip', 'list', '--format', 'json'], long));
    const uninstalled = UNINSTALL_CANDIDATES.find((c) => before.some((p) => p.name.toLowerCase() === c));
    if (!uninstalled) throw new Error('none of the uninstall candidates is installed');
    await run(python, ['-m', 'pip', 'uninstall', '-y', uninstalled], long);
    await run('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:wip`, bundle], long);
    await run('umoci', ['tag', '--image', `${layout}:wip`, 'latest']);
    await run('umoci', ['rm', '--image', `${layout}:wip`]);
    await run('umoci', ['gc', '--layout', layout]);

    await writeFile(path.join(tmp, 'dpkg.tsv'), await dpkgQuery(root));
    const { stdout } = await run(python, ['-m', 'pip', 'list', '--format', 'json'], long);
    await writeFile(path.join(tmp, 'pip.json'), stdout);
    await writeFile(path.join(tmp, 'uninstalled'), uninstalled);
    await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        `oci:${layout}:latest`,
        `docker-archive:${path.join(tmp, 'docker.tar')}:raygate/debian-ray:latest`,
      ],
      long,
    );
    await run(
      'skopeo',
      ['copy', '--quiet', `oci:${layout}:latest`, `oci-archive:${path.join(tmp, 'oci.tar')}:latest`],
      long,
    );
    await rm(bundle, { recursive: true, force: true });
  });
  return {
    layout: path.join(dir, 'layout'),
    dockerArchive: path.join(dir, 'docker.tar'),
    ociArchive: path.join(dir, 'oci.tar'),
    dpkg: parseDpkg(await readFile(path.join(dir, 'dpkg.tsv'), 'utf8')),
    dpkgBase: parseDpkg(await readFile(path.join(dir, 'dpkg-base.tsv'), 'utf8')),
    pip: JSON.parse(await readFile(path.join(dir, 'pip.json'), 'utf8')) as {
      name: string;
      version: string;
    }[],
    uninstalled: (await readFile(path.join(dir, 'uninstalled'), 'utf8')).trim(),
  };
}

async function dpkgQuery(root: string): Promise<string> {
  const { stdout } = await run(
    'dpkg-query',
    [
      '--admindir',
      path.join(root, 'var/lib/dpkg'),
      '-W',
      '-f',
      '${db:Status-Status}\t${Package}:${Architecture}\t${Version}\n',
    ],
    long,
  );
  return stdout;
}

function parseDpkg(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [state, key, version] = line.split('\t');
    if (state === 'installed' && key) out.set(key, version!);
  }
  return out;
}

function pipList(result: { stdout: string }): { name: string; version: string }[] {
  return JSON.parse(result.stdout) as { name: string; version: string }[];
}

/** Copies a layout so a test may change it (add an index, tamper with a blob). */
export async function copyLayout(layout: string, to: string): Promise<string> {
  await cp(layout, to, { recursive: true });
  return to;
}
