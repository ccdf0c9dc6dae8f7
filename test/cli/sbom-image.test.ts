import assert from 'node:assert/strict';
import { validateBom } from '../../src/sbom/cyclonedx/validate.ts';
import { parsePurl } from '../../src/shared/purl.ts';
import { startRegistry, type RunningRegistry } from '../support/registry.ts';
import { runCli } from '../support/run-cli.ts';
import { run } from '../support/test-cache.ts';
import { debianRayImage, type DebianRayImage } from '../support/test-images.ts';

interface Component {
  'bom-ref': string;
  type: string;
  name: string;
  version?: string;
  purl?: string;
  components?: Component[];
  properties?: { name: string; value: string }[];
}
interface Bom {
  metadata: { component: Component };
  components: Component[];
}

const flatten = (cs: Component[] = []): Component[] => cs.flatMap((c) => [c, ...flatten(c.components)]);

// `raygate sbom` of a real Debian + Ray image end to end: the command a CI step runs, from an OCI layout and
// straight from a registry, with the flags a loopback registry needs.
describe('raygate sbom of a real Debian + Ray image', function () {
  this.timeout(15 * 60_000);
  let image: DebianRayImage;
  let registry: RunningRegistry;

  before(async () => {
    image = await debianRayImage();
    registry = await startRegistry();
    await run('skopeo', [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${image.layout}:latest`,
      `docker://${registry.host}/rayproject/ray:2.58.0`,
    ]);
  });
  after(() => registry?.stop());

  function checkBom(bom: Bom) {
    const target = bom.metadata.component;
    assert.equal(target.type, 'container');
    assert.equal(parsePurl(target.purl ?? '')?.type, 'oci');
    const all = flatten(bom.components);
    const debs = all.filter((c) => c.purl?.startsWith('pkg:deb/'));
    assert.equal(debs.length, image.dpkg.size);
    for (const deb of debs) assert.equal(parsePurl(deb.purl!)!.qualifiers?.distro, 'debian-12');
    const pypi = all.filter((c) => c.purl?.startsWith('pkg:pypi/'));
    const ray = pypi.find((c) => c.name === 'ray')!;
    assert.equal(ray.version, '2.58.0');
    assert.ok(
      (ray.components ?? []).some((c) => c.name === 'psutil'),
      'vendored psutil is not nested in ray',
    );
    assert.ok(!pypi.some((c) => c.name === image.uninstalled), 'the uninstalled distribution is listed');
    assert.ok(all.some((c) => c.type === 'operating-system' && c.name === 'debian'));
  }

  it('writes a valid container SBOM from the OCI layout: Debian packages, the OS, Python with vendored copies', async () => {
    const result = await runCli(['sbom', `oci-dir:${image.layout}:latest`, '--deterministic']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await validateBom(result.stdout, 'json'), []);
    checkBom(JSON.parse(result.stdout) as Bom);
  });

  it('refuses a loopback registry unless named, then reads the same image from it', async () => {
    const ref = `image:${registry.host}/rayproject/ray:2.58.0`;
    const refused = await runCli(['sbom', ref]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--allow-registry-host|--insecure-registry/);

    const result = await runCli(['sbom', ref, '--insecure-registry', registry.host, '--deterministic']);
    assert.equal(result.code, 0, result.stderr);
    const bom = JSON.parse(result.stdout) as Bom;
    checkBom(bom);
    assert.match(bom.metadata.component.purl!, /^pkg:oci\/ray@sha256(%3A|:)[0-9a-f]{64}\?/);
  });

  it('scans the same image for advisories with the same flags', async () => {
    const result = await runCli([
      'scan',
      `image:${registry.host}/rayproject/ray:2.58.0`,
      '--insecure-registry',
      registry.host,
      '--format',
      'json',
      '--osv-db',
      '/nonexistent-raygate-mirror',
    ]);
    // No mirror: the command says so with exit 2 after reading the image, rather than reporting it clean.
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /OSV_MIRROR_EMPTY/);
  });
});
