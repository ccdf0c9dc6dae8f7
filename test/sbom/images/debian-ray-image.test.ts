import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { hasProgram, run } from '../../support/test-cache.ts';
import { dpkgCataloger } from '../../../src/sbom/catalogers/dpkg/cataloger.ts';
import { osReleaseCataloger } from '../../../src/sbom/catalogers/os-release/cataloger.ts';
import type { DpkgMetadata } from '../../../src/sbom/model.ts';
import { scanSource } from '../../../src/sbom/scan.ts';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import { debianRayImage, debianRootfs, PURGED_DEB } from '../../support/test-images.ts';
import type { DebianRayImage } from '../../support/test-images.ts';
import { debsOf, scanImage } from './scan-image.ts';

describe('image SBOM of a real Debian + Ray image', function () {
  this.timeout(30 * 60_000);
  let image: DebianRayImage;
  const scans = new Map<string, ScanResult>();

  before(async function () {
    for (const tool of ['debootstrap', 'umoci', 'skopeo', 'dpkg-query']) {
      if (!(await hasProgram(tool))) throw new Error(`${tool} is missing: .ci/run installs it`);
    }
    image = await debianRayImage();
  });

  const targets = (): [string, string][] => [
    ['oci-dir', `oci-dir:${image.layout}:latest`],
    ['docker-archive', `docker-archive:${image.dockerArchive}`],
    ['oci-archive', `oci-archive:${image.ociArchive}`],
  ];

  async function scan(kind: string): Promise<ScanResult> {
    if (!scans.has(kind)) scans.set(kind, await scanImage(targets().find(([k]) => k === kind)![1]));
    return scans.get(kind)!;
  }

  for (const kind of ['oci-dir', 'docker-archive', 'oci-archive']) {
    describe(`when read as ${kind}`, () => {
      it('finds exactly the Debian packages dpkg-query reports for the final root', async () => {
        const result = await scan(kind);
        assert.deepEqual(new Map([...debsOf(result)].sort()), new Map([...image.dpkg].sort()));
      });

      it('does not report the package the top layer purged (its files are whited out)', async () => {
        const result = await scan(kind);
        assert.ok(image.dpkgBase.has(`${PURGED_DEB}:all`), 'the base layer had it');
        assert.ok(!result.packages.some((p) => p.name === PURGED_DEB));
      });

      it('reports Debian 12 as the operating system and distro-qualified purls', async () => {
        const result = await scan(kind);
        const os = result.packages.filter((p) => p.ecosystem === 'os');
        assert.deepEqual(
          os.map((p) => `${p.name}@${p.version}`),
          ['debian@12'],
        );
        const dpkg = result.packages.find((p) => p.name === 'dpkg')!;
        assert.match(dpkg.purl!, /^pkg:deb\/debian\/dpkg@[^?]+\?arch=amd64&distro=debian-12$/);
      });

      it('attributes every Debian package to the base layer that introduced it', async () => {
        const result = await scan(kind);
        const layers = result.target.properties!['raygate:image:layers']!.split(',');
        assert.equal(layers.length, 3);
        const debs = result.packages.filter((p) => p.ecosystem === 'deb');
        for (const p of debs)
          assert.equal(p.locations[0]!.layer, layers[0], `${p.name} came with the base layer`);
        assert.deepEqual(
          result.problems.filter((p) => p.severity === 'error'),
          [],
        );
      });
    });
  }

  describe('when the archive is the OCI-in-tar layout newer Docker saves', () => {
    it('reads it through manifest.json and names the real manifest digest', async () => {
      // docker save (Docker 25+) writes an OCI layout plus manifest.json whose Layers point into blobs/.
      const temp = await makeTempDir('raygate-oci-in-tar-');
      try {
        const index = JSON.parse(await readFile(path.join(image.layout, 'index.json'), 'utf8')) as {
          manifests: { digest: string; annotations?: Record<string, string> }[];
        };
        const latest = index.manifests.find(
          (m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'latest',
        )!;
        const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
        const manifest = JSON.parse(await readFile(path.join(image.layout, blob(latest.digest)), 'utf8')) as {
          config: { digest: string };
          layers: { digest: string }[];
        };
        const stage = path.join(temp.dir, 'stage');
        await cp(image.layout, stage, { recursive: true });
        await writeFile(
          path.join(stage, 'index.json'),
          JSON.stringify({
            schemaVersion: 2,
            manifests: [
              {
                ...latest,
                annotations: {
                  'io.containerd.image.name': 'docker.io/raygate/debian-ray:latest',
                  'org.opencontainers.image.ref.name': 'latest',
                },
              },
            ],
          }),
        );
        await writeFile(
          path.join(stage, 'manifest.json'),
          JSON.stringify([
            {
              Config: blob(manifest.config.digest),
              RepoTags: ['raygate/debian-ray:latest'],
              Layers: manifest.layers.map((l) => blob(l.digest)),
            },
          ]),
        );
        const archive = path.join(temp.dir, 'saved.tar');
        await run('tar', ['-C', stage, '-cf', archive, '.']);
        const result = await scanImage(`docker-archive:${archive}`);
        assert.equal(result.target.digest, latest.digest);
        assert.deepEqual(new Map([...debsOf(result)].sort()), new Map([...image.dpkg].sort()));
        assert.equal(
          result.target.properties!['raygate:image:layers'],
          manifest.layers.map((l) => l.digest).join(','),
        );
      } finally {
        await temp.cleanup();
      }
    });
  });

  describe('when dpkg file lists are asked for', () => {
    it('gives each package the files of its info/*.list, as dpkg -L does', async () => {
      const { source } = await openTarget(`oci-dir:${image.layout}:latest`);
      const result = await scanSource(source, {
        catalogers: [osReleaseCataloger, dpkgCataloger({ files: true })],
      });
      const bash = result.packages.find((p) => p.name === 'bash')!;
      const rootfs = await debianRootfs();
      const { stdout } = await run('dpkg-query', [
        '--admindir',
        path.join(rootfs, 'var/lib/dpkg'),
        '-L',
        'bash',
      ]);
      const expected = stdout.split('\n').filter((l) => l !== '' && l !== '/.');
      assert.deepEqual((bash.metadata as DpkgMetadata).files, expected);
    });
  });

  describe('when reading the one-layer tag of the same layout', () => {
    it('still sees the package the later layer purges', async () => {
      const result = await scanImage(`oci-dir:${image.layout}:debian`);
      assert.deepEqual(new Map([...debsOf(result)].sort()), new Map([...image.dpkgBase].sort()));
    });
  });

  describe('when describing the image', () => {
    it('gives the manifest digest, platform and a pkg:oci purl', async () => {
      const result = await scan('oci-dir');
      const t = result.target;
      assert.equal(t.type, 'oci-dir');
      assert.match(t.digest!, /^sha256:[0-9a-f]{64}$/);
      assert.equal(t.properties!['raygate:image:platform'], 'linux/amd64');
      assert.ok(
        t.purl!.startsWith(`pkg:oci/`) && t.purl!.includes(t.digest!) && t.purl!.includes('tag=latest'),
        t.purl,
      );
    });
  });
});
