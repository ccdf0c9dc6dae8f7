import assert from 'node:assert/strict';
import { condaEnvironmentCataloger } from '../../../../src/sbom/catalogers/conda-environment/cataloger.ts';
import { parseMatchSpec } from '../../../../src/sbom/catalogers/conda-environment/match-spec.ts';
import type { Package } from '../../../../src/sbom/model.ts';
import {
  declared,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';

function conda(pkg: Package) {
  if (pkg.metadata.kind !== 'conda') throw new Error(`${pkg.name} is ${pkg.metadata.kind}`);
  return pkg.metadata;
}

describe('conda-environment cataloger', () => {
  describe('when choosing files', () => {
    it('wants environment.yml / environment.yaml outside installed environments', () => {
      assert.equal(condaEnvironmentCataloger.fileRequired('/proj/environment.yml'), true);
      assert.equal(condaEnvironmentCataloger.fileRequired('/proj/environment.yaml'), true);
      assert.equal(condaEnvironmentCataloger.fileRequired('/proj/env.yml'), false);
      assert.equal(
        condaEnvironmentCataloger.fileRequired(
          '/home/ray/anaconda3/pkgs/foo-1.0-py_0/info/recipe/environment.yml',
        ),
        false,
      );
      assert.equal(condaEnvironmentCataloger.fileAccepted!('/proj/env.yml'), true);
    });
  });

  describe('when reading a `conda env export` of real conda-meta records', () => {
    it('pins name=version=build specs and records the channel list', async () => {
      const result = await parseFixture(
        condaEnvironmentCataloger,
        'conda-environment/export/environment.yml',
        '/environment.yml',
      );
      assert.deepEqual(nameVersions(result), ['jupyterlab@4.4.3', 'zlib@1.2.11']);
      const zlib = only(result, 'zlib');
      assert.equal(zlib.purl, 'pkg:conda/zlib@1.2.11?build=h90dfc92_1014');
      assert.deepEqual(zlib.locations, [{ path: '/environment.yml', line: 6 }]);
      assert.equal(conda(zlib).declared, 'environment-yml');
      assert.equal(conda(zlib).spec, 'zlib=1.2.11=h90dfc92_1014');
      assert.deepEqual(result.indexes, [
        { kind: 'lock-source', value: 'conda-forge', location: { path: '/environment.yml', line: 3 } },
      ]);
      assert.deepEqual(result.problems, []);
    });
  });

  describe('when reading a hand-written environment with a pip: list', () => {
    it('reads conda specs, versions only where conda pins one', async () => {
      const result = await parseFixture(
        condaEnvironmentCataloger,
        'conda-environment/hand-written/environment.yml',
        '/environment.yml',
      );
      assert.deepEqual(nameVersions(result), [
        'python@*',
        'pip@*',
        'numpy@1.26.4',
        'pyarrow@19.0.1',
        'zlib@1.2.13',
        'openssl@*',
        'pytorch@*',
        'ray@2.58.0',
        'requests@*',
        'urllib3@1.26.19',
        'idna@3.7',
        'example-lib@*',
        'other-lib@*',
        'local-lib@*',
      ]);
      assert.equal(conda(only(result, 'python')).spec, 'python=3.11');
      assert.equal(only(result, 'numpy').purl, 'pkg:conda/numpy@1.26.4?channel=conda-forge');
      assert.equal(only(result, 'openssl').purl, 'pkg:conda/openssl?channel=conda-forge&subdir=linux-64');
      assert.equal(only(result, 'pyarrow').ecosystem, 'conda');
    });

    it('reads pip lines as PyPI packages: pins, ranges, markers, hashes, VCS and editable paths', async () => {
      const result = await parseFixture(
        condaEnvironmentCataloger,
        'conda-environment/hand-written/environment.yml',
        '/environment.yml',
      );
      const ray = only(result, 'ray');
      assert.equal(ray.ecosystem, 'pypi');
      assert.deepEqual(
        [declared(ray).format, declared(ray).pinned, declared(ray).extras, declared(ray).specifier],
        ['conda-environment', true, ['data'], '==2.58.0'],
      );
      assert.deepEqual(
        [declared(only(result, 'requests')).pinned, declared(only(result, 'requests')).specifier],
        [false, '>=2.32'],
      );
      assert.equal(declared(only(result, 'urllib3')).marker, "python_version < '3.12'");
      assert.deepEqual(only(result, 'idna').hashes, [
        { algorithm: 'sha256', value: '82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0' },
      ]);
      assert.deepEqual(declared(only(result, 'example-lib')).vcs, {
        vcs: 'git',
        ref: '0123456789abcdef0123456789abcdef01234567',
        immutable: true,
      });
      assert.deepEqual(declared(only(result, 'other-lib')).vcs, {
        vcs: 'git',
        ref: 'main',
        immutable: false,
      });
      const local = declared(only(result, 'local-lib'));
      assert.deepEqual([local.editable, local.url], [true, './local-lib']);
      assert.deepEqual(only(result, 'ray').locations, [{ path: '/environment.yml', line: 17 }]);
    });

    it('declares channels with credentials redacted and pip index options, and reports the unfollowed include', async () => {
      const result = await parseFixture(
        condaEnvironmentCataloger,
        'conda-environment/hand-written/environment.yml',
        '/environment.yml',
      );
      assert.deepEqual(
        result.indexes!.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['lock-source', 'conda-forge', 4],
          ['lock-source', 'https://***@conda.example.com/private', 5],
          ['extra-index-url', 'https://download.pytorch.org/whl/cpu', 16],
        ],
      );
      assert.deepEqual(problemCodes(result), ['CONDA_ENV_PIP_INCLUDE_NOT_FOLLOWED@25']);
      assert.ok(!JSON.stringify(result).includes('s3cret'));
    });
  });

  describe('when entries have the wrong shape', () => {
    it('reports numbers, mappings and unreadable specs, and keeps the rest', async () => {
      const text = [
        'dependencies:',
        '  - 3.11',
        '  - {conda: x}',
        '  - "numpy >=1 <2 extra"',
        '  - pip:',
        '      - 42',
        '      - "requests[ ==="',
        '      - git+https://github.com/o/r.git',
        '  - scipy',
        '',
      ].join('\n');
      const result = await parseText(condaEnvironmentCataloger, text, '/environment.yml');
      assert.deepEqual(nameVersions(result), ['scipy@*']);
      assert.deepEqual(problemCodes(result), [
        'LOCK_FIELD_INVALID@2',
        'LOCK_FIELD_INVALID@3',
        'CONDA_SPEC_INVALID@4',
        'LOCK_FIELD_INVALID@6',
        'CONDA_ENV_PIP_LINE_INVALID@7',
        'CONDA_ENV_PIP_LINE_INVALID@8',
      ]);
    });

    it('reports dependencies that are not a list', async () => {
      const result = await parseText(condaEnvironmentCataloger, 'dependencies: numpy\n', '/environment.yml');
      assert.deepEqual(problemCodes(result), ['LOCK_STRUCTURE_INVALID']);
    });
  });

  describe('parseMatchSpec', () => {
    it("follows conda's exactness rules", () => {
      assert.deepEqual(parseMatchSpec('python=3.11'), { name: 'python', versionSpec: '=3.11' });
      assert.equal(parseMatchSpec('numpy==1.26.4')?.version, '1.26.4');
      assert.deepEqual(parseMatchSpec('numpy=1.26.4=py311h64a7726_0'), {
        name: 'numpy',
        version: '1.26.4',
        versionSpec: '==1.26.4',
        build: 'py311h64a7726_0',
      });
      assert.equal(parseMatchSpec('zlib 1.2.13 hd590300_5')?.version, '1.2.13');
      assert.equal(parseMatchSpec('r-base 4.3.*')?.version, undefined);
      assert.deepEqual(parseMatchSpec("pytorch::pytorch[version='2.3.*', build=cuda*]"), {
        channel: 'pytorch',
        versionSpec: '2.3.*',
        build: 'cuda*',
        name: 'pytorch',
      });
      assert.equal(parseMatchSpec('not a spec at all'), undefined);
    });
  });
});
