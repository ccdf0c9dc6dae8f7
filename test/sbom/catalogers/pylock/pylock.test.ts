import assert from 'node:assert/strict';
import { pylockCataloger } from '../../../../src/sbom/catalogers/pylock/cataloger.ts';
import {
  declared,
  edges,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';

describe('pylock cataloger', () => {
  describe('when choosing files', () => {
    it('wants pylock.toml and pylock.<name>.toml (PEP 751 names)', () => {
      assert.equal(pylockCataloger.fileRequired('/app/pylock.toml'), true);
      assert.equal(pylockCataloger.fileRequired('/app/pylock.dev.toml'), true);
      assert.equal(pylockCataloger.fileRequired('/app/pyproject.toml'), false);
      assert.equal(pylockCataloger.fileRequired('/app/mylock.toml'), false);
      assert.equal(pylockCataloger.fileAccepted!('/app/mylock.toml'), true);
    });
  });

  describe("when reading uv's export with a VCS package and the project itself (commits.toml)", () => {
    it('keeps VCS and index packages and skips the project directory', async () => {
      const result = await parseFixture(pylockCataloger, 'pylock/scalibr/commits.toml', '/pylock.toml');
      assert.deepEqual(nameVersions(result), [
        'click@8.2.1',
        'mleroc@0.1.0',
        'packaging@24.2',
        'pathspec@0.12.1',
        'python-dateutil@2.9.0.post0',
        'scikit-learn@1.6.1',
        'tqdm@4.67.1',
      ]);
      assert.deepEqual(declared(only(result, 'mleroc')).vcs, {
        vcs: 'git',
        ref: '735093f03c4d8be70bfaaae44074ac92d7419b6d',
        immutable: true,
      });
      assert.equal(declared(only(result, 'scikit-learn')).artifacts!.length, 20);
      assert.equal(declared(only(result, 'click')).index, 'https://pypi.org/simple');
      assert.deepEqual(only(result, 'click').locations, [{ path: '/pylock.toml', line: 7 }]);
      assert.deepEqual(result.indexes, [
        {
          kind: 'lock-source',
          value: 'https://pypi.org/simple',
          location: { path: '/pylock.toml', line: 7 },
        },
      ]);
    });
  });

  describe("when reading PEP 751's own example (example.toml)", () => {
    it('turns packages.dependencies into edges and keeps the one wheel hash as the package hash', async () => {
      const result = await parseFixture(pylockCataloger, 'pylock/scalibr/example.toml', '/pylock.toml');
      assert.deepEqual(nameVersions(result), ['attrs@25.1.0', 'cattrs@24.1.2', 'numpy@2.2.3']);
      assert.deepEqual(edges(result), ['cattrs@24.1.2 -> attrs@25.1.0']);
      const attrs = only(result, 'attrs');
      assert.equal(attrs.hashes.length, 1);
      assert.equal(attrs.hashes[0]!.algorithm, 'sha256');
      assert.equal(declared(attrs).artifacts![0]!.filename, 'attrs-25.1.0-py3-none-any.whl');
      assert.equal(declared(only(result, 'numpy')).artifacts!.length, 2);
    });
  });

  describe("when reading pdm's export (pdm-full.toml)", () => {
    it('derives groups from the extras and dependency groups markers name', async () => {
      const result = await parseFixture(pylockCataloger, 'pylock/scalibr/pdm-full.toml', '/pylock.toml');
      assert.equal(result.packages.length, 10);
      assert.deepEqual(declared(only(result, 'idna')).groups, ['default', 'security']);
      assert.deepEqual(declared(only(result, 'pytest')).groups, ['tests']);
      assert.equal(
        declared(only(result, 'chardet')).marker,
        'os_name == "nt" and "default" in dependency_groups',
      );
      assert.deepEqual(
        declared(only(result, 'certifi')).artifacts!.map((a) => a.kind),
        ['sdist', 'wheel'],
      );
    });
  });

  describe("when reading pip's export (pip-full.toml, pip-just-self.toml)", () => {
    it('reads wheels given as arrays of tables', async () => {
      const result = await parseFixture(pylockCataloger, 'pylock/scalibr/pip-full.toml', '/pylock.toml');
      assert.deepEqual(nameVersions(result), [
        'annotated-types@0.7.0',
        'packaging@25.0',
        'pyproject-toml@0.1.0',
        'setuptools@80.9.0',
        'wheel@0.45.1',
      ]);
      assert.ok(result.packages.every((p) => p.hashes.length === 1));
      assert.deepEqual(
        result.packages.map((p) => p.locations[0]!.line),
        [4, 15, 26, 37, 48],
      );
    });

    it('yields nothing for a lock of only the project itself', async () => {
      const result = await parseFixture(pylockCataloger, 'pylock/scalibr/pip-just-self.toml', '/pylock.toml');
      assert.deepEqual(result.packages, []);
      assert.deepEqual(result.problems, []);
    });
  });

  describe('when the lock is broken', () => {
    it('reports malformed TOML with its line, an empty file, and a lock-version it must refuse', async () => {
      assert.deepEqual(
        problemCodes(await parseFixture(pylockCataloger, 'pylock/scalibr/not-toml.txt', '/pylock.toml')),
        ['LOCK_TOML_INVALID@1'],
      );
      assert.deepEqual(
        problemCodes(await parseFixture(pylockCataloger, 'pylock/scalibr/empty.toml', '/pylock.toml')),
        ['LOCK_FILE_EMPTY'],
      );
      const v2 = await parseText(
        pylockCataloger,
        'lock-version = "2.0"\ncreated-by = "x"\n[[packages]]\nname = "a"\n',
        '/pylock.toml',
      );
      assert.deepEqual(problemCodes(v2), ['LOCK_VERSION_UNSUPPORTED']);
      assert.deepEqual(v2.packages, []);
    });

    it('reports a dependency the lock does not list', async () => {
      const text =
        'lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "a"\nversion = "1"\ndependencies = [{name = "b"}]\n';
      assert.deepEqual(problemCodes(await parseText(pylockCataloger, text, '/pylock.toml')), [
        'LOCK_DEPENDENCY_UNRESOLVED@3',
      ]);
    });
  });
});
