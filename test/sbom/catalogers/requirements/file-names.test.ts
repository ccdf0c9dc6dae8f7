import assert from 'node:assert/strict';
import {
  isAcceptedRequirementsFile,
  isRequirementsFile,
} from '../../../../src/sbom/catalogers/requirements/file-names.ts';

describe('requirements file names', () => {
  describe('when a scan walks a tree', () => {
    const wanted = [
      '/requirements.txt',
      '/requirements-dev.txt',
      '/requirements_compiled_ray_img_3.9.txt',
      '/python/requirements/ml/core-requirements.txt',
      '/dev-requirements.in',
      '/requirements.in',
      '/Requirements.TXT',
      '/requirements/base.txt',
      '/requirements/test.in',
      '/docs/requirements.txt',
    ];
    const unwanted = [
      '/requirement.txt',
      '/requirements.txt.bak',
      '/requirements.py',
      '/requirements.json',
      '/MANIFEST.in',
      '/Makefile.in',
      '/requirements/README.txt',
      '/requirements/LICENSE.txt',
      '/requirements/README.md',
      '/requirements/ml/extra.txt',
      '/notes.txt',
      '/venv/lib/python3.11/site-packages/foo/requirements.txt',
      '/usr/lib/python3/dist-packages/bar/requirements-dev.txt',
      '/opt/conda/pkgs/foo-1.0-py_0/info/requirements.txt',
      '/app/node_modules/x/requirements.txt',
    ];
    for (const path of wanted) it(`reads ${path}`, () => assert.ok(isRequirementsFile(path)));
    for (const path of unwanted) it(`skips ${path}`, () => assert.ok(!isRequirementsFile(path)));
  });

  describe('when the user names one file', () => {
    it('accepts any .txt or .in file', () => {
      for (const path of ['/deps.txt', '/constraints.txt', '/pins.in', '/requirements.txt']) {
        assert.ok(isAcceptedRequirementsFile(path), path);
      }
      for (const path of ['/uv.lock', '/deps', '/requirements.txt.orig']) {
        assert.ok(!isAcceptedRequirementsFile(path), path);
      }
    });
  });
});
