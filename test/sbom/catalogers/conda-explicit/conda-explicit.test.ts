import assert from 'node:assert/strict';
import { condaExplicitCataloger } from '../../../../src/sbom/catalogers/conda-explicit/cataloger.ts';
import { parseCondaArchiveUrl } from '../../../../src/sbom/catalogers/conda-explicit/conda-url.ts';
import type { Package } from '../../../../src/sbom/model.ts';
import { nameVersions, only, parseFixture, parseText, problemCodes } from '../lock-support/parse-fixture.ts';

function conda(pkg: Package) {
  if (pkg.metadata.kind !== 'conda') throw new Error(`${pkg.name} is ${pkg.metadata.kind}`);
  return pkg.metadata;
}

describe('conda-explicit cataloger', () => {
  describe('when choosing files', () => {
    it("wants spec-file.txt, explicit*.txt and conda-lock's conda-<platform>.lock", () => {
      for (const p of [
        '/env/spec-file.txt',
        '/env/explicit-linux.txt',
        '/env/conda-linux-64.lock',
        '/env/conda-osx-arm64.lock',
      ]) {
        assert.equal(condaExplicitCataloger.fileRequired(p), true, p);
      }
      assert.equal(condaExplicitCataloger.fileRequired('/env/requirements.txt'), false);
      assert.equal(
        condaExplicitCataloger.fileRequired('/home/ray/anaconda3/pkgs/foo-1.0-0/info/spec-file.txt'),
        false,
      );
      assert.equal(condaExplicitCataloger.fileAccepted!('/env/packages'), true);
    });
  });

  describe('when reading `conda list --explicit --md5` output of two real conda-meta records', () => {
    it('gives each URL its package, exact version, build, channel, subdir, purl and MD5', async () => {
      const result = await parseFixture(
        condaExplicitCataloger,
        'conda-explicit/spec-file.txt',
        '/spec-file.txt',
      );
      assert.deepEqual(nameVersions(result), ['jupyterlab@4.4.3', 'zlib@1.2.11']);
      const zlib = only(result, 'zlib');
      assert.equal(zlib.id, 'conda:zlib@1.2.11:/spec-file.txt');
      assert.equal(zlib.ecosystem, 'conda');
      assert.equal(
        zlib.purl,
        'pkg:conda/zlib@1.2.11?build=h90dfc92_1014&channel=conda-forge&subdir=osx-arm64&type=tar.bz2',
      );
      assert.deepEqual(zlib.hashes, [{ algorithm: 'md5', value: '348a30b1350c9d91a4dbf05f5e46e0bb' }]);
      assert.deepEqual(zlib.locations, [{ path: '/spec-file.txt', line: 6 }]);
      const meta = conda(zlib);
      assert.equal(meta.declared, 'explicit');
      assert.equal(meta.channel, 'https://conda.anaconda.org/conda-forge');
      assert.equal(meta.build, 'h90dfc92_1014');
      assert.equal(
        meta.url,
        'https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.2.11-h90dfc92_1014.tar.bz2',
      );
      assert.equal(
        only(result, 'jupyterlab').purl,
        'pkg:conda/jupyterlab@4.4.3?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=conda',
      );
      assert.deepEqual(result.indexes, [
        {
          kind: 'lock-source',
          value: 'https://conda.anaconda.org/conda-forge',
          location: { path: '/spec-file.txt', line: 5 },
        },
      ]);
      assert.deepEqual(result.problems, []);
    });

    it('reads the --sha256 variant as SHA-256', async () => {
      const result = await parseFixture(
        condaExplicitCataloger,
        'conda-explicit/explicit-sha256.txt',
        '/explicit-sha256.txt',
      );
      assert.deepEqual(only(result, 'jupyterlab').hashes, [
        { algorithm: 'sha256', value: 'fc0235a71d852734fe92183a78cb91827367573450eba82465ae522c64230736' },
      ]);
    });
  });

  describe('when URLs carry tokens, odd hashes or are not package URLs', () => {
    it('redacts anaconda.org tokens and user-info, and reports what it cannot read', async () => {
      const text = [
        '# platform: linux-64',
        '@EXPLICIT',
        'https://conda.anaconda.org/t/tk-0123456789/private-chan/linux-64/mylib-1.0-h123_0.conda#sha256:' +
          'ab'.repeat(32),
        'https://alice:pw@mirror.example.com/conda/conda-forge/linux-64/openssl-3.3.1-h4bc722e_2.conda',
        'https://conda.anaconda.org/conda-forge/linux-64/bad-name.conda',
        'https://conda.anaconda.org/conda-forge/linux-64/xz-5.4.6-h5eee18b_1.conda#nothex',
        '',
      ].join('\n');
      const result = await parseText(condaExplicitCataloger, text, '/spec-file.txt');
      assert.deepEqual(nameVersions(result), ['mylib@1.0', 'openssl@3.3.1', 'xz@5.4.6']);
      assert.equal(
        conda(only(result, 'mylib')).url,
        'https://conda.anaconda.org/t/***/private-chan/linux-64/mylib-1.0-h123_0.conda',
      );
      assert.equal(
        only(result, 'mylib').purl,
        'pkg:conda/mylib@1.0?build=h123_0&channel=private-chan&subdir=linux-64&type=conda',
      );
      assert.equal(
        conda(only(result, 'openssl')).channel,
        'https://***@mirror.example.com/conda/conda-forge',
      );
      assert.deepEqual(problemCodes(result), ['CONDA_EXPLICIT_URL_INVALID@5', 'LOCK_HASH_INVALID@6']);
      const serialized = JSON.stringify(result);
      assert.ok(!serialized.includes('tk-0123456789') && !serialized.includes(':pw@'));
    });

    it('reports a conventionally named file without @EXPLICIT', async () => {
      const result = await parseText(condaExplicitCataloger, 'numpy=1.26.4=py311h_0\n', '/spec-file.txt');
      assert.deepEqual(problemCodes(result), ['CONDA_EXPLICIT_MARKER_MISSING']);
    });

    it('stays silent on a named file that is not an explicit file', async () => {
      const result = await parseText(condaExplicitCataloger, 'requests==2.32.3\n', '/deps.txt');
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.packages, []);
    });
  });

  describe('parseCondaArchiveUrl', () => {
    it('splits names that contain dashes at the last two', () => {
      assert.deepEqual(
        parseCondaArchiveUrl(
          'https://repo.anaconda.com/pkgs/main/linux-64/python-dateutil-2.9.0post0-py311h06a4308_2.conda',
        ),
        {
          name: 'python-dateutil',
          version: '2.9.0post0',
          build: 'py311h06a4308_2',
          archiveType: 'conda',
          subdir: 'linux-64',
          channelUrl: 'https://repo.anaconda.com/pkgs/main',
          channelName: 'main',
        },
      );
      assert.equal(parseCondaArchiveUrl('https://example.com/x.whl'), undefined);
    });
  });
});
