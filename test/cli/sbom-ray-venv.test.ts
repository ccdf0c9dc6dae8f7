import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateBom } from '../../src/sbom/cyclonedx/validate.ts';
import { normalizePythonName } from '../../src/sbom/python/names.ts';
import { parsePurl } from '../../src/shared/purl.ts';
import { rayVenv } from '../support/ray-venv.ts';
import { runCli } from '../support/run-cli.ts';

interface Component {
  'bom-ref': string;
  name: string;
  version?: string;
  purl?: string;
  components?: Component[];
}

function flatten(components: Component[] = []): Component[] {
  return components.flatMap((c) => [c, ...flatten(c.components)]);
}

// The first slice's acceptance test, end to end through the real binary: a real `ray[data]` venv in,
// a schema-valid CycloneDX document out, with every package pip knows plus the ones Ray vendors.
describe('raygate sbom of a real Ray environment', function () {
  this.timeout(15 * 60_000);
  let venv: string;
  let pipList: { name: string; version: string }[];

  before(async () => {
    venv = await rayVenv();
    const { stdout } = await promisify(execFile)(path.join(venv, 'bin/python'), [
      '-m',
      'pip',
      'list',
      '--format',
      'json',
    ]);
    pipList = JSON.parse(stdout) as { name: string; version: string }[];
  });

  it('writes valid CycloneDX 1.6 JSON with pip list’s packages at top level and vendored ones nested in ray', async () => {
    const run = await runCli(['sbom', venv, '--deterministic']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await validateBom(run.stdout, 'json'), []);
    const bom = JSON.parse(run.stdout) as {
      components: Component[];
      dependencies: { ref: string; dependsOn?: string[] }[];
    };

    const topLevel = bom.components.map((c) => `${c.name}@${c.version}`).sort();
    const expected = pipList.map((p) => `${normalizePythonName(p.name)}@${p.version}`).sort();
    assert.deepEqual(topLevel, expected);

    const ray = bom.components.find((c) => c.name === 'ray')!;
    const vendored = (ray.components ?? []).map((c) => c.name).sort();
    assert.ok(vendored.length >= 10, `ray vendors ${vendored.length} packages`);
    assert.ok(vendored.includes('psutil') && vendored.includes('aiohttp') && vendored.includes('yarl'));
    const rayDeps = bom.dependencies.find((d) => d.ref === ray['bom-ref'])!.dependsOn ?? [];
    for (const v of ray.components!)
      assert.ok(rayDeps.includes(v['bom-ref']), `ray does not depend on ${v.name}`);

    for (const component of flatten(bom.components)) {
      const purl = parsePurl(component.purl ?? '');
      assert.ok(purl, `${component.name} has no valid purl`);
      assert.equal(purl.type, 'pypi');
      assert.equal(purl.version, component.version);
    }
  });

  it('writes the same inventory as valid CycloneDX XML, byte-identical across runs', async () => {
    const first = await runCli(['sbom', venv, '--deterministic', '--format', 'cyclonedx-xml']);
    const second = await runCli(['sbom', venv, '--deterministic', '--format', 'cyclonedx-xml']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, second.stdout);
    assert.deepEqual(await validateBom(first.stdout, 'xml'), []);
    const components = first.stdout.match(/<component type="library"/g) ?? [];
    assert.equal(components.length, pipList.length + 12);
  });
});
