import assert from 'node:assert/strict';
import path from 'node:path';
import type { ScanResult } from '../../../../src/sbom/model.ts';
import { byName, FIXTURES, meta, scanFile } from './scan-files.ts';

// Expected values were cross-checked against pip 23.2's own parser (pip._internal.req.req_file) on the same
// files: the same 613/18/44/188 requirements, at the same line numbers, with the same hash counts and markers.

const ray = (name: string) => path.join(FIXTURES, 'ray', name);

function versions(result: ScanResult, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, byName(result, n).version]));
}

function counts(result: ScanResult) {
  return {
    packages: result.packages.length,
    pinned: result.packages.filter((p) => meta(p).pinned).length,
    hashed: result.packages.filter((p) => p.hashes.length > 0).length,
    hashes: result.packages.reduce((n, p) => n + p.hashes.length, 0),
    markers: result.packages.filter((p) => meta(p).marker !== undefined).length,
    problems: result.problems.length,
  };
}

describe("requirements cataloger on Ray's lock files", () => {
  describe('when reading requirements_compiled.txt (pip-compile, no hashes)', () => {
    let result: ScanResult;
    before(async () => {
      result = await scanFile(ray('requirements_compiled.txt'));
    });

    it('lists 613 requirements: 610 exact pins and three git references, no hashes, 30 markers', () => {
      assert.deepEqual(counts(result), {
        packages: 613,
        pinned: 610,
        hashed: 0,
        hashes: 0,
        markers: 30,
        problems: 0,
      });
      assert.equal(new Set(result.packages.map((p) => p.name)).size, 613);
    });

    it('reads the two index options of lines 1 and 2', () => {
      assert.deepEqual(
        result.indexes.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['extra-index-url', 'https://download.pytorch.org/whl/cpu', 1],
          ['find-links', 'https://data.pyg.org/whl/torch-2.3.0+cpu.html', 2],
        ],
      );
    });

    it('finds the git references at lines 787, 1757 and 2496; only the first names a commit', () => {
      const vcs = result.packages
        .filter((p) => meta(p).vcs)
        .map((p) => [p.locations[0]!.line, p.name, meta(p).vcs]);
      assert.deepEqual(vcs, [
        [787, 'hyperopt', { vcs: 'git', ref: '2504ee61419737e814e2dec2961b15d12775529c', immutable: true }],
        [1757, 'pytest-sphinx', { vcs: 'git', immutable: false }],
        [2496, 'vsphere-automation-sdk', { vcs: 'git', ref: 'v8.0.1.0', immutable: false }],
      ]);
      assert.equal(
        meta(byName(result, 'pytest-sphinx')).url,
        'git+https://github.com/ray-project/pytest-sphinx',
      );
    });

    it('pins the versions the fixture README lists, at their lines, with markers as written', () => {
      assert.deepEqual(
        versions(result, [
          'aiohttp',
          'cryptography',
          'jinja2',
          'protobuf',
          'grpcio',
          'pyarrow',
          'torch',
          'urllib3',
        ]),
        {
          aiohttp: '3.11.16',
          cryptography: '44.0.3',
          jinja2: '3.1.6',
          protobuf: '4.25.8',
          grpcio: '1.74.0',
          pyarrow: '19.0.1',
          torch: '2.3.0',
          urllib3: '1.26.19',
        },
      );
      assert.deepEqual(versions(result, ['mlflow', 'transformers', 'pillow']), {
        mlflow: '3.1.4',
        transformers: '4.36.2',
        pillow: '10.4.0',
      });
      const pillow = byName(result, 'pillow');
      assert.deepEqual(pillow.locations, [{ path: '/requirements_compiled.txt', line: 1477 }]);
      assert.equal(meta(pillow).marker, 'platform_system != "Windows"');
      assert.equal(pillow.purl, 'pkg:pypi/pillow@10.4.0');
      assert.equal(byName(result, 'aiohttp').locations[0]!.line, 49);
    });
  });

  describe('when reading the ray image lock for Python 3.9 (uv, hashed)', () => {
    let result: ScanResult;
    before(async () => {
      result = await scanFile(ray('requirements_compiled_ray_img_3.9.txt'));
    });

    it('lists 18 exact pins, every one hashed (335 hashes), one marker', () => {
      assert.deepEqual(counts(result), {
        packages: 18,
        pinned: 18,
        hashed: 18,
        hashes: 335,
        markers: 1,
        problems: 0,
      });
    });

    it('reads --index-url, --extra-index-url and --find-links at lines 3-5; the uv header is a comment', () => {
      assert.deepEqual(
        result.indexes.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['index-url', 'https://pypi.org/simple', 3],
          ['extra-index-url', 'https://download.pytorch.org/whl/cpu', 4],
          ['find-links', '.whl/', 5],
        ],
      );
      assert.equal(result.installerOptions, undefined);
    });

    it('pins ray itself (line 280, one hash) and the README versions', () => {
      const rayPkg = byName(result, 'ray');
      assert.equal(rayPkg.version, '3.0.0.dev0');
      assert.equal(rayPkg.locations[0]!.line, 280);
      assert.deepEqual(rayPkg.hashes, [
        { algorithm: 'sha256', value: '61da1d4fe9e7b9a5fae7e7cd64b7cd410028ab5073b252090b9f90c5ffa3f643' },
      ]);
      assert.deepEqual(versions(result, ['urllib3', 'requests', 'protobuf']), {
        urllib3: '1.26.19',
        requests: '2.32.3',
        protobuf: '4.25.8',
      });
      assert.equal(byName(result, 'protobuf').hashes.length, 11);
    });
  });

  describe('when reading the base-deps lock for Python 3.11 (uv, hashed, single-quoted markers)', () => {
    it('lists 44 hashed pins (422 hashes) and keeps the markers as written', async () => {
      const result = await scanFile(ray('requirements_compiled_base_deps_3.11.txt'));
      assert.deepEqual(counts(result), {
        packages: 44,
        pinned: 44,
        hashed: 44,
        hashes: 422,
        markers: 2,
        problems: 0,
      });
      const cffi = byName(result, 'cffi');
      assert.equal(cffi.locations[0]!.line, 51);
      assert.equal(meta(cffi).marker, "platform_python_implementation != 'PyPy'");
      assert.deepEqual(versions(result, ['boto3', 'cryptography', 'numpy']), {
        boto3: '1.26.76',
        cryptography: '44.0.3',
        numpy: '1.26.4',
      });
      assert.equal(byName(result, 'cryptography').hashes.length, 37);
    });
  });

  describe('when reading the derived Ray-LLM pins', () => {
    it('lists 188 pins with local versions, 23 markers, the CUDA wheels', async () => {
      const result = await scanFile(ray('rayllm_py311_cu128.pins-only.txt'));
      assert.deepEqual(counts(result), {
        packages: 188,
        pinned: 188,
        hashed: 0,
        hashes: 0,
        markers: 23,
        problems: 0,
      });
      assert.deepEqual(versions(result, ['vllm', 'torch', 'xformers', 'transformers']), {
        vllm: '0.10.0',
        torch: '2.7.1+cu128',
        xformers: '0.0.31',
        transformers: '4.53.2',
      });
      assert.equal(result.packages.filter((p) => /^nvidia-.*-cu12$/.test(p.name)).length, 14);
      assert.deepEqual(
        result.indexes.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['index-url', 'https://pypi.org/simple', 5],
          ['extra-index-url', 'https://download.pytorch.org/whl/cu128', 6],
        ],
      );
    });
  });
});
