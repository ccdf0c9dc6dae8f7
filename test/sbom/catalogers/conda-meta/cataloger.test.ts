import assert from 'node:assert/strict';
import path from 'node:path';
import { CATALOGERS } from '../../../../src/sbom/catalogers/index.ts';
import { channelName } from '../../../../src/sbom/catalogers/conda-meta/channel.ts';
import { parsePurl } from '../../../../src/shared/purl.ts';
import { REPO_ROOT } from '../../../support/run-cli.ts';
import { problemKeys, scanDirectory } from '../../../support/scan-dir.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sbom/conda-meta');

describe('conda-meta cataloger', () => {
  it('is registered with the installed, conda, image and directory tags', () => {
    assert.deepEqual(CATALOGERS.find((c) => c.name === 'conda-meta')?.tags, [
      'installed',
      'conda',
      'image',
      'directory',
    ]);
  });

  describe('when scanning real conda records', () => {
    it('turns each record into a conda package with purl, hashes, license and metadata', async () => {
      const result = await scanDirectory(path.join(FIXTURES, 'syft/python-c-etc'));
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.packages, [
        {
          id: 'conda:jupyterlab@4.4.3:/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json',
          ecosystem: 'conda',
          name: 'jupyterlab',
          version: '4.4.3',
          purl: 'pkg:conda/jupyterlab@4.4.3?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=conda',
          foundBy: 'conda-meta',
          locations: [{ path: '/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json' }],
          hashes: [
            { algorithm: 'md5', value: '4861a0c2a5a5d0481a450a9dfaf9febe' },
            {
              algorithm: 'sha256',
              value: 'fc0235a71d852734fe92183a78cb91827367573450eba82465ae522c64230736',
            },
          ],
          licenses: [{ expression: 'BSD-3-Clause' }],
          metadata: {
            kind: 'conda',
            fileCount: 2,
            pythonMetadataDirs: [],
            prefix: '/',
            channel: 'https://conda.anaconda.org/conda-forge/',
            subdir: 'noarch',
            build: 'pyhd8ed1ab_0',
            buildNumber: 0,
            url: 'https://conda.anaconda.org/conda-forge/noarch/jupyterlab-4.4.3-pyhd8ed1ab_0.conda',
          },
        },
        {
          id: 'conda:zlib@1.2.11:/conda-meta/zlib-1.2.11-h90dfc92_1014.json',
          ecosystem: 'conda',
          name: 'zlib',
          version: '1.2.11',
          purl: 'pkg:conda/zlib@1.2.11?build=h90dfc92_1014&channel=conda-forge&subdir=osx-arm64&type=tar.bz2',
          foundBy: 'conda-meta',
          locations: [{ path: '/conda-meta/zlib-1.2.11-h90dfc92_1014.json' }],
          hashes: [
            { algorithm: 'md5', value: '348a30b1350c9d91a4dbf05f5e46e0bb' },
            {
              algorithm: 'sha256',
              value: 'a70c028fd3b9af1d7ea3d7099d810f3d2588096237bb472db331a51a36f931c0',
            },
          ],
          licenses: [{ expression: 'Zlib' }],
          metadata: {
            kind: 'conda',
            fileCount: 5,
            pythonMetadataDirs: [],
            prefix: '/',
            channel: 'https://conda.anaconda.org/conda-forge/',
            subdir: 'osx-arm64',
            build: 'h90dfc92_1014',
            buildNumber: 1014,
            url: 'https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.2.11-h90dfc92_1014.tar.bz2',
          },
        },
      ]);
      for (const pkg of result.packages) assert.equal(parsePurl(pkg.purl!)?.type, 'conda');
    });

    it('names the defaults channel by its short name', async () => {
      const result = await scanDirectory(path.join(FIXTURES, 'scalibr/valid'));
      assert.deepEqual(
        result.packages.map((p) => p.purl),
        ['pkg:conda/jupyterlab@3.1.12?build=py39hf3db000&channel=main&subdir=linux-64'],
      );
    });
  });

  describe('when records are broken', () => {
    it('reports each with a stable code and keeps going', async () => {
      const result = await scanDirectory(FIXTURES);
      assert.equal(result.packages.length, 3);
      assert.deepEqual(problemKeys(result), [
        'SBOM_CONDA_META_INCOMPLETE /scalibr/empty/conda-meta/empty.json',
        'SBOM_CONDA_META_INCOMPLETE /scalibr/noname/conda-meta/3.1.12-py39hf3db000_1.json',
        'SBOM_CONDA_META_INCOMPLETE /scalibr/noversion/conda-meta/jupyterlab-py39hf3db000_1.json',
        'SBOM_CONDA_META_INVALID /scalibr/invalid/conda-meta/invalid.json',
        'SBOM_CONDA_META_INVALID /syft/bad-json/conda-meta/package-1.2.3-pyhd8ed1ab_0.json',
      ]);
    });
  });

  describe('channelName', () => {
    it('shortens the well-known channel URLs and strips credentials and tokens from others', () => {
      assert.equal(channelName('conda-forge'), 'conda-forge');
      assert.equal(channelName('https://conda.anaconda.org/conda-forge/'), 'conda-forge');
      assert.equal(channelName('https://repo.anaconda.com/pkgs/main'), 'main');
      assert.equal(channelName('https://conda.anaconda.org/pypi'), 'pypi');
      assert.equal(
        channelName('https://user:secret@example.test/t/tok-123/channel'),
        'https://example.test/channel',
      );
      assert.equal(channelName(undefined), undefined);
    });
  });
});
