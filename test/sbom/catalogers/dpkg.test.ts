import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dpkgCataloger, DPKG_CATALOGER } from '../../../src/sbom/catalogers/dpkg/cataloger.ts';
import { osReleaseCataloger } from '../../../src/sbom/catalogers/os-release/cataloger.ts';
import type { DpkgMetadata, ScanResult } from '../../../src/sbom/model.ts';
import { scanSource } from '../../../src/sbom/scan.ts';
import { directorySource } from '../../../src/sbom/sources/directory-reader.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sbom/dpkg');

function scanDir(dir: string, catalogers = [osReleaseCataloger, DPKG_CATALOGER]): Promise<ScanResult> {
  return scanSource(directorySource(dir, { type: 'directory', name: dir }), { catalogers });
}

/** dpkg states in which a package's files are on disk (dpkg-query(1)); raygate reports those. */
const PRESENT = new Set([
  'installed',
  'unpacked',
  'half-configured',
  'half-installed',
  'triggers-awaited',
  'triggers-pending',
]);

/** What dpkg itself says is installed, for the admin dir of a fixture: the oracle. */
function dpkgQuery(
  adminDir: string,
): Map<string, { version: string; source: string; sourceVersion: string; arch: string }> {
  const out = execFileSync(
    'dpkg-query',
    [
      '--admindir',
      adminDir,
      '-W',
      '-f',
      '${db:Status-Status}\t${Package}\t${Architecture}\t${Version}\t${source:Package}\t${source:Version}\n',
    ],
    { encoding: 'utf8' },
  );
  const result = new Map<string, { version: string; source: string; sourceVersion: string; arch: string }>();
  for (const line of out.split('\n')) {
    const [state, name, arch, version, source, sourceVersion] = line.split('\t');
    if (PRESENT.has(state!) && name)
      result.set(`${name}:${arch}`, {
        version: version!,
        source: source!,
        sourceVersion: sourceVersion!,
        arch: arch!,
      });
  }
  return result;
}

