import assert from 'node:assert/strict';
import { poetryLockCataloger } from '../../../../src/sbom/catalogers/poetry-lock/cataloger.ts';
import { poetrySatisfies } from '../../../../src/sbom/catalogers/poetry-lock/poetry-constraint.ts';
import {
  declared,
  edges,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';

describe('poetry-lock cataloger', () => {
  describe('when choosing files', () => {
    it('wants poetry.lock outside installed environments', () => {
      assert.equal(poetryLockCataloger.fileRequired('/svc/poetry.lock'), true);
      assert.equal(poetryLockCataloger.fileRequired('/usr/lib/python3/dist-packages/x/poetry.lock'), false);
      assert.equal(poetryLockCataloger.fileAccepted!('/locks/service.lock'), true);
    });
  });

  describe('when reading a lock-version 1.1 file (osv-scalibr)', () => {
    it('takes the category as group and hashes from [metadata.files]', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/one-package-with-metadata.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(result), ['emoji@2.0.0']);
      const emoji = only(result, 'emoji');
      assert.deepEqual(declared(emoji).groups, ['main']);
      assert.deepEqual(declared(emoji).artifacts, [
        {
          kind: 'sdist',
          filename: 'emoji-2.0.0.tar.gz',
          hashes: [
            {
              algorithm: 'sha256',
              value: '297fac7ec9e86f7b602792c28eb6f04819ba67ab88a34c56afcde52243a9a105',
            },
          ],
        },
      ]);
      // One file: its hash is the package's.
      assert.deepEqual(emoji.hashes, [
        { algorithm: 'sha256', value: '297fac7ec9e86f7b602792c28eb6f04819ba67ab88a34c56afcde52243a9a105' },
      ]);
      assert.deepEqual(result.problems, []);
    });

    it('draws [package.dependencies] edges, checking the constraint', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/two-packages.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(result), ['proto-plus@1.22.0', 'protobuf@4.21.5']);
      assert.deepEqual(edges(result), ['proto-plus@1.22.0 -> protobuf@4.21.5']);
    });

    it('reads a git source with its resolved commit, and a legacy index as lock source', async () => {
      const git = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/source-git.lock',
        '/poetry.lock',
      );
      assert.deepEqual(declared(only(git, 'ike')).vcs, {
        vcs: 'git',
        ref: 'cd66602cd29f61a2d2e7fb995fef1e61708c034d',
        immutable: true,
      });
      const legacy = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/source-legacy.lock',
        '/poetry.lock',
      );
      const appdirs = only(legacy, 'appdirs');
      assert.equal(declared(appdirs).index, 'https://piwheels.org/simple');
      assert.equal(appdirs.purl, 'pkg:pypi/appdirs@1.4.4?repository_url=https%3A%2F%2Fpiwheels.org%2Fsimple');
      assert.deepEqual(legacy.indexes, [
        {
          kind: 'lock-source',
          value: 'https://piwheels.org/simple',
          location: { path: '/poetry.lock', line: 1 },
        },
      ]);
    });

    it("adds 'optional' to the groups of a package only an extra installs", async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/optional-package.lock',
        '/poetry.lock',
      );
      assert.deepEqual(declared(only(result, 'numpy')).groups, ['main', 'optional']);
    });

    it('reads empty and names-outside-package-block files', async () => {
      assert.deepEqual(
        (await parseFixture(poetryLockCataloger, 'poetry-lock/scalibr/empty.lock', '/poetry.lock')).packages,
        [],
      );
      const names = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/names-outside-package-block.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(names), ['first-pkg@1.0.0', 'second-pkg@2.0.0']);
      assert.deepEqual(
        names.packages.map((p) => p.locations[0]!.line),
        [3, 15],
      );
      assert.deepEqual(
        problemCodes(
          await parseFixture(poetryLockCataloger, 'poetry-lock/scalibr/empty-file.lock', '/poetry.lock'),
        ),
        ['LOCK_FILE_EMPTY'],
      );
    });
  });

  describe('when reading a poetry 2.0 lock with per-package files and groups (osv-scalibr multiple-packages.v2)', () => {
    it('lists both locked versions of proto-plus and links each to protobuf', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/scalibr/multiple-packages.v2.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(result), [
        'async-timeout@5.0.1',
        'factory-boy@3.3.1',
        'faker@33.3.0',
        'proto-plus@1.22.0',
        'proto-plus@1.23.0',
        'protobuf@4.25.5',
        'python-dateutil@2.9.0.post0',
        'redis@5.2.1',
        'six@1.17.0',
        'typing-extensions@4.12.2',
        'urllib3@2.3.0',
      ]);
      assert.deepEqual(edges(result), [
        'factory-boy@3.3.1 -> faker@33.3.0',
        'faker@33.3.0 -> python-dateutil@2.9.0.post0',
        'faker@33.3.0 -> typing-extensions@4.12.2',
        'proto-plus@1.22.0 -> protobuf@4.25.5',
        'proto-plus@1.23.0 -> protobuf@4.25.5',
        'python-dateutil@2.9.0.post0 -> six@1.17.0',
        'redis@5.2.1 -> async-timeout@5.0.1',
      ]);
      assert.deepEqual(declared(only(result, 'faker')).groups, ['dev', 'test']);
      assert.deepEqual(declared(only(result, 'redis')).groups, ['caching', 'main', 'optional']);
      assert.equal(declared(only(result, 'protobuf')).artifacts!.length, 11);
      assert.equal(
        declared(only(result, 'async-timeout')).marker,
        'extra == "caching" and python_full_version < "3.11.3"',
      );
    });
  });

  describe("when reading syft's poetry locks", () => {
    it('reads simple-deps (lock 2.0)', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/syft/simple-deps/poetry.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(result), [
        'certifi@2024.2.2',
        'charset-normalizer@3.3.2',
        'idna@3.7',
        'requests@2.32.2',
        'urllib3@2.2.1',
      ]);
      assert.deepEqual(edges(result), [
        'requests@2.32.2 -> certifi@2024.2.2',
        'requests@2.32.2 -> charset-normalizer@3.3.2',
        'requests@2.32.2 -> idna@3.7',
        'requests@2.32.2 -> urllib3@2.2.1',
      ]);
      assert.equal(declared(only(result, 'charset-normalizer')).artifacts!.length, 91);
    });

    it('reads nested-extras: 39 packages, 50 edges', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/syft/nested-extras/poetry.lock',
        '/poetry.lock',
      );
      assert.equal(result.packages.length, 39);
      assert.equal(result.relationships.length, 50);
      assert.deepEqual(result.problems, []);
    });

    it('reads conflicting-with-extras: 21 packages, 16 edges', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/syft/conflicting-with-extras/poetry.lock',
        '/poetry.lock',
      );
      assert.equal(result.packages.length, 21);
      assert.equal(result.relationships.length, 16);
    });

    it('resolves dependency names case-insensitively (Django → django) and reports placeholder hashes', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/syft/case-sensitivity/poetry.lock',
        '/poetry.lock',
      );
      assert.deepEqual(edges(result), [
        'dj-rest-auth@7.0.1 -> django@5.2.6',
        'dj-rest-auth@7.0.1 -> djangorestframework@3.16.1',
        'djangorestframework@3.16.1 -> django@5.2.6',
      ]);
      assert.deepEqual(problemCodes(result), [
        'LOCK_HASH_INVALID@3',
        'LOCK_HASH_INVALID@3',
        'LOCK_HASH_INVALID@19',
        'LOCK_HASH_INVALID@19',
      ]);
    });

    it('reads an old 1.0 lock with a legacy source and a malformed dependency', async () => {
      const result = await parseFixture(
        poetryLockCataloger,
        'poetry-lock/syft/dev-deps/poetry.lock',
        '/poetry.lock',
      );
      assert.deepEqual(nameVersions(result), [
        'added-value@0.14.2',
        'alabaster@0.7.12',
        'appnope@0.1.0',
        'asciitree@0.3.3',
      ]);
      assert.ok(result.packages.every((p) => declared(p).groups?.join() === 'dev'));
      assert.deepEqual(problemCodes(result), ['LOCK_FIELD_INVALID@1']);
      assert.equal(
        declared(only(result, 'appnope')).marker,
        'python_version >= "3.4" and sys_platform == "darwin" or sys_platform == "darwin"',
      );
    });
  });

  describe('when a lock-1.x [metadata.files] list covers two versions of one name', () => {
    it('gives each version the files whose names carry its version', async () => {
      const text = [
        '[[package]]',
        'name = "six"',
        'version = "1.15.0"',
        'category = "main"',
        '',
        '[[package]]',
        'name = "six"',
        'version = "1.16.0"',
        'category = "dev"',
        '',
        '[metadata]',
        'lock-version = "1.1"',
        'content-hash = "x"',
        '',
        '[metadata.files]',
        'six = [',
        `    {file = "six-1.15.0-py2.py3-none-any.whl", hash = "sha256:${'a'.repeat(64)}"},`,
        `    {file = "six-1.16.0-py2.py3-none-any.whl", hash = "sha256:${'b'.repeat(64)}"},`,
        `    {file = "six-1.16.0.tar.gz", hash = "sha256:${'c'.repeat(64)}"},`,
        ']',
      ].join('\n');
      const result = await parseText(poetryLockCataloger, text, '/poetry.lock');
      const [old, current] = result.packages;
      assert.deepEqual(
        declared(old!).artifacts!.map((a) => a.filename),
        ['six-1.15.0-py2.py3-none-any.whl'],
      );
      assert.deepEqual(
        declared(current!).artifacts!.map((a) => a.filename),
        ['six-1.16.0-py2.py3-none-any.whl', 'six-1.16.0.tar.gz'],
      );
      assert.deepEqual(old!.hashes, [{ algorithm: 'sha256', value: 'a'.repeat(64) }]);
    });
  });

  describe('poetrySatisfies', () => {
    it('reads caret, tilde, ranges, wildcards and alternatives', () => {
      assert.equal(poetrySatisfies('1.9.0', '^1.2'), true);
      assert.equal(poetrySatisfies('2.0.0', '^1.2'), false);
      assert.equal(poetrySatisfies('0.3.0', '^0.2.3'), false);
      assert.equal(poetrySatisfies('1.2.9', '~1.2.3'), true);
      assert.equal(poetrySatisfies('1.3.0', '~1.2.3'), false);
      assert.equal(poetrySatisfies('1.5', '>=1.0 <2.0'), true);
      assert.equal(poetrySatisfies('3.0', '>=1,<2 || >=3'), true);
      assert.equal(poetrySatisfies('1.2.7', '1.2.*'), true);
      assert.equal(poetrySatisfies('1.0', '*'), true);
      assert.equal(poetrySatisfies('1.0', 'not a constraint'), undefined);
    });
  });
});
