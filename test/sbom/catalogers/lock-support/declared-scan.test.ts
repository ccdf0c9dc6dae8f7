import assert from 'node:assert/strict';
import { copyFile, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CATALOGERS, selectCatalogers } from '../../../../src/sbom/catalogers/index.ts';
import { scanSource } from '../../../../src/sbom/scan.ts';
import { directorySource } from '../../../../src/sbom/sources/directory-reader.ts';
import { openTarget } from '../../../../src/sbom/sources/open-target.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';
import { SBOM_FIXTURES } from './parse-fixture.ts';

const DECLARED = [
  'uv-lock',
  'poetry-lock',
  'pipfile-lock',
  'pylock',
  'pip-report',
  'conda-environment',
  'conda-explicit',
];

describe('declared catalogers in a scan', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  const put = async (fixture: string, to: string) => {
    await mkdir(path.dirname(path.join(dir, to)), { recursive: true });
    await copyFile(path.join(SBOM_FIXTURES, fixture), path.join(dir, to));
  };

  describe('when registered', () => {
    it('are in the registry and selected by the declared tag', () => {
      const names = selectCatalogers(['declared']).map((c) => c.name);
      for (const name of DECLARED) assert.ok(names.includes(name), name);
      for (const c of CATALOGERS.filter((c) => DECLARED.includes(c.name))) {
        assert.ok(c.tags.includes('declared') && c.tags.includes('directory'), c.name);
      }
    });
  });

  describe('when a folder holds one file of each format, and locks inside an installed environment', () => {
    it('finds each by its conventional name, once, and skips the installed environment', async () => {
      await put('uv-lock/syft/simple-deps/uv.lock', 'svc-uv/uv.lock');
      await put('poetry-lock/syft/simple-deps/poetry.lock', 'svc-poetry/poetry.lock');
      await put('pipfile-lock/syft/Pipfile.lock', 'svc-pipenv/Pipfile.lock');
      await put('pylock/scalibr/pip-full.toml', 'svc-pylock/pylock.toml');
      await put('pip-report/ray-data-2.58.0.pip-report.json', 'ci/pip-report.json');
      await put('conda-environment/export/environment.yml', 'lab/environment.yml');
      await put('conda-explicit/spec-file.txt', 'lab/spec-file.txt');
      await put(
        'poetry-lock/syft/nested-extras/poetry.lock',
        'venv/lib/python3.11/site-packages/somepkg/poetry.lock',
      );

      const result = await scanSource(directorySource(dir, { type: 'directory', name: 'proj' }), {
        catalogers: selectCatalogers(['declared']),
      });
      const count = (foundBy: string) => result.packages.filter((p) => p.foundBy === foundBy).length;
      assert.deepEqual(
        DECLARED.map((n) => [n, count(n)]),
        [
          ['uv-lock', 5],
          ['poetry-lock', 5],
          ['pipfile-lock', 6],
          ['pylock', 5],
          ['pip-report', 24],
          ['conda-environment', 2],
          ['conda-explicit', 2],
        ],
      );
      assert.ok(result.packages.every((p) => !p.locations[0]!.path.includes('site-packages')));
      assert.deepEqual(result.problems, []);
      // Edges survive the scan's check that both ends exist.
      assert.equal(result.relationships.length, 4 + 4 + 27);
      assert.ok(result.indexes.some((i) => i.value === 'https://test.pypi.org/simple'));
    });
  });

  describe('when the user names one file under an unconventional name', () => {
    it('lets the cataloger whose format it is read it, and no other', async () => {
      await put('poetry-lock/syft/simple-deps/poetry.lock', 'locks/service.lock');
      const { source, singleFile } = await openTarget(path.join(dir, 'locks/service.lock'));
      const result = await scanSource(source, { catalogers: CATALOGERS, singleFile });
      assert.equal(result.packages.length, 5);
      assert.ok(result.packages.every((p) => p.foundBy === 'poetry-lock'));
      assert.deepEqual(result.problems, []);
    });

    it('reads a uv lock, a pip report, a pylock and an environment under other names', async () => {
      const cases: [string, string, string, number][] = [
        ['uv-lock/scalibr/grouped-packages.lock', 'a/grouped.lock', 'uv-lock', 14],
        ['pip-report/ray-data-2.58.0.pip-report.json', 'b/report.json', 'pip-report', 24],
        ['pylock/scalibr/pdm-full.toml', 'c/locked.toml', 'pylock', 10],
        ['conda-environment/hand-written/environment.yml', 'd/ray.yaml', 'conda-environment', 14],
        ['pipfile-lock/syft/Pipfile.lock', 'e/pipenv.json', 'pipfile-lock', 6],
        ['conda-explicit/spec-file.txt', 'f/packages', 'conda-explicit', 2],
      ];
      for (const [fixture, to, foundBy, n] of cases) {
        await put(fixture, to);
        const { source, singleFile } = await openTarget(path.join(dir, to));
        const result = await scanSource(source, { catalogers: CATALOGERS, singleFile });
        assert.equal(result.packages.length, n, to);
        assert.ok(
          result.packages.every((p) => p.foundBy === foundBy),
          to,
        );
      }
    });

    it('reports a file no cataloger recognises once', async () => {
      await mkdir(path.join(dir, 'x'));
      await writeFile(path.join(dir, 'x/mystery.lock'), 'just some text\n');
      const { source, singleFile } = await openTarget(path.join(dir, 'x/mystery.lock'));
      const result = await scanSource(source, { catalogers: CATALOGERS, singleFile });
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.cataloger]),
        [['LOCK_FORMAT_UNKNOWN', 'uv-lock']],
      );
    });
  });

  describe('when a lock or environment file is 50 MB', () => {
    it("is refused by the reader's size limit without being read", async function () {
      this.timeout(60_000);
      for (const name of ['uv.lock', 'environment.yml', 'Pipfile.lock']) {
        const handle = await open(path.join(dir, name), 'w');
        const chunk = Buffer.alloc(1024 * 1024, '# padding padding padding padding\n');
        for (let i = 0; i < 50; i++) await handle.write(chunk);
        await handle.close();
      }
      const started = performance.now();
      const result = await scanSource(directorySource(dir, { type: 'directory', name: 'big' }), {
        catalogers: selectCatalogers(['declared']),
      });
      assert.ok(performance.now() - started < 10_000);
      assert.deepEqual(result.packages, []);
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.path]),
        [
          ['SBOM_FILE_TOO_LARGE', '/Pipfile.lock'],
          ['SBOM_FILE_TOO_LARGE', '/environment.yml'],
          ['SBOM_FILE_TOO_LARGE', '/uv.lock'],
        ],
      );
    });
  });
});
