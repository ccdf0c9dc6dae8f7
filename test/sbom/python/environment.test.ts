import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  enclosingSitePackages,
  environmentFromCondaPython,
  environmentFromPyvenv,
  layoutEvidence,
  markersFromCondaSubdir,
  mergeEnvironment,
  parsePyvenvCfg,
} from '../../../src/sbom/python/environment.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

const PYENV = path.join(REPO_ROOT, 'test/fixtures/sbom/python-installed/syft/pyenv');

describe('python environment', () => {
  describe('parsePyvenvCfg', () => {
    it('reads the version of a real pyvenv.cfg', async () => {
      const config = parsePyvenvCfg(await readFile(path.join(PYENV, 'good-config'), 'utf8'));
      assert.deepEqual(config, { version: '3.9.5', home: '/usr/bin' });
    });
    it('survives comments, bad lines and odd spacing', async () => {
      const config = parsePyvenvCfg(await readFile(path.join(PYENV, 'trixy-config'), 'utf8'));
      assert.equal(config.version, '3.3.3');
    });
    it('reads uv’s version_info and implementation', () => {
      assert.deepEqual(
        parsePyvenvCfg('home = /opt/py\nimplementation = CPython\nversion_info = 3.12.1.final.0\n'),
        {
          home: '/opt/py',
          implementation: 'CPython',
          version: '3.12.1',
        },
      );
    });
  });

  describe('environmentFromPyvenv', () => {
    it('places the environment at lib/pythonX.Y/site-packages of the venv', () => {
      const env = environmentFromPyvenv('/venv/pyvenv.cfg', { version: '3.11.7', home: '/usr/bin' });
      assert.deepEqual(env, {
        sitePackages: '/venv/lib/python3.11/site-packages',
        prefix: '/venv',
        pythonVersion: '3.11.7',
        markers: { python_version: '3.11', python_full_version: '3.11.7' },
      });
    });
    it('knows a Windows venv by its home', () => {
      const env = environmentFromPyvenv('/v/pyvenv.cfg', { version: '3.12.0', home: 'C:\\Python312' });
      assert.equal(env!.sitePackages, '/v/Lib/site-packages');
      assert.equal(env!.markers.sys_platform, 'win32');
    });
    it('gives nothing when the version is unknown', () => {
      assert.equal(environmentFromPyvenv('/v/pyvenv.cfg', { home: '/usr/bin' }), undefined);
    });
  });

  describe('layout', () => {
    it('reads prefix and version from lib/pythonX.Y/site-packages', () => {
      assert.deepEqual(layoutEvidence('/home/ray/anaconda3/lib/python3.11/site-packages'), {
        prefix: '/home/ray/anaconda3',
        pythonVersion: '3.11',
        implementation: undefined,
        platform: 'posix',
      });
      assert.deepEqual(layoutEvidence('/usr/lib/python3/dist-packages'), {
        prefix: '/usr',
        platform: 'posix',
      });
      assert.deepEqual(layoutEvidence('/venv/Lib/site-packages'), { prefix: '/venv', platform: 'windows' });
      assert.deepEqual(layoutEvidence('/opt/site-packages'), {});
    });
    it('finds the enclosing site-packages of a vendored folder', () => {
      assert.equal(
        enclosingSitePackages('/v/lib/python3.11/site-packages/ray/thirdparty_files'),
        '/v/lib/python3.11/site-packages',
      );
      assert.equal(enclosingSitePackages('/opt/app'), undefined);
    });
  });

  describe('conda', () => {
    it('maps subdirs to platform markers', () => {
      assert.equal(markersFromCondaSubdir('linux-aarch64').platform_machine, 'aarch64');
      assert.equal(markersFromCondaSubdir('osx-arm64').sys_platform, 'darwin');
      assert.equal(markersFromCondaSubdir('win-64').platform_machine, 'AMD64');
      assert.deepEqual(markersFromCondaSubdir('noarch'), {});
    });
    it('derives the environment from the python record', () => {
      const env = environmentFromCondaPython({
        prefix: '/home/ray/anaconda3',
        version: '3.11.11',
        build: 'h9e4cc4f_1_cpython',
        subdir: 'linux-64',
        files: ['bin/python3.11', 'lib/python3.11/os.py'],
      });
      assert.equal(env!.sitePackages, '/home/ray/anaconda3/lib/python3.11/site-packages');
      assert.equal(env!.markers.python_full_version, '3.11.11');
      assert.equal(env!.markers.platform_machine, 'x86_64');
      assert.equal(env!.markers.implementation_name, 'cpython');
    });
  });

  describe('mergeEnvironment', () => {
    it('combines the report, wheel tags and layout', () => {
      const { environment, conflicts } = mergeEnvironment(
        '/v/lib/python3.11/site-packages',
        [
          {
            sitePackages: '/v/lib/python3.11/site-packages',
            prefix: '/v',
            pythonVersion: '3.11.7',
            markers: {},
          },
        ],
        ['cp311-cp311-manylinux_2_17_x86_64', 'py3-none-any'],
      );
      assert.deepEqual(conflicts, []);
      assert.deepEqual(environment, {
        sitePackages: '/v/lib/python3.11/site-packages',
        prefix: '/v',
        pythonVersion: '3.11.7',
        markers: {
          implementation_name: 'cpython',
          implementation_version: '3.11.7',
          os_name: 'posix',
          platform_machine: 'x86_64',
          platform_python_implementation: 'CPython',
          platform_system: 'Linux',
          python_full_version: '3.11.7',
          python_version: '3.11',
          sys_platform: 'linux',
        },
      });
    });
    it('lets wheel tags override the layout’s guess of the platform', () => {
      const { environment } = mergeEnvironment(
        '/v/lib/python3.12/site-packages',
        [],
        ['cp312-cp312-macosx_11_0_arm64'],
      );
      assert.equal(environment.markers.sys_platform, 'darwin');
      assert.equal(environment.markers.platform_machine, 'arm64');
    });
    it('falls back to the layout: lib/pythonX.Y means posix, Linux unless told otherwise', () => {
      const { environment } = mergeEnvironment('/v/lib/python3.12/site-packages', [], ['py3-none-any']);
      assert.deepEqual(environment.markers, {
        os_name: 'posix',
        platform_system: 'Linux',
        python_version: '3.12',
        sys_platform: 'linux',
      });
      assert.equal(environment.pythonVersion, '3.12');
    });
    it('leaves a value unknown when strong evidence disagrees', () => {
      const { environment, conflicts } = mergeEnvironment(
        '/usr/lib/python3/dist-packages',
        [],
        ['cp311-cp311-linux_x86_64', 'cp39-cp39-linux_x86_64'],
      );
      assert.equal(environment.markers.python_version, undefined);
      assert.equal(environment.markers.platform_machine, 'x86_64');
      assert.deepEqual(conflicts, [{ marker: 'python_version', values: ['3.11', '3.9'] }]);
    });
    it('knows nothing about a bare folder without evidence', () => {
      assert.deepEqual(mergeEnvironment('/site-packages', [], []).environment, {
        sitePackages: '/site-packages',
        markers: {},
      });
    });
  });
});
