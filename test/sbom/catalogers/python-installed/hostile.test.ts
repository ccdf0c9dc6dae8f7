import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PythonInstalledMetadata, ScanResult } from '../../../../src/sbom/model.ts';
import { nameVersions, problemKeys, scanDirectory } from '../../../support/scan-dir.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';

const SP = 'lib/python3.11/site-packages';

describe('installed Python catalogers on hostile and broken input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let result: ScanResult;
  let elapsedMs: number;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const put = async (rel: string, content: string | Uint8Array) => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), content);
    };
    const deep = `${'('.repeat(50_000)}python_version >= "3"${')'.repeat(50_000)}`;
    await put(
      `${SP}/good-1.0.dist-info/METADATA`,
      `Metadata-Version: 2.1\nName: good\nVersion: 1.0\nRequires-Dist: latin1; ${deep}\n`,
    );
    // Binary garbage with a NUL early on, as a corrupted or swapped file would be.
    await put(
      `${SP}/garbage-1.0.dist-info/METADATA`,
      Buffer.concat([Buffer.from([0x7f, 0, 1, 2]), randomBytes(4096)]),
    );
    // 2 GB as the file system reports it, without writing 2 GB: a sparse file.
    await put(`${SP}/huge-1.0.dist-info/METADATA`, '');
    await truncate(path.join(dir, `${SP}/huge-1.0.dist-info/METADATA`), 2 * 1024 ** 3);
    await put(
      `${SP}/latin1-1.0.egg-info/PKG-INFO`,
      Buffer.from('Metadata-Version: 1.1\nName: latin1\nVersion: 1.0\nAuthor: Jos\xe9 M\xfcller\n', 'latin1'),
    );
    await put('conda-meta/broken-1.0-0.json', '{"name": "broken", "version": ');
    await put(`${SP}/nometa-1.0.dist-info/RECORD`, 'nometa/__init__.py,,\n');
    await mkdir(path.join(dir, `${SP}/loop-1.0.dist-info`));
    await symlink('METADATA', path.join(dir, `${SP}/loop-1.0.dist-info/METADATA`));
    await mkdir(path.join(dir, `${SP}/pkg`));
    await symlink('..', path.join(dir, `${SP}/pkg/parent`));
    await symlink('.', path.join(dir, `${SP}/pkg/self`));
    const started = performance.now();
    result = await scanDirectory(dir);
    elapsedMs = performance.now() - started;
  });
  after(() => cleanup());

  it('keeps every readable package and only those', () => {
    assert.deepEqual(nameVersions(result), ['good@1.0', 'latin1@1.0']);
  });

  it('gives each broken input a problem with a stable code', () => {
    assert.deepEqual(problemKeys(result), [
      'SBOM_CONDA_META_INVALID /conda-meta/broken-1.0-0.json',
      `SBOM_FILE_TOO_LARGE /${SP}/huge-1.0.dist-info/METADATA`,
      `SBOM_PYTHON_METADATA_BINARY /${SP}/garbage-1.0.dist-info/METADATA`,
      `SBOM_PYTHON_METADATA_MISSING /${SP}/nometa-1.0.dist-info`,
      `SBOM_PYTHON_REQUIREMENT_INVALID /${SP}/good-1.0.dist-info/METADATA`,
      `SBOM_SYMLINK_LOOP /${SP}/loop-1.0.dist-info/METADATA`,
      `SBOM_TEXT_NOT_UTF8 /${SP}/latin1-1.0.egg-info/PKG-INFO`,
    ]);
    const severities = Object.fromEntries(result.problems.map((p) => [p.code, p.severity]));
    assert.equal(severities.SBOM_TEXT_NOT_UTF8, 'warning');
    assert.equal(severities.SBOM_PYTHON_METADATA_MISSING, 'error');
  });

  it('recovers Latin-1 metadata', () => {
    const pkg = result.packages.find((p) => p.name === 'latin1')!;
    assert.equal((pkg.metadata as PythonInstalledMetadata).author, 'José Müller');
  });

  it('refuses the 2 GB file from its size, without reading it, and never follows folder links', () => {
    assert.ok(elapsedMs < 10_000, `scan took ${elapsedMs} ms`);
    assert.ok(!result.packages.some((p) => p.locations[0]!.path.includes('/pkg/')));
  });
});
