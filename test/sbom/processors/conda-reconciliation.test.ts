import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Package, ScanResult } from '../../../src/sbom/model.ts';
import { parsePurl } from '../../../src/shared/purl.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { scanDirectory } from '../../support/scan-dir.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { metadata, writeTree } from '../../support/tree.ts';

const CONDA = path.join(REPO_ROOT, 'test/fixtures/sbom/conda-meta/syft/python-c-etc/conda-meta');
const SYFT = path.join(REPO_ROOT, 'test/fixtures/sbom/python-installed/syft/site-packages');
const PREFIX = '/home/ray/anaconda3';
const SP = 'lib/python3.13/site-packages';

describe('conda reconciliation', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let result: ScanResult;
  const at = (location: string): Package | undefined =>
    result.packages.find((p) => p.locations[0]!.path === `${PREFIX}/${location}`);

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    // conda-forge's real jupyterlab record lists its dist-info among its files; the fixture copy was
    // trimmed to two files, so the dist-info entries are added back here.
    const jupyterlab = JSON.parse(
      await readFile(path.join(CONDA, 'jupyterlab-4.4.3-pyhd8ed1ab_0.json'), 'utf8'),
    );
    jupyterlab.files.push(
      `${SP}/jupyterlab-4.4.3.dist-info/INSTALLER`,
      `${SP}/jupyterlab-4.4.3.dist-info/METADATA`,
      `${SP}/jupyterlab-4.4.3.dist-info/RECORD`,
    );
    // The record conda keeps for a package pip installed (conda's own PrefixRecord for a pip wheel).
    const pipRecord = (name: string, version: string, files: string[]) =>
      JSON.stringify({
        build: 'pypi_0',
        build_number: 0,
        channel: 'https://conda.anaconda.org/pypi',
        constrains: [],
        depends: ['python 3.13.*'],
        files,
        fn: `${name}-${version}.dist-info`,
        name: name.toLowerCase(),
        package_type: 'virtual_python_wheel',
        subdir: 'pypi',
        version,
      });
    await writeTree(dir, {
      [`${PREFIX}/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json`]: JSON.stringify(jupyterlab),
      [`${PREFIX}/conda-meta/zlib-1.2.11-h90dfc92_1014.json`]: {
        copy: `${CONDA}/zlib-1.2.11-h90dfc92_1014.json`,
      },
      [`${PREFIX}/conda-meta/python-3.13.1-h4f43103_105_cp313.json`]: JSON.stringify({
        name: 'python',
        version: '3.13.1',
        build: 'h4f43103_105_cp313',
        build_number: 105,
        channel: 'https://conda.anaconda.org/conda-forge/',
        subdir: 'osx-arm64',
        license: 'Python-2.0',
        files: ['bin/python3.13', 'lib/python3.13/os.py'],
      }),
      [`${PREFIX}/conda-meta/six-1.17.0-pypi_0.json`]: pipRecord('six', '1.17.0', [
        `${SP}/six-1.17.0.dist-info/INSTALLER`,
        `${SP}/six-1.17.0.dist-info/METADATA`,
        `${SP}/six.py`,
      ]),
      // A pip record without a file list is matched by name and version.
      [`${PREFIX}/conda-meta/pygments-2.6.1-pypi_0.json`]: pipRecord('Pygments', '2.6.1', []),
      [`${PREFIX}/${SP}/jupyterlab-4.4.3.dist-info/METADATA`]: metadata(
        'jupyterlab',
        '4.4.3',
        'Requires-Dist: packaging',
        'Requires-Dist: six',
      ),
      [`${PREFIX}/${SP}/jupyterlab-4.4.3.dist-info/INSTALLER`]: 'conda\n',
      [`${PREFIX}/${SP}/six-1.17.0.dist-info/METADATA`]: metadata('six', '1.17.0'),
      [`${PREFIX}/${SP}/six-1.17.0.dist-info/INSTALLER`]: 'pip\n',
      [`${PREFIX}/${SP}/Pygments-2.6.1.dist-info/`]: { copy: `${SYFT}/Pygments-2.6.1.dist-info/` },
      // pip-installed without any conda record.
      [`${PREFIX}/${SP}/packaging-24.2.dist-info/METADATA`]: metadata('packaging', '24.2'),
    });
    result = await scanDirectory(dir);
  });
  after(() => cleanup());

  it('lists each installed thing once', () => {
    assert.deepEqual(result.packages.map((p) => p.purl).sort(), [
      'pkg:conda/jupyterlab@4.4.3?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=conda',
      'pkg:conda/python@3.13.1?build=h4f43103_105_cp313&channel=conda-forge&subdir=osx-arm64',
      'pkg:conda/zlib@1.2.11?build=h90dfc92_1014&channel=conda-forge&subdir=osx-arm64&type=tar.bz2',
      'pkg:pypi/packaging@24.2',
      'pkg:pypi/pygments@2.6.1',
      'pkg:pypi/six@1.17.0',
    ]);
    for (const pkg of result.packages) assert.ok(parsePurl(pkg.purl!), pkg.purl);
    assert.deepEqual(result.problems, []);
  });

  it('keeps a pip-installed package as the pip package, with its conda record linked', () => {
    const six = at(`${SP}/six-1.17.0.dist-info/METADATA`)!;
    assert.equal(six.ecosystem, 'pypi');
    assert.equal(six.metadata.kind, 'python-installed');
    assert.deepEqual(six.condaRecord, {
      location: { path: `${PREFIX}/conda-meta/six-1.17.0-pypi_0.json` },
      channel: 'https://conda.anaconda.org/pypi',
      build: 'pypi_0',
    });
    assert.deepEqual(at(`${SP}/Pygments-2.6.1.dist-info/METADATA`)!.condaRecord?.location, {
      path: `${PREFIX}/conda-meta/pygments-2.6.1-pypi_0.json`,
    });
    assert.equal(at(`${SP}/packaging-24.2.dist-info/METADATA`)!.condaRecord, undefined);
  });

  it('keeps a conda package that installs a dist-info as the conda package, with its PyPI identity', () => {
    const jupyterlab = at('conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json')!;
    assert.equal(jupyterlab.ecosystem, 'conda');
    assert.deepEqual(jupyterlab.pythonDistribution, {
      name: 'jupyterlab',
      version: '4.4.3',
      location: { path: `${PREFIX}/${SP}/jupyterlab-4.4.3.dist-info/METADATA` },
    });
    assert.deepEqual(jupyterlab.metadata.kind === 'conda' && jupyterlab.metadata.pythonMetadataDirs, [
      `${SP}/jupyterlab-4.4.3.dist-info`,
    ]);
  });

  it('moves dependency edges to the package that remains', () => {
    const purlOf = (id: string) => result.packages.find((p) => p.id === id)!.purl!.split('?')[0];
    assert.deepEqual(
      result.relationships.map((r) => `${purlOf(r.from)} ${r.type} ${purlOf(r.to)}`),
      [
        'pkg:conda/jupyterlab@4.4.3 depends-on pkg:pypi/packaging@24.2',
        'pkg:conda/jupyterlab@4.4.3 depends-on pkg:pypi/six@1.17.0',
      ],
    );
  });

  it('reads the prefix’s interpreter from the python record', () => {
    assert.deepEqual(result.environments, [
      {
        sitePackages: `${PREFIX}/${SP}`,
        prefix: PREFIX,
        pythonVersion: '3.13.1',
        markers: {
          implementation_name: 'cpython',
          implementation_version: '3.13.1',
          os_name: 'posix',
          platform_machine: 'arm64',
          platform_python_implementation: 'CPython',
          platform_system: 'Darwin',
          python_full_version: '3.13.1',
          python_version: '3.13',
          sys_platform: 'darwin',
        },
      },
    ]);
  });
});
