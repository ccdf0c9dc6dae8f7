import assert from 'node:assert/strict';
import { pipfileLockCataloger } from '../../../../src/sbom/catalogers/pipfile-lock/cataloger.ts';
import {
  declared,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';

describe('pipfile-lock cataloger', () => {
  describe('when choosing files', () => {
    it('wants Pipfile.lock by its exact name', () => {
      assert.equal(pipfileLockCataloger.fileRequired('/app/Pipfile.lock'), true);
      assert.equal(pipfileLockCataloger.fileRequired('/app/pipfile.lock'), false);
      assert.equal(pipfileLockCataloger.fileAccepted!('/app/lock.json'), true);
    });
  });

  describe("when reading syft's Pipfile.lock with two sources", () => {
    it('lists default and develop packages with their groups, hashes per file and index by source name', async () => {
      const result = await parseFixture(
        pipfileLockCataloger,
        'pipfile-lock/syft/Pipfile.lock',
        '/Pipfile.lock',
      );
      assert.deepEqual(nameVersions(result), [
        'aio-pika@6.8.0',
        'aiodns@2.0.0',
        'aiohttp@3.7.4.post0',
        'aiohttp-jinja2@1.4.2',
        'astroid@2.5.2',
        'autopep8@1.5.6',
      ]);
      assert.deepEqual(declared(only(result, 'aio-pika')).groups, ['default']);
      assert.deepEqual(declared(only(result, 'astroid')).groups, ['develop']);
      const aiodns = only(result, 'aiodns');
      assert.equal(declared(aiodns).index, 'https://test.pypi.org/simple');
      assert.equal(aiodns.purl, 'pkg:pypi/aiodns@2.0.0?repository_url=https%3A%2F%2Ftest.pypi.org%2Fsimple');
      assert.equal(declared(aiodns).artifacts!.length, 2);
      assert.deepEqual(aiodns.hashes, []);
      assert.deepEqual(aiodns.locations, [{ path: '/Pipfile.lock', line: 32 }]);
      // No `index` and two sources: the lock does not say which one.
      assert.equal(declared(only(result, 'astroid')).index, undefined);
      assert.deepEqual(result.relationships, []);
      assert.deepEqual(result.indexes, [
        {
          kind: 'lock-source',
          value: 'https://pypi.org/simple',
          location: { path: '/Pipfile.lock', line: 13 },
        },
        {
          kind: 'lock-source',
          value: 'https://test.pypi.org/simple',
          location: { path: '/Pipfile.lock', line: 18 },
        },
      ]);
    });
  });

  describe("when reading osv-scalibr's Pipfile.lock cases", () => {
    it('merges a package locked in both categories into one with both groups', async () => {
      const result = await parseFixture(
        pipfileLockCataloger,
        'pipfile-lock/scalibr/multiple-packages.json',
        '/Pipfile.lock',
      );
      const itsdangerous = result.packages.filter((p) => p.name === 'itsdangerous');
      assert.equal(itsdangerous.length, 1);
      assert.deepEqual(declared(itsdangerous[0]!).groups, ['default', 'develop']);
      assert.equal(declared(only(result, 'markupsafe')).artifacts!.length, 40);
      assert.equal(declared(only(result, 'markupsafe')).marker, "python_version >= '3.7'");
      // pluggy is locked at different versions in the two categories: two packages.
      const pluggy = result.packages.filter((p) => p.name === 'pluggy');
      assert.deepEqual(
        pluggy.map((p) => [p.version, declared(p).groups, declared(p).artifacts?.length ?? 0]),
        [
          ['1.0.1', ['default'], 0],
          ['1.0.0', ['develop'], 2],
        ],
      );
    });

    it('reads git entries without versions as editable, unpinned VCS references at a full commit', async () => {
      const result = await parseFixture(
        pipfileLockCataloger,
        'pipfile-lock/scalibr/no-version.json',
        '/Pipfile.lock',
      );
      assert.deepEqual(nameVersions(result), ['markupsafe@*', 'itsdangerous@*']);
      const meta = declared(only(result, 'markupsafe'));
      assert.equal(meta.pinned, false);
      assert.equal(meta.editable, true);
      assert.deepEqual(meta.vcs, {
        vcs: 'git',
        ref: 'b36054111bc1e8bbadb5d0d60158feb72926f467',
        immutable: true,
      });
      assert.equal(
        meta.url,
        'git+https://github.com/pallets/markupsafe@b36054111bc1e8bbadb5d0d60158feb72926f467',
      );
    });

    it('reads a minified lock with every entry on line 1', async () => {
      const result = await parseFixture(
        pipfileLockCataloger,
        'pipfile-lock/scalibr/minified.json',
        '/Pipfile.lock',
      );
      assert.ok(result.packages.length > 0);
      assert.ok(result.packages.every((p) => p.locations[0]!.line === 1));
    });

    it('reads empty sections and reports empty and non-JSON files', async () => {
      assert.deepEqual(
        (await parseFixture(pipfileLockCataloger, 'pipfile-lock/scalibr/empty.json', '/Pipfile.lock'))
          .packages,
        [],
      );
      assert.deepEqual(
        problemCodes(
          await parseFixture(pipfileLockCataloger, 'pipfile-lock/scalibr/empty-file', '/Pipfile.lock'),
        ),
        ['LOCK_FILE_EMPTY'],
      );
      assert.deepEqual(
        problemCodes(
          await parseFixture(pipfileLockCataloger, 'pipfile-lock/scalibr/not-json.txt', '/Pipfile.lock'),
        ),
        ['LOCK_JSON_INVALID'],
      );
      const trailingComma = await parseText(
        pipfileLockCataloger,
        '{\n  "default": {},\n}\n',
        '/Pipfile.lock',
      );
      assert.deepEqual(problemCodes(trailingComma), ['LOCK_JSON_INVALID@3']);
    });
  });

  describe('when a source turns TLS verification off or carries credentials', () => {
    it('declares a trusted host and redacts the credentials', async () => {
      const lock = {
        _meta: {
          sources: [
            { name: 'corp', url: 'http://deploy:s3cret@pypi.corp.example/simple', verify_ssl: false },
          ],
        },
        default: { internal: { version: '==1.0', index: 'corp', hashes: [] } },
      };
      const result = await parseText(pipfileLockCataloger, JSON.stringify(lock, null, 2), '/Pipfile.lock');
      assert.deepEqual(
        result.indexes!.map((i) => [i.kind, i.value]),
        [
          ['lock-source', 'http://***@pypi.corp.example/simple'],
          ['trusted-host', 'pypi.corp.example'],
        ],
      );
      assert.equal(declared(only(result, 'internal')).index, 'http://***@pypi.corp.example/simple');
      assert.ok(!JSON.stringify(result).includes('s3cret'));
    });
  });
});
