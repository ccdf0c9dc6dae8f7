import assert from 'node:assert/strict';
import { expandTag, parseWheelTags, tagEvidence } from '../../../src/sbom/python/wheel-tags.ts';

describe('wheel tags', () => {
  it('reads the Tag fields of a WHEEL file and expands compressed tag sets', () => {
    const wheel = 'Wheel-Version: 1.0\nGenerator: bdist_wheel\nTag: py2.py3-none-any\nTag: py3-none-any\n';
    assert.deepEqual(parseWheelTags(wheel), ['py2-none-any', 'py3-none-any']);
    assert.deepEqual(expandTag('cp36-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64'), [
      'cp36-abi3-manylinux_2_17_x86_64',
      'cp36-abi3-manylinux2014_x86_64',
    ]);
    assert.deepEqual(expandTag('not-a-tag-at-all'), []);
  });

  describe('tagEvidence', () => {
    it('reads interpreter, version and platform from a CPython Linux wheel', () => {
      assert.deepEqual(tagEvidence('cp311-cp311-manylinux_2_17_x86_64'), {
        pythonVersion: '3.11',
        markers: {
          sys_platform: 'linux',
          os_name: 'posix',
          platform_system: 'Linux',
          platform_machine: 'x86_64',
          implementation_name: 'cpython',
          platform_python_implementation: 'CPython',
        },
      });
    });
    it('knows musllinux, aarch64 and the stable ABI (CPython, but no exact version)', () => {
      const e = tagEvidence('cp39-abi3-musllinux_1_2_aarch64');
      assert.equal(e.pythonVersion, undefined);
      assert.equal(e.markers.platform_machine, 'aarch64');
      assert.equal(e.markers.implementation_name, 'cpython');
    });
    it('reads macOS and Windows platforms; fat macOS binaries leave the machine unknown', () => {
      assert.equal(tagEvidence('cp312-cp312-macosx_11_0_arm64').markers.platform_machine, 'arm64');
      assert.equal(tagEvidence('cp312-cp312-macosx_10_9_universal2').markers.platform_machine, undefined);
      assert.equal(tagEvidence('cp312-cp312-macosx_10_9_universal2').markers.sys_platform, 'darwin');
      assert.deepEqual(tagEvidence('cp312-cp312-win_amd64').markers.platform_machine, 'AMD64');
      assert.equal(tagEvidence('cp312-cp312-win_amd64').markers.os_name, 'nt');
    });
    it('reads PyPy wheels', () => {
      const e = tagEvidence('pp39-pypy39_pp73-manylinux_2_17_x86_64');
      assert.equal(e.pythonVersion, '3.9');
      assert.equal(e.markers.implementation_name, 'pypy');
    });
    it('says nothing about a pure wheel', () => {
      assert.deepEqual(tagEvidence('py3-none-any'), { markers: {} });
    });
  });
});
