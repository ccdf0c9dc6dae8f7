import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { glob } from 'node:fs/promises';
import path from 'node:path';
import { CATALOGERS, PROCESSORS } from '../../src/sbom/catalogers/index.ts';
import type { Package, ScanResult } from '../../src/sbom/model.ts';
import { normalizePythonName } from '../../src/sbom/python/names.ts';
import { scanSource } from '../../src/sbom/scan.ts';
import { openTarget } from '../../src/sbom/sources/open-target.ts';
import { parsePurl } from '../../src/shared/purl.ts';
import { pipList, rayVenv } from '../support/ray-venv.ts';

describe('raygate sbom of a real ray[data] venv', function () {
  // Building the venv the first time runs pip (about 30 s here); later runs reuse the cache.
  this.timeout(20 * 60_000);

  let venv: string;
  let sitePackages: string;
  let result: ScanResult;
  let pip: string[];
  let nestedOnDisk: { key: string; location: string }[];
  let rayThirdParty: string[];

  before(async () => {
    venv = await rayVenv();
    const { source } = await openTarget(venv);
    result = await scanSource(source, { catalogers: CATALOGERS, processors: PROCESSORS });
    pip = (await pipList(venv)).map((p) => `${normalizePythonName(p.name)}@${p.version}`).sort();
    const [lib] = await collect(glob('lib/python3.*/site-packages', { cwd: venv }));
    assert.ok(lib, 'the venv has a site-packages');
    sitePackages = `/${lib}`;
    // Found independently of raygate, by folder name: every dist-info below a package folder of
    // site-packages (what pip does not list), and among them Ray's thirdparty_files.
    const nested = await collect(glob('*/**/*.dist-info', { cwd: path.join(venv, lib) }));
    nestedOnDisk = nested
      .map((rel) => {
        const m = /^(.+)-([^-]+)\.dist-info$/.exec(path.basename(rel))!;
        return { key: `${normalizePythonName(m[1]!)}@${m[2]}`, location: `${sitePackages}/${rel}/METADATA` };
      })
      .sort((a, b) => (a.location < b.location ? -1 : 1));
    rayThirdParty = (
      await collect(glob('ray/**/thirdparty_files/*.dist-info', { cwd: path.join(venv, lib) }))
    )
      .map((rel) => `${sitePackages}/${rel}/METADATA`)
      .sort();
  });

  const key = (p: Package) => `${p.name}@${p.version}`;
  const vendoredIds = () =>
    new Set(result.relationships.filter((r) => r.type === 'vendors').map((r) => r.to));

  it('lists exactly what pip lists, plus the distributions vendored inside packages', () => {
    assert.ok(rayThirdParty.length >= 10, `Ray 2.58 vendors about a dozen, found ${rayThirdParty.length}`);
    const vendored = vendoredIds();
    const installed = result.packages.filter((p) => !vendored.has(p.id));
    assert.deepEqual(installed.map(key).sort(), pip);
    assert.deepEqual(
      result.packages
        .filter((p) => vendored.has(p.id))
        .map((p) => ({ key: key(p), location: p.locations[0]!.path }))
        .sort((a, b) => (a.location < b.location ? -1 : 1)),
      nestedOnDisk,
    );
    assert.equal(result.packages.length, pip.length + nestedOnDisk.length);
  });

  it('marks every distribution under ray/**/thirdparty_files as vendored by ray', () => {
    const ray = result.packages.find((p) => p.name === 'ray')!;
    for (const location of rayThirdParty) {
      const pkg = result.packages.find((p) => p.locations[0]!.path === location);
      assert.ok(pkg, `a package at ${location}`);
      assert.ok(
        result.relationships.some((r) => r.type === 'vendors' && r.from === ray.id && r.to === pkg.id),
        `ray vendors ${location}`,
      );
    }
  });

  it('gives every component a valid pypi purl', () => {
    for (const pkg of result.packages) {
      const purl = parsePurl(pkg.purl ?? '');
      assert.ok(purl, `${pkg.id} has a purl`);
      assert.deepEqual([purl.type, purl.name, purl.version], ['pypi', pkg.name, pkg.version]);
    }
  });

  it('draws dependency edges with the environment’s markers and the installed extras', () => {
    const ray = result.packages.find((p) => p.name === 'ray')!;
    const depends = new Set(
      result.relationships
        .filter((r) => r.type === 'depends-on' && r.from === ray.id)
        .map((r) => result.packages.find((p) => p.id === r.to)!.name),
    );
    assert.ok(depends.has('click'), 'ray → click (base requirement)');
    assert.ok(depends.has('numpy'), 'ray → numpy (the data extra is installed)');
    assert.ok(depends.has('pandas') && depends.has('pyarrow'));
    assert.ok(!depends.has('grpcio'), 'ray → grpcio only with the client extra');
    assert.ok(!depends.has('aiohttp'), 'aiohttp is only vendored, in another folder');
  });

  it('resolves a vendored copy’s dependencies among the copies it is vendored with', () => {
    const yarl = result.packages.find((p) => p.name === 'yarl')!;
    const idnaTargets = result.relationships
      .filter((r) => r.type === 'depends-on' && r.from === yarl.id)
      .map((r) => result.packages.find((p) => p.id === r.to)!)
      .filter((p) => p.name === 'idna');
    assert.equal(idnaTargets.length, 1);
    const folder = (p: Package) => path.posix.dirname(path.posix.dirname(p.locations[0]!.path));
    assert.equal(folder(idnaTargets[0]!), folder(yarl));
    assert.notEqual(folder(yarl), sitePackages);
  });

  it('reads the interpreter from the venv itself', () => {
    const script = 'import platform; print(platform.python_version(), platform.machine())';
    const stdout = execFileSync(path.join(venv, 'bin', 'python'), ['-c', script], { encoding: 'utf8' });
    const [version, machine] = stdout.trim().split(' ');
    assert.deepEqual(result.environments.length, 1);
    const env = result.environments[0]!;
    assert.equal(env.sitePackages, sitePackages);
    assert.equal(env.markers.python_full_version, version);
    assert.equal(env.markers.platform_machine, machine);
    assert.equal(env.markers.sys_platform, 'linux');
    assert.equal(env.markers.implementation_name, 'cpython');
  });

  it('finishes without problems', () => {
    assert.deepEqual(result.problems, []);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
