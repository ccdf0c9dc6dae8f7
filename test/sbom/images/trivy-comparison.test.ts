import assert from 'node:assert/strict';
import path from 'node:path';
import { parsePurl } from '../../../src/shared/purl.ts';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { debianRayImage } from '../../support/test-images.ts';
import type { DebianRayImage } from '../../support/test-images.ts';
import { trivyImageSbom } from '../../support/trivy.ts';
import type { TrivyComponent } from '../../support/trivy.ts';
import { debsOf, scanImage } from './scan-image.ts';

/**
 * A second opinion: Trivy on the same image archive. Every package one tool sees and the other does not
 * is printed; a package raygate misses that is really there (dpkg-query says so) fails the test.
 */
describe('second opinion: Trivy on the same Debian + Ray image', function () {
  this.timeout(30 * 60_000);
  let image: DebianRayImage;
  let raygate: ScanResult;
  let trivy: TrivyComponent[];
  let temp: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    image = await debianRayImage();
    temp = await makeTempDir('raygate-trivy-');
    raygate = await scanImage(`docker-archive:${image.dockerArchive}`);
    trivy = await trivyImageSbom(image.dockerArchive, path.join(temp.dir, 'cache'));
  });
  after(async () => {
    await temp?.cleanup();
  });

  describe('when comparing Debian packages', () => {
    it('raygate misses nothing Trivy finds that dpkg-query confirms, and the differences are reported', () => {
      const ours = new Map([...debsOf(raygate)].map(([k, v]) => [k.split(':')[0]!, v]));
      const theirs = new Map<string, string>();
      for (const c of trivy) {
        const purl = c.purl ? parsePurl(c.purl) : undefined;
        // Trivy carries the epoch as a qualifier; dpkg and raygate keep it in the version.
        const epoch = purl?.qualifiers?.epoch;
        if (purl?.type === 'deb') theirs.set(purl.name, epoch ? `${epoch}:${purl.version}` : purl.version!);
      }
      const onlyTrivy = [...theirs].filter(([n, v]) => ours.get(n) !== v);
      const onlyRaygate = [...ours].filter(([n, v]) => theirs.get(n) !== v);
      console.log(
        `      deb: raygate ${ours.size}, trivy ${theirs.size}; only trivy: ${onlyTrivy.map(([n, v]) => `${n}@${v}`).join(' ') || 'none'}; only raygate: ${onlyRaygate.map(([n, v]) => `${n}@${v}`).join(' ') || 'none'}`,
      );
      const reallyThere = new Map([...image.dpkg].map(([k, v]) => [k.split(':')[0]!, v]));
      const missed = onlyTrivy.filter(([n, v]) => reallyThere.get(n) === v);
      assert.deepEqual(missed, [], 'packages Trivy and dpkg-query see but raygate does not');
      const wrong = onlyRaygate.filter(([n, v]) => reallyThere.get(n) !== v);
      assert.deepEqual(wrong, [], 'packages raygate reports that dpkg-query does not');
    });

    it('both name the same operating system', () => {
      const theirs = trivy.find((c) => c.type === 'operating-system');
      const ours = raygate.packages.find((p) => p.ecosystem === 'os');
      assert.equal(ours?.name, theirs?.name);
      assert.ok(
        theirs?.version?.startsWith(ours!.version!),
        `${theirs?.version} (debian_version) vs ${ours?.version} (os-release)`,
      );
    });
  });

  describe('when comparing Python packages', () => {
    it('reports what each tool sees (raygate reads Python once the python-installed catalogers are merged)', () => {
      const theirs = trivy
        .filter((c) => c.purl?.startsWith('pkg:pypi/'))
        .map((c) => `${c.name}@${c.version}`);
      const ours = raygate.packages
        .filter((p) => p.ecosystem === 'pypi')
        .map((p) => `${p.name}@${p.version}`);
      const pip = new Set(image.pip.map((p) => `${p.name}@${p.version}`));
      const trivyOnly = theirs.filter((t) => !pip.has(t));
      console.log(
        `      pypi: raygate ${ours.length}, trivy ${theirs.length}, pip list ${image.pip.length}; trivy beyond pip list: ${trivyOnly.join(' ') || 'none'}`,
      );
      // Trivy must at least see what pip sees: this checks the image really holds the environment.
      assert.ok(theirs.length >= image.pip.length - 5, 'Trivy sees the Ray environment in the image');
    });
  });
});
