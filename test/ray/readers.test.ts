import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { readInstalledRay } from '../../src/ray/installed-ray-reader.ts';
import { readRayInputs } from '../../src/ray/ray-input-reader.ts';
import { selectCatalogers } from '../../src/sbom/catalogers/index.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { RAY_FIXTURES } from './support.ts';

async function cycloneDx(file: string, components: [string, string][]): Promise<void> {
  const bom = new CDX.Models.Bom();
  for (const [name, version] of components) {
    bom.components.add(
      new CDX.Models.Component(CDX.Enums.ComponentType.Library, name, {
        version,
        purl: new PackageURL('pypi', undefined, name, version).toString(),
        bomRef: `pkg:pypi/${name}@${version}`,
      }),
    );
  }
  const serializer = new CDX.Serialize.JsonSerializer(
    new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6),
  );
  await writeFile(file, serializer.serialize(bom, { sortLists: true, space: 2 }));
}

describe('readRayInputs', () => {
  describe('when walking a folder', () => {
    it('reads deployment files by name or shebang, skips others and dependency folders, and shows relative paths', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        await mkdir(path.join(dir, 'deploy/node_modules/x'), { recursive: true });
        await writeFile(path.join(dir, 'deploy/cluster.yaml'), 'kind: RayCluster\n');
        await writeFile(path.join(dir, 'deploy/start'), '#!/bin/bash\nray start --head\n');
        await writeFile(path.join(dir, 'deploy/notes'), 'not a script\n');
        await writeFile(path.join(dir, 'deploy/Dockerfile'), 'FROM rayproject/ray:2.56.0\n');
        await writeFile(path.join(dir, 'deploy/.env'), 'RAY_AUTH_MODE=token\n');
        await writeFile(path.join(dir, 'deploy/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
        await writeFile(path.join(dir, 'deploy/node_modules/x/evil.yaml'), 'kind: RayCluster\n');
        await symlink(path.join(dir, 'deploy'), path.join(dir, 'deploy/loop'));
        const result = await readRayInputs(['deploy'], { cwd: dir });
        assert.deepEqual(
          result.files.map((f) => [f.path, f.explicit ?? false]),
          [
            ['deploy/.env', false],
            ['deploy/Dockerfile', false],
            ['deploy/cluster.yaml', false],
            ['deploy/start', false],
          ],
        );
        assert.deepEqual(result.problems, []);
      } finally {
        await cleanup();
      }
    });
  });

  describe('when a file is too large, binary or missing', () => {
    it('reports a 50 MB file without reading it whole, and a binary file named explicitly', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const line = `k: "${'x'.repeat(1000)}"\n`;
        await writeFile(
          path.join(dir, 'huge.yaml'),
          line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)),
        );
        await writeFile(path.join(dir, 'blob.yaml'), Buffer.from([0x61, 0, 0x62]));
        const result = await readRayInputs(['huge.yaml', 'blob.yaml'], { cwd: dir });
        assert.deepEqual(result.files, []);
        assert.deepEqual(
          result.problems.map((p) => [p.code, p.severity, p.file]),
          [
            ['RAY_INPUT_TOO_LARGE', 'error', 'huge.yaml'],
            ['RAY_INPUT_BINARY', 'error', 'blob.yaml'],
          ],
        );
        await assertRejectsWithCode(
          () => readRayInputs(['missing.yaml'], { cwd: dir }),
          'RAY_INPUT_NOT_FOUND',
        );
      } finally {
        await cleanup();
      }
    });

    it('reads standard input for -', async () => {
      const result = await readRayInputs(['-'], { stdin: async () => 'kind: RayCluster\n' });
      assert.deepEqual(result.files, [{ path: 'stdin.yaml', content: 'kind: RayCluster\n', explicit: true }]);
    });
  });
});

describe('readInstalledRay', () => {
  describe('when given a CycloneDX SBOM', () => {
    it('finds ray and notices Ray Data dependencies', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const file = path.join(dir, 'image.cdx.json');
        await cycloneDx(file, [
          ['ray', '2.52.0'],
          ['pyarrow', '19.0.1'],
          ['requests', '2.32.3'],
        ]);
        const result = await readInstalledRay(file);
        assert.deepEqual(result.installed, [
          { version: '2.52.0', source: file, location: 'pkg:pypi/ray@2.52.0', rayData: true },
        ]);
        assert.deepEqual(result.problems, []);
      } finally {
        await cleanup();
      }
    });

    it('reports an SBOM without ray', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const file = path.join(dir, 'other.cdx.json');
        await cycloneDx(file, [['requests', '2.32.3']]);
        const result = await readInstalledRay(file);
        assert.deepEqual(result.installed, []);
        assert.deepEqual(
          result.problems.map((p) => p.code),
          ['RAY_SBOM_NO_RAY'],
        );
      } finally {
        await cleanup();
      }
    });
  });

  describe('when given a target the SBOM catalogers read', () => {
    it("finds ray in Ray's image lock file through the catalogers, or says no cataloger can read it", async () => {
      const file = path.join(RAY_FIXTURES, 'sbom/requirements_compiled_ray_img_3.9.txt');
      const result = await readInstalledRay(file);
      if (selectCatalogers(['installed', 'declared']).length === 0) {
        assert.deepEqual(result.installed, []);
        assert.match(result.problems.map((p) => p.message).join('\n'), /no Python cataloger is available/);
      } else {
        assert.deepEqual(
          result.installed.map((i) => i.version),
          ['3.0.0.dev0'],
        );
      }
    });
  });
});
