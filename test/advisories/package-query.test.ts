import assert from 'node:assert/strict';
import { debianEcosystem, distributionOfMetadataDir, planQuery } from '../../src/advisories/package-query.ts';
import type { Package } from '../../src/sbom/model.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';

const pkg = (purl: string) => purlToPackage(purl)!;
const conda = (extra: Partial<Package>, dirs: string[] = []): Package => ({
  ...pkg('pkg:conda/conda-forge/ray-core@2.6.3'),
  metadata: { kind: 'conda', fileCount: dirs.length, pythonMetadataDirs: dirs },
  ...extra,
});

describe('planQuery', () => {
  describe('when the package is a Python distribution', () => {
    it('asks PyPI under the PEP 503 name', () => {
      assert.deepEqual(planQuery(pkg('pkg:pypi/Jinja2@3.1.2')), {
        query: { ecosystems: ['PyPI'], name: 'jinja2', version: '3.1.2' },
      });
    });

    it('reports an unpinned requirement as not assessed', () => {
      assert.equal(
        (planQuery(pkg('pkg:pypi/requests')) as { notAssessed: string }).notAssessed,
        'no-exact-version',
      );
    });
  });

  describe('when the package comes from conda', () => {
    it('asks PyPI about the distribution it installs (pythonDistribution)', () => {
      const plan = planQuery(
        conda({ pythonDistribution: { name: 'ray', version: '2.6.3', location: { path: '/x' } } }),
      );
      assert.deepEqual(plan, {
        query: { ecosystems: ['PyPI'], name: 'ray', version: '2.6.3', via: 'python-distribution' },
      });
    });

    it('reads the distribution from the dist-info folder the record lists', () => {
      const plan = planQuery(conda({}, ['lib/python3.11/site-packages/typing_extensions-4.9.0.dist-info']));
      assert.deepEqual(plan, {
        query: { ecosystems: ['PyPI'], name: 'typing-extensions', version: '4.9.0', via: 'dist-info' },
      });
      assert.deepEqual(distributionOfMetadataDir('lib/python3.9/site-packages/PyYAML-6.0-py3.9.egg-info'), {
        name: 'pyyaml',
        version: '6.0',
      });
    });

    it('uses the name map for records without files (pytorch is torch on PyPI)', () => {
      const plan = planQuery(pkg('pkg:conda/conda-forge/pytorch@2.1.0'));
      assert.deepEqual(plan, {
        query: { ecosystems: ['PyPI'], name: 'torch', version: '2.1.0', via: 'conda-name-map' },
      });
    });

    it('calls a conda-native library not assessed, never clean', () => {
      const plan = planQuery(pkg('pkg:conda/conda-forge/openssl@3.1.0'));
      assert.equal((plan as { notAssessed: string }).notAssessed, 'no-advisory-source');
    });
  });

  describe('when the package is a Debian or Ubuntu package', () => {
    it('asks about the source package and version in the release-specific ecosystem', () => {
      const p = pkg('pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl');
      assert.deepEqual(planQuery(p), {
        query: {
          ecosystems: ['Debian:12', 'Debian'],
          name: 'openssl',
          version: '3.0.11-1~deb12u2',
          via: 'source-package',
        },
      });
    });

    it('uses the source version when it differs from the binary version', () => {
      const p = purlToPackage('pkg:deb/debian/libc-bin@2.36-9+deb12u4?distro=debian-12', {
        source: 'glibc',
        sourceVersion: '2.36-9+deb12u4',
      })!;
      assert.equal((planQuery(p) as { query: { name: string } }).query.name, 'glibc');
    });

    it('spells Ubuntu LTS releases with :LTS', () => {
      assert.deepEqual(debianEcosystem('ubuntu', 'ubuntu-22.04'), ['Ubuntu:22.04:LTS']);
      assert.deepEqual(debianEcosystem('ubuntu', 'ubuntu-23.10'), ['Ubuntu:23.10']);
      assert.deepEqual(debianEcosystem('ubuntu', 'ubuntu-24.04'), ['Ubuntu:24.04:LTS']);
      assert.deepEqual(debianEcosystem('debian', 'debian-12.5'), ['Debian:12', 'Debian']);
      assert.deepEqual(debianEcosystem('debian', 'bookworm'), ['Debian:12', 'Debian']);
    });

    it('reports a package with no release as not assessed', () => {
      assert.equal(
        (planQuery(pkg('pkg:deb/debian/openssl@3.0.11-1')) as { notAssessed: string }).notAssessed,
        'distribution-release-unknown',
      );
    });
  });

  describe('when no advisory source covers the package', () => {
    it('says so for apk and for generic packages', () => {
      assert.equal(
        (planQuery(pkg('pkg:apk/alpine/busybox@1.36.1-r2?distro=3.18')) as { notAssessed: string })
          .notAssessed,
        'no-advisory-source',
      );
      assert.equal(
        (planQuery(pkg('pkg:generic/haproxy@2.8.12')) as { notAssessed: string }).notAssessed,
        'no-advisory-source',
      );
    });
  });
});
