import assert from 'node:assert/strict';
import { uvLockCataloger } from '../../../../src/sbom/catalogers/uv-lock/cataloger.ts';
import {
  declared,
  edges,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';

describe('uv-lock cataloger', () => {
  describe('when choosing files', () => {
    it('wants uv.lock outside installed environments and accepts any named *.lock', () => {
      assert.equal(uvLockCataloger.fileRequired('/app/uv.lock'), true);
      assert.equal(uvLockCataloger.fileRequired('/app/poetry.lock'), false);
      assert.equal(uvLockCataloger.fileRequired('/venv/lib/python3.11/site-packages/pkg/uv.lock'), false);
      assert.equal(uvLockCataloger.fileAccepted!('/deps.lock'), true);
      assert.equal(uvLockCataloger.fileAccepted!('/deps.txt'), false);
    });
  });

  describe("when reading osv-scalibr's grouped-packages.lock", () => {
    it('lists every locked package but the project itself, with groups through which the project reaches them', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/grouped-packages.lock', '/uv.lock');
      assert.deepEqual(nameVersions(result), [
        'black@24.10.0',
        'click@8.1.7',
        'colorama@0.4.6',
        'emoji@2.14.0',
        'flake8@7.1.1',
        'mccabe@0.7.0',
        'mypy-extensions@1.0.0',
        'packaging@24.2',
        'pathspec@0.12.1',
        'platformdirs@4.3.6',
        'pycodestyle@2.12.1',
        'pyflakes@3.2.0',
        'tomli@2.2.1',
        'typing-extensions@4.12.2',
      ]);
      assert.deepEqual(declared(only(result, 'emoji')).groups, ['main']);
      assert.deepEqual(declared(only(result, 'black')).groups, ['dev', 'test']);
      assert.deepEqual(declared(only(result, 'click')).groups, ['cli', 'dev', 'test']);
      assert.deepEqual(declared(only(result, 'colorama')).groups, ['cli', 'dev', 'test']);
      assert.deepEqual(declared(only(result, 'pyflakes')).groups, ['test']);
      assert.deepEqual(result.problems, []);
    });

    it('draws the lock graph as depends-on edges', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/grouped-packages.lock', '/uv.lock');
      assert.deepEqual(edges(result), [
        'black@24.10.0 -> click@8.1.7',
        'black@24.10.0 -> mypy-extensions@1.0.0',
        'black@24.10.0 -> packaging@24.2',
        'black@24.10.0 -> pathspec@0.12.1',
        'black@24.10.0 -> platformdirs@4.3.6',
        'black@24.10.0 -> tomli@2.2.1',
        'black@24.10.0 -> typing-extensions@4.12.2',
        'click@8.1.7 -> colorama@0.4.6',
        'flake8@7.1.1 -> mccabe@0.7.0',
        'flake8@7.1.1 -> pycodestyle@2.12.1',
        'flake8@7.1.1 -> pyflakes@3.2.0',
      ]);
      assert.ok(result.relationships.every((r) => r.type === 'depends-on'));
    });

    it('keeps every wheel and sdist hash on its artifact and none on a package with several files', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/grouped-packages.lock', '/uv.lock');
      const black = only(result, 'black');
      const artifacts = declared(black).artifacts!;
      assert.equal(artifacts.length, 18);
      assert.equal(artifacts.filter((a) => a.kind === 'sdist').length, 1);
      assert.equal(artifacts.filter((a) => a.kind === 'wheel').length, 17);
      assert.ok(artifacts.every((a) => a.hashes.length === 1 && a.hashes[0]!.algorithm === 'sha256'));
      assert.deepEqual(artifacts[0], {
        kind: 'sdist',
        filename: 'black-24.10.0.tar.gz',
        url: 'https://files.pythonhosted.org/packages/d8/0d/cc2fb42b8c50d80143221515dd7e4766995bd07c56c9a3ed30baf080b6dc/black-24.10.0.tar.gz',
        hashes: [
          { algorithm: 'sha256', value: '846ea64c97afe3bc677b761787993be4991810ecc7a4a937816dd6bddedc4875' },
        ],
      });
      assert.deepEqual(black.hashes, []);
      assert.equal(declared(only(result, 'tomli')).artifacts!.length, 32);
    });

    it('records lock metadata, purl, location and the registry as a lock source', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/grouped-packages.lock', '/uv.lock');
      const emoji = only(result, 'emoji');
      assert.equal(emoji.id, 'pypi:emoji@2.14.0:/uv.lock');
      assert.equal(emoji.purl, 'pkg:pypi/emoji@2.14.0');
      assert.equal(emoji.foundBy, 'uv-lock');
      assert.deepEqual(emoji.locations, [{ path: '/uv.lock', line: 59 }]);
      const meta = declared(emoji);
      assert.equal(meta.format, 'uv-lock');
      assert.equal(meta.pinned, true);
      assert.equal(meta.specifier, '==2.14.0');
      assert.equal(meta.index, 'https://pypi.org/simple');
      assert.deepEqual(result.indexes, [
        { kind: 'lock-source', value: 'https://pypi.org/simple', location: { path: '/uv.lock', line: 4 } },
      ]);
    });
  });

  describe('when a package comes from git', () => {
    it('keeps the commit as an immutable VCS reference and a vcs_url purl qualifier', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/source-git.lock', '/uv.lock');
      assert.deepEqual(nameVersions(result), ['ruff@0.8.1']);
      const ruff = only(result, 'ruff');
      const meta = declared(ruff);
      assert.deepEqual(meta.vcs, {
        vcs: 'git',
        ref: '84748be16341b76e073d117329f7f5f4ee2941ad',
        immutable: true,
      });
      assert.equal(
        meta.url,
        'git+https://github.com/astral-sh/ruff@84748be16341b76e073d117329f7f5f4ee2941ad',
      );
      assert.equal(
        ruff.purl,
        'pkg:pypi/ruff@0.8.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fastral-sh%2Fruff%4084748be16341b76e073d117329f7f5f4ee2941ad',
      );
      assert.deepEqual(result.indexes, []);
    });

    it('marks a branch reference without a resolved commit as mutable', async () => {
      const text = `version = 1\n\n[[package]]\nname = "lib"\nversion = "1.0"\nsource = { git = "https://github.com/o/lib?branch=main" }\n`;
      const meta = declared(only(await parseText(uvLockCataloger, text, '/uv.lock'), 'lib'));
      assert.deepEqual(meta.vcs, { vcs: 'git', ref: 'main', immutable: false });
    });
  });

  describe("when reading syft's uv locks", () => {
    it('reads simple-deps: five packages, requests depending on the other four', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/syft/simple-deps/uv.lock', '/uv.lock');
      assert.deepEqual(nameVersions(result), [
        'certifi@2025.1.31',
        'charset-normalizer@3.4.1',
        'idna@3.10',
        'requests@2.32.3',
        'urllib3@2.3.0',
      ]);
      assert.deepEqual(edges(result), [
        'requests@2.32.3 -> certifi@2025.1.31',
        'requests@2.32.3 -> charset-normalizer@3.4.1',
        'requests@2.32.3 -> idna@3.10',
        'requests@2.32.3 -> urllib3@2.3.0',
      ]);
      assert.equal(declared(only(result, 'charset-normalizer')).artifacts!.length, 41);
      assert.ok(result.packages.every((p) => declared(p).groups?.join() === 'main'));
    });

    it('follows optional-dependencies of requested extras (httpx[brotli,http2,socks])', async () => {
      const result = await parseFixture(
        uvLockCataloger,
        'uv-lock/syft/conflicting-with-extras/uv.lock',
        '/uv.lock',
      );
      assert.equal(result.packages.length, 21);
      assert.equal(result.relationships.length, 19);
      const fromHttpx = edges(result).filter((e) => e.startsWith('httpx@'));
      assert.deepEqual(fromHttpx, [
        'httpx@0.28.1 -> anyio@4.6.2.post1',
        'httpx@0.28.1 -> brotli@1.1.0',
        'httpx@0.28.1 -> brotlicffi@1.1.0.0',
        'httpx@0.28.1 -> certifi@2025.1.31',
        'httpx@0.28.1 -> h2@4.2.0',
        'httpx@0.28.1 -> httpcore@1.0.7',
        'httpx@0.28.1 -> idna@3.10',
        'httpx@0.28.1 -> socksio@1.0.0',
      ]);
    });

    it('reads nested-extras (fastapi[all]): 41 packages, 62 edges, no problems', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/syft/nested-extras/uv.lock', '/uv.lock');
      assert.equal(result.packages.length, 41);
      assert.equal(result.relationships.length, 62);
      assert.deepEqual(result.problems, []);
      assert.ok(edges(result).includes('fastapi@0.111.1 -> uvicorn@0.34.0'));
      assert.ok(edges(result).includes('uvicorn@0.34.0 -> uvloop@0.21.0'));
    });

    it('reads multiple-extras: 16 packages, 17 edges', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/syft/multiple-extras/uv.lock', '/uv.lock');
      assert.equal(result.packages.length, 16);
      assert.equal(result.relationships.length, 17);
    });
  });

  describe('when the lock names one package at two versions (a fork)', () => {
    const text = [
      'version = 1',
      'requires-python = ">=3.9"',
      '',
      '[[package]]',
      'name = "app"',
      'version = "0.1.0"',
      'source = { virtual = "." }',
      'dependencies = [',
      '    { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < \'3.10\'" },',
      '    { name = "numpy", version = "2.2.0", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= \'3.10\'" },',
      '    { name = "scipy" },',
      ']',
      '',
      '[[package]]',
      'name = "numpy"',
      'version = "1.26.4"',
      'source = { registry = "https://pypi.org/simple" }',
      'resolution-markers = ["python_full_version < \'3.10\'"]',
      '',
      '[[package]]',
      'name = "numpy"',
      'version = "2.2.0"',
      'source = { registry = "https://pypi.org/simple" }',
      '',
      '[[package]]',
      'name = "scipy"',
      'version = "1.13.1"',
      'source = { registry = "https://pypi.org/simple" }',
      'dependencies = [',
      '    { name = "numpy", version = "2.2.0", source = { registry = "https://pypi.org/simple" } },',
      ']',
      '',
    ].join('\n');

    it('links each dependency to the version and source it names', async () => {
      const result = await parseText(uvLockCataloger, text, '/uv.lock');
      assert.deepEqual(nameVersions(result), ['numpy@1.26.4', 'numpy@2.2.0', 'scipy@1.13.1']);
      assert.deepEqual(edges(result), ['scipy@1.13.1 -> numpy@2.2.0']);
      assert.deepEqual(
        result.packages.map((p) => p.locations[0]!.line),
        [14, 20, 25],
      );
      assert.equal(declared(result.packages[0]!).marker, "python_full_version < '3.10'");
      assert.equal(declared(result.packages[1]!).marker, undefined);
    });
  });

  describe('when the lock has no packages or is empty', () => {
    it('reads no-packages and no-dependencies as empty without problems', async () => {
      for (const name of ['no-packages.lock', 'no-dependencies.lock']) {
        const result = await parseFixture(uvLockCataloger, `uv-lock/scalibr/${name}`, '/uv.lock');
        assert.deepEqual(result.packages, [], name);
        assert.deepEqual(result.problems, [], name);
      }
    });

    it('reports an empty file', async () => {
      const result = await parseFixture(uvLockCataloger, 'uv-lock/scalibr/empty.lock', '/uv.lock');
      assert.deepEqual(problemCodes(result), ['LOCK_FILE_EMPTY']);
    });
  });

  describe('when TOML strings contain look-alike names', () => {
    it('takes names and lines from the real [[package]] blocks only', async () => {
      const result = await parseFixture(
        uvLockCataloger,
        'uv-lock/scalibr/names-outside-package-block.lock',
        '/uv.lock',
      );
      assert.deepEqual(nameVersions(result), ['first-pkg@1.0.0', 'second-pkg@2.0.0']);
      assert.deepEqual(
        result.packages.map((p) => p.locations[0]!.line),
        [3, 15],
      );
    });
  });
});
