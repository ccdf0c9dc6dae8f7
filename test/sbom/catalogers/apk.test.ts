import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apkCataloger } from '../../../src/sbom/catalogers/apk/cataloger.ts';
import type { CatalogContext } from '../../../src/sbom/catalogers/cataloger.ts';
import type { ApkMetadata } from '../../../src/sbom/model.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

const INSTALLED = path.join(REPO_ROOT, 'test/fixtures/sbom/apk/multiple/lib/apk/db/installed');

function contextWith(files: Record<string, string>): CatalogContext {
  return {
    exists: (p) => p in files,
    read: async (p) => (p in files ? Buffer.from(files[p]!) : undefined),
  };
}

describe('apk cataloger', () => {
  describe('when reading a real installed database (syft testdata)', () => {
    it('finds every package with origin, maintainer, commit and license', async () => {
      const result = await apkCataloger.parse(
        { path: '/lib/apk/db/installed', bytes: readFileSync(INSTALLED) },
        contextWith({ '/etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\n' }),
      );
      assert.deepEqual(
        result.packages.map((p) => `${p.name}@${p.version}`),
        ['bash@5.2.21-r0', 'busybox-binsh@1.36.1-r15', 'musl@1.2.4_git20230717-r4', 'readline@8.2.1-r2'],
      );
      const binsh = result.packages[1]!;
      assert.equal((binsh.metadata as ApkMetadata).origin, 'busybox');
      assert.equal(
        (binsh.metadata as ApkMetadata).maintainer,
        'Sören Tempel <soeren+alpine@soeren-tempel.net>',
      );
      assert.equal(binsh.purl, 'pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19.0');
      assert.deepEqual(binsh.licenses, [{ text: 'GPL-2.0-only' }]);
      assert.deepEqual(result.problems, []);
    });

    it('links dependencies through provided names (so:, cmd:)', async () => {
      const result = await apkCataloger.parse(
        { path: '/lib/apk/db/installed', bytes: readFileSync(INSTALLED) },
        contextWith({}),
      );
      const name = (id: string) => result.packages.find((p) => p.id === id)!.name;
      const edges = result.relationships.map((r) => `${name(r.from)}->${name(r.to)}`).sort();
      assert.deepEqual(edges, ['bash->busybox-binsh', 'bash->musl', 'bash->readline', 'readline->musl']);
    });
  });

  describe('when os-release is missing or records are broken', () => {
    it('reports the unknown distro and skips records without a version', async () => {
      const bytes = Buffer.from('P:broken\nA:x86_64\n\nP:ok\nV:1.0-r0\nA:x86_64\nnot a record line\n');
      const result = await apkCataloger.parse({ path: '/lib/apk/db/installed', bytes }, contextWith({}));
      assert.deepEqual(
        result.packages.map((p) => p.purl),
        ['pkg:apk/alpine/ok@1.0-r0?arch=x86_64'],
      );
      assert.deepEqual(result.problems.map((p) => p.code).sort(), [
        'SBOM_APK_MALFORMED',
        'SBOM_APK_MALFORMED',
        'SBOM_DISTRO_UNKNOWN',
      ]);
    });
  });
});
