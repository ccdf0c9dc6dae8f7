import assert from 'node:assert/strict';
import path from 'node:path';
import { CATALOGERS, selectCatalogers } from '../../../../src/sbom/catalogers/index.ts';
import type { Package, PythonInstalledMetadata } from '../../../../src/sbom/model.ts';
import { parsePurl } from '../../../../src/shared/purl.ts';
import { REPO_ROOT } from '../../../support/run-cli.ts';
import { nameVersions, problemKeys, scanDirectory } from '../../../support/scan-dir.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';
import { writeTree } from '../../../support/tree.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sbom/python-installed');

function find(packages: Package[], location: string): Package & { metadata: PythonInstalledMetadata } {
  const pkg = packages.find((p) => p.locations[0]!.path === location);
  assert.ok(pkg, `no package at ${location}`);
  assert.equal(pkg.metadata.kind, 'python-installed');
  return pkg as Package & { metadata: PythonInstalledMetadata };
}

describe('installed Python catalogers', () => {
  it('are registered with the installed, python, image and directory tags', () => {
    for (const name of ['python-dist-info', 'python-egg-info']) {
      const cataloger = CATALOGERS.find((c) => c.name === name);
      assert.deepEqual(cataloger?.tags, ['installed', 'python', 'image', 'directory']);
    }
    assert.ok(selectCatalogers(['installed']).some((c) => c.name === 'python-dist-info'));
    assert.ok(!selectCatalogers(['declared']).some((c) => c.name === 'python-dist-info'));
  });

  describe('when scanning Debian 12 dist-packages', () => {
    const DIST = '/usr/lib/python3/dist-packages';

    it('finds exactly the 27 distributions Debian installed, dist-info and egg-info alike', async () => {
      const result = await scanDirectory(path.join(FIXTURES, 'debian12'));
      assert.deepEqual(nameVersions(result), [
        'argcomplete@2.0.0',
        'blinker@1.5',
        'crcmod@1.7',
        'cryptography@38.0.4',
        'cryptography@38.0.4',
        'dbus-python@1.3.2',
        'distro@1.8.0',
        'httplib2@0.20.4',
        'lazr-restfulclient@0.14.5',
        'lazr-uri@1.0.6',
        'oauthlib@3.2.2',
        'perf@0.1',
        'pip@23.0.1',
        'pygments@2.14.0',
        'pygobject@3.42.2',
        'pyjwt@2.6.0',
        'pyopenssl@23.0.0',
        'pyparsing@3.0.9',
        'python-apt@2.6.0',
        'pyyaml@6.0',
        'setuptools@66.1.1',
        'six@1.16.0',
        'toml@0.10.2',
        'wadllib@1.3.6',
        'wheel@0.38.4',
        'xmltodict@0.13.0',
        'yq@3.1.0',
      ]);
      assert.deepEqual(result.problems, []);
      for (const pkg of result.packages) {
        assert.equal(pkg.metadata.kind, 'python-installed');
        const purl = parsePurl(pkg.purl!);
        assert.deepEqual([purl?.type, purl?.name, purl?.version], ['pypi', pkg.name, pkg.version]);
      }
    });

    it('reads names, licenses, RECORD, WHEEL and requires.txt', async () => {
      const { packages } = await scanDirectory(path.join(FIXTURES, 'debian12'));
      const pyyaml = find(packages, `${DIST}/PyYAML-6.0.dist-info/METADATA`);
      assert.equal(pyyaml.id, `pypi:pyyaml@6.0:${DIST}/PyYAML-6.0.dist-info/METADATA`);
      assert.equal(pyyaml.purl, 'pkg:pypi/pyyaml@6.0');
      assert.equal(pyyaml.metadata.rawName, 'PyYAML');
      assert.equal(pyyaml.metadata.format, 'dist-info');
      assert.equal(pyyaml.metadata.installDir, DIST);
      assert.deepEqual(pyyaml.metadata.wheelTags, ['cp311-cp311-linux_x86_64']);
      assert.deepEqual(pyyaml.licenses, [{ expression: 'MIT' }]);
      assert.deepEqual(pyyaml.hashes, [], 'RECORD hashes are per file, never the package’s');
      assert.ok((pyyaml.metadata.recordedFiles ?? 0) > 0);
      assert.deepEqual(pyyaml.metadata.topLevel, ['_yaml', 'yaml']);

      const crypto = find(packages, `${DIST}/cryptography-38.0.4.dist-info/METADATA`);
      assert.deepEqual(crypto.licenses, [{ expression: 'BSD-3-Clause OR Apache-2.0' }]);

      const jwt = find(packages, `${DIST}/PyJWT-2.6.0.egg-info/PKG-INFO`);
      assert.equal(jwt.metadata.format, 'egg-info');
      assert.deepEqual(jwt.metadata.requiresDist[0], {
        name: 'cryptography',
        extras: [],
        specifier: '>=3.4.0',
        marker: 'extra == "crypto"',
      });
      assert.deepEqual(find(packages, `${DIST}/python_apt-2.6.0.egg-info/PKG-INFO`).licenses, [
        { text: 'GNU GPL' },
      ]);
      assert.deepEqual(find(packages, `${DIST}/PyGObject-3.42.2.egg-info/PKG-INFO`).licenses, [
        { expression: 'LGPL-2.0-or-later' },
      ]);
    });

    it('reads the interpreter from the wheel tags Debian installed', async () => {
      const { environments } = await scanDirectory(path.join(FIXTURES, 'debian12'));
      assert.deepEqual(environments, [
        {
          sitePackages: DIST,
          prefix: '/usr',
          pythonVersion: '3.11',
          markers: {
            implementation_name: 'cpython',
            os_name: 'posix',
            platform_machine: 'x86_64',
            platform_python_implementation: 'CPython',
            platform_system: 'Linux',
            python_version: '3.11',
            sys_platform: 'linux',
          },
        },
      ]);
    });
  });

  describe('when scanning syft’s site-packages samples', () => {
    it('finds exactly the distributions whose metadata is usable, and reports the rest', async () => {
      const result = await scanDirectory(path.join(FIXTURES, 'syft'));
      assert.deepEqual(nameVersions(result), [
        'no-version@',
        'pygments@2.6.1',
        'pygments@2.6.1',
        'pygments@2.6.1',
        'python@2.7.13',
        'requests@2.22.0',
        'requests@2.22.0',
      ]);
      assert.deepEqual(problemKeys(result), [
        'SBOM_PYTHON_METADATA_INVALID /site-packages/empty-1.0.0-py3.8.egg-info',
        'SBOM_PYTHON_METADATA_NO_VERSION /site-packages/no-version/no-version-py3.8.egg-info',
        'SBOM_PYTHON_RECORD_MALFORMED /site-packages/malformed-record/Pygments-2.6.1.dist-info/RECORD',
      ]);
      const noVersion = result.packages.find((p) => p.name === 'no-version')!;
      assert.equal(noVersion.purl, 'pkg:pypi/no-version');
    });

    it('reads direct_url.json, RECORD counts and licenses', async () => {
      const { packages } = await scanDirectory(path.join(FIXTURES, 'syft'));
      const pygments = find(packages, '/site-packages/Pygments-2.6.1.dist-info/METADATA');
      assert.deepEqual(pygments.metadata.directUrl, {
        url: 'https://github.com/python-test/test.git',
        kind: 'vcs',
        vcs: { vcs: 'git', commitId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      });
      assert.equal(pygments.metadata.recordedFiles, 7);
      assert.deepEqual(pygments.licenses, [{ text: 'BSD License' }]);
      assert.deepEqual(
        pygments.metadata.requiresDist.map((d) => `${d.name} ${d.specifier} ${d.marker ?? ''}`),
        ['soupsieve >1.2 ', "html5lib  extra == 'html5lib'", "lxml  extra == 'lxml'"],
      );
      assert.deepEqual(pygments.metadata.providesExtras, ['html5lib', 'lxml']);
      const malformed = find(packages, '/site-packages/malformed-record/Pygments-2.6.1.dist-info/METADATA');
      assert.equal(malformed.metadata.recordedFiles, 4);
      const python = find(packages, '/site-packages/Python-2.7.egg-info');
      assert.deepEqual(python.licenses, [{ expression: 'PSF-2.0' }]);
      const requests = find(packages, '/site-packages/test/test.egg-info');
      assert.deepEqual(requests.licenses, [{ expression: 'Apache-2.0' }]);
      assert.equal(requests.metadata.installDir, '/site-packages/test');
    });
  });

  describe('when scanning osv-scalibr’s wheel/egg samples', () => {
    it('reads every Metadata-Version spelling and reports broken files', async () => {
      const result = await scanDirectory(path.join(FIXTURES, 'scalibr'));
      assert.deepEqual(nameVersions(result), [
        'backports-ssl-match-hostname@3.5.0.1',
        'httplib2@0.20.4',
        'httplib2@1.0',
        'passlib@1.7.4',
        'pip@22.2.2',
        'pycups@2.0.1',
        'pyopenssl@26.0.0',
        'root@1.0.0',
        'setuptools@57.4.0',
      ]);
      assert.deepEqual(problemKeys(result), [
        'SBOM_PYTHON_METADATA_INVALID /site-packages/empty-0.dist-info/METADATA',
        'SBOM_PYTHON_METADATA_MALFORMED /site-packages/passlib-1.7.4.egg-info/PKG-INFO',
      ]);
      const byName = (name: string) => result.packages.find((p) => p.name === name)!;
      assert.deepEqual(byName('pyopenssl').licenses, [{ expression: 'Apache-2.0' }]);
      assert.deepEqual(
        (byName('pyopenssl').metadata as PythonInstalledMetadata).requiresDist.map((d) => d.name),
        [
          'cryptography',
          'typing-extensions',
          'pytest-rerunfailures',
          'pretend',
          'pytest',
          'sphinx',
          'sphinx-rtd-theme',
        ],
      );
      assert.deepEqual(byName('pycups').licenses, [{ expression: 'GPL-2.0-or-later' }]);
      assert.deepEqual(
        byName('setuptools').licenses,
        [{ expression: 'MIT' }],
        'License: UNKNOWN, classifier MIT',
      );
      assert.deepEqual(byName('passlib').licenses, [{ text: 'BSD' }]);
      assert.equal(
        byName('backports-ssl-match-hostname').purl,
        'pkg:pypi/backports-ssl-match-hostname@3.5.0.1',
      );
    });
  });

  describe('when a conda package cache holds unpacked packages', () => {
    it('reports the linked copy in the environment, not the cached one', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const pip = {
          copy: path.join(FIXTURES, 'debian12/usr/lib/python3/dist-packages/pip-23.0.1.dist-info/'),
        };
        const six = {
          copy: path.join(FIXTURES, 'debian12/usr/lib/python3/dist-packages/six-1.16.0.egg-info/'),
        };
        const cached = '/opt/conda/pkgs/pip-23.0.1-pyhd8ed1ab_0';
        await writeTree(dir, {
          [`${cached}/info/index.json`]: '{"name": "pip", "version": "23.0.1"}',
          [`${cached}/site-packages/pip-23.0.1.dist-info/`]: pip,
          [`${cached}/site-packages/six-1.16.0.egg-info/`]: six,
          ['/opt/conda/lib/python3.11/site-packages/pip-23.0.1.dist-info/']: pip,
        });
        const result = await scanDirectory(dir);
        assert.deepEqual(
          result.packages.map((p) => p.locations[0]!.path),
          ['/opt/conda/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA'],
        );
        assert.deepEqual(result.problems, []);
      } finally {
        await cleanup();
      }
    });
  });
});
