import assert from 'node:assert/strict';
import path from 'node:path';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { normalizePythonName } from '../../../src/sbom/python/names.ts';
import { debianRayImage } from '../../support/test-images.ts';
import type { DebianRayImage } from '../../support/test-images.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { trivyImageSbom } from '../../support/trivy.ts';
import { scanImage } from './scan-image.ts';

/**
 * Python packages inside a real image, checked against `pip list` of the environment the image holds.
 * These run once the python-installed catalogers (dist-info, conda-meta) are in CATALOGERS; until that
 * branch is merged they are skipped, because nothing in this branch reads Python metadata.
 */
describe('Python packages inside a real Debian + Ray image', function () {
  this.timeout(30 * 60_000);
  let image: DebianRayImage;
  let result: ScanResult;

  before(async function () {
    image = await debianRayImage();
    result = await scanImage(`oci-dir:${image.layout}:latest`);
  });

  const ENV = '/home/ray/anaconda3/';

  describe('when scanning the image', () => {
    it('finds exactly what pip list reports for /home/ray/anaconda3, plus what Ray vendors', () => {
      const vendored = new Set(result.relationships.filter((r) => r.type === 'vendors').map((r) => r.to));
      const inEnv = result.packages.filter(
        (p) => p.ecosystem === 'pypi' && p.locations.some((l) => l.path.startsWith(ENV)),
      );
      const ours = new Map(inEnv.filter((p) => !vendored.has(p.id)).map((p) => [p.name, p.version]));
      const expected = new Map(image.pip.map((p) => [normalizePythonName(p.name), p.version]));
      assert.deepEqual(new Map([...ours].sort()), new Map([...expected].sort()));
      // pip cannot see the copies under ray/**/thirdparty_files; the scan must, each owned by ray.
      const ray = inEnv.find((p) => p.name === 'ray')!;
      const rayVendors = inEnv.filter((p) => vendored.has(p.id));
      assert.ok(rayVendors.length >= 10, `${rayVendors.length} vendored packages`);
      for (const p of rayVendors) {
        assert.match(p.locations[0]!.path, /\/ray\/.*thirdparty_files\//);
        assert.ok(
          result.relationships.some((r) => r.type === 'vendors' && r.from === ray.id && r.to === p.id),
        );
      }
    });

    it('does not report the distribution the top layer uninstalled (whiteouts)', () => {
      assert.ok(
        !result.packages.some(
          (p) => p.ecosystem === 'pypi' && p.name === normalizePythonName(image.uninstalled),
        ),
      );
    });

    it('misses nothing Trivy sees in the environment that pip list confirms', async () => {
      const temp = await makeTempDir('raygate-trivy-');
      try {
        const trivy = await trivyImageSbom(image.dockerArchive, path.join(temp.dir, 'cache'));
        const pip = new Map(image.pip.map((p) => [normalizePythonName(p.name), p.version]));
        const ours = new Set(
          result.packages.filter((p) => p.ecosystem === 'pypi').map((p) => `${p.name}@${p.version}`),
        );
        const theirs = trivy
          .filter((c) => c.purl?.startsWith('pkg:pypi/'))
          .map((c) => `${normalizePythonName(c.name)}@${c.version}`);
        const missed = theirs.filter((t) => !ours.has(t) && pip.get(t.split('@')[0]!) === t.split('@')[1]);
        console.log(
          `      pypi: raygate ${ours.size}, trivy ${theirs.length}; trivy only: ${theirs.filter((t) => !ours.has(t)).join(' ') || 'none'}; raygate only: ${[...ours].filter((o) => !theirs.includes(o)).join(' ') || 'none'}`,
        );
        assert.deepEqual(missed, []);
      } finally {
        await temp.cleanup();
      }
    });

    it('attributes the Ray environment to the layer that installed it', () => {
      const layers = result.target.properties!['raygate:image:layers']!.split(',');
      const ray = result.packages.find((p) => p.ecosystem === 'pypi' && p.name === 'ray')!;
      assert.equal(ray.version, '2.58.0');
      assert.equal(ray.locations[0]!.layer, layers[1]);
    });
  });
});