describe('dpkg cataloger', () => {
  describe('when reading a full Debian 12 status file', () => {
    it('finds exactly what dpkg-query reports installed, with source names and versions', async () => {
      const root = path.join(FIXTURES, 'debian12');
      const expected = dpkgQuery(path.join(root, 'var/lib/dpkg'));
      assert.ok(expected.size > 600, 'the oracle sees the packages');
      const result = await scanDir(root);
      const debs = result.packages.filter((p) => p.ecosystem === 'deb');
      assert.equal(debs.length, expected.size);
      for (const pkg of debs) {
        const meta = pkg.metadata as DpkgMetadata;
        const want = expected.get(`${pkg.name}:${meta.architecture}`);
        assert.ok(want, `${pkg.name} is installed according to dpkg-query`);
        assert.equal(pkg.version, want.version, pkg.name);
        assert.equal(meta.source, want.source, `${pkg.name} source`);
        assert.equal(meta.sourceVersion, want.sourceVersion, `${pkg.name} source version`);
      }
    });

    it('writes Debian purls with the distro from os-release, and the OS itself', async () => {
      const result = await scanDir(path.join(FIXTURES, 'debian12'));
      const bash = result.packages.find((p) => p.name === 'bash')!;
      assert.equal(bash.purl, 'pkg:deb/debian/bash@5.2.15-2+b8?arch=amd64&distro=debian-12');
      const os = result.packages.filter((p) => p.ecosystem === 'os');
      assert.deepEqual(
        os.map((p) => [p.name, p.version]),
        [['debian', '12']],
      );
      assert.deepEqual(result.problems, []);
      const util = result.packages.find((p) => p.name === 'util-linux')!;
      assert.equal((util.metadata as DpkgMetadata).sourceVersion, '2.38.1-5+deb12u3');
    });

    it('keeps the epoch in the version and links Depends to installed packages', async () => {
      const result = await scanDir(path.join(FIXTURES, 'debian12'));
      const withEpoch = result.packages.find((p) => p.ecosystem === 'deb' && p.version?.includes(':'));
      assert.ok(withEpoch, 'Debian 12 has packages with an epoch');
      const bash = result.packages.find((p) => p.name === 'bash')!;
      const deps = result.relationships
        .filter((r) => r.from === bash.id)
        .map((r) => result.packages.find((p) => p.id === r.to)!.name);
      assert.ok(deps.includes('base-files') && deps.includes('debianutils'), deps.join(','));
    });
  });

  describe('when reading syft and osv-scalibr testdata', () => {
    it('reads the distroless status.d layout', async () => {
      const result = await scanDir(path.join(FIXTURES, 'syft/image-distroless-deb'));
      const debs = result.packages.filter((p) => p.ecosystem === 'deb');
      assert.deepEqual(
        debs.map((p) => `${p.name}@${p.version}`),
        ['libsqlite3-0@3.34.1-3'],
      );
      assert.equal((debs[0]!.metadata as DpkgMetadata).source, 'sqlite3');
    });

    it('reads an image root with os-release and skips packages that are only configured', async () => {
      const result = await scanDir(path.join(FIXTURES, 'syft/image-dpkg'));
      const debs = result.packages.filter((p) => p.ecosystem === 'deb');
      assert.deepEqual(
        debs.map((p) => p.name),
        ['libpam-runtime'],
      );
      assert.match(
        debs[0]!.purl!,
        /^pkg:deb\/debian\/libpam-runtime@1\.1\.8-3\.6\?arch=all&distro=debian-12$/,
      );
    });

    it('turns status.d stanzas into packages and corrupt ones into problems', async () => {
      const cataloger = DPKG_CATALOGER;
      const read = async (name: string) => readFileSync(path.join(FIXTURES, 'syft/status.d', name));
      const context = { read: async () => undefined, exists: () => false };
      const single = await cataloger.parse(
        { path: '/var/lib/dpkg/status.d/single', bytes: await read('single') },
        context,
      );
      assert.equal(single.packages.length, 1);
      const deinstall = await cataloger.parse(
        { path: '/var/lib/dpkg/status.d/deinstall', bytes: await read('deinstall') },
        context,
      );
      assert.deepEqual(
        deinstall.packages.map((p) => p.name),
        ['linux-image-6.14.0-1012-aws'],
      );
      assert.equal((deinstall.packages[0]!.metadata as DpkgMetadata).source, 'linux-signed-aws-6.14');
      const corrupt = await cataloger.parse(
        { path: '/var/lib/dpkg/status.d/corrupt', bytes: await read('corrupt') },
        context,
      );
      assert.equal(corrupt.packages.length, 0);
      assert.ok(corrupt.problems.some((p) => p.code === 'SBOM_DPKG_MALFORMED'));
    });

    it('matches dpkg-query on osv-scalibr status variants', async () => {
      for (const name of ['valid', 'single', 'statusfield', 'trailingnewlines', 'transitional', 'empty']) {
        const temp = await makeTempDir();
        try {
          const bytes = readFileSync(path.join(FIXTURES, 'scalibr', name));
          writeFileSync(path.join(temp.dir, 'status'), bytes);
          const expected = [...dpkgQuery(temp.dir).keys()].map((k) => k.split(':')[0]).sort();
          const result = await DPKG_CATALOGER.parse(
            { path: '/var/lib/dpkg/status', bytes },
            { read: async () => undefined, exists: () => false },
          );
          assert.deepEqual(result.packages.map((p) => p.name).sort(), expected, name);
        } finally {
          await temp.cleanup();
        }
      }
    });
  });

  describe('when a stanza lacks Package or Version (dpkg-query itself refuses these files)', () => {
    it('skips the stanza, reports it, and keeps the others', async () => {
      for (const name of ['noversion', 'nopackage']) {
        const bytes = readFileSync(path.join(FIXTURES, 'scalibr', name));
        const result = await DPKG_CATALOGER.parse(
          { path: '/var/lib/dpkg/status', bytes },
          { read: async () => undefined, exists: () => false },
        );
        assert.ok(
          result.problems.some((p) => p.code === 'SBOM_DPKG_MALFORMED'),
          name,
        );
        assert.ok(result.packages.length > 0, `${name} still yields the valid stanzas`);
        assert.ok(result.packages.every((p) => p.version && p.name));
      }
    });
  });

  describe('when asked for files', () => {
    it('reads info/<pkg>.list', async () => {
      const result = await scanDir(path.join(FIXTURES, 'debian12'), [
        osReleaseCataloger,
        dpkgCataloger({ files: true }),
      ]);
      // The fixture holds the status file only: no .list files, so no file lists and no error.
      assert.ok(result.packages.every((p) => p.metadata.kind !== 'dpkg' || p.metadata.files === undefined));
    });
  });
});
