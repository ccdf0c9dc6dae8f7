import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { directorySource } from '../../../src/sbom/sources/directory-reader.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

describe('directorySource', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await mkdir(path.join(dir, 'root/a/b'), { recursive: true });
    await writeFile(path.join(dir, 'root/a/b/METADATA'), 'Name: x\n');
    await writeFile(path.join(dir, 'root/a/other.txt'), 'x');
    await writeFile(path.join(dir, 'outside.txt'), 'secret');
  });
  afterEach(() => cleanup());

  const open = (want = (p: string) => p.endsWith('METADATA') || p.endsWith('.txt'), maxDepth = 64) =>
    directorySource(
      path.join(dir, 'root'),
      { type: 'directory', name: 'root' },
      {
        limits: { maxEntries: 1000, maxDepth },
      },
    ).open(want);

  it('lists wanted files in path order with tree paths', async () => {
    const tree = await open();
    assert.deepEqual(
      tree.files().map((f) => f.path),
      ['/a/b/METADATA', '/a/other.txt'],
    );
    assert.equal(Buffer.from(await tree.read('/a/b/METADATA', 100)).toString(), 'Name: x\n');
  });

  it('does not follow a symlink loop, and reports a looping file link', async () => {
    await symlink('..', path.join(dir, 'root/a/b/up'));
    await symlink('loop.txt', path.join(dir, 'root/a/loop.txt'));
    const tree = await open();
    assert.deepEqual(
      tree.files().map((f) => f.path),
      ['/a/b/METADATA', '/a/other.txt'],
    );
    assert.ok(tree.problems.some((p) => p.code === 'SBOM_SYMLINK_LOOP' && p.path === '/a/loop.txt'));
  });

  it('skips a file symlink that escapes the root and refuses to read through it', async () => {
    await symlink(path.join(dir, 'outside.txt'), path.join(dir, 'root/a/escape.txt'));
    const tree = await open();
    assert.ok(!tree.files().some((f) => f.path === '/a/escape.txt'));
    assert.ok(tree.problems.some((p) => p.code === 'SBOM_SYMLINK_ESCAPES'));
    await assertRejectsWithCode(() => tree.read('/a/escape.txt', 100), 'SBOM_PATH_ESCAPES');
    await assertRejectsWithCode(() => tree.read('/../outside.txt', 100), 'SBOM_PATH_ESCAPES');
  });

  it('refuses to read past the byte limit', async () => {
    await writeFile(path.join(dir, 'root/a/big.txt'), Buffer.alloc(5000, 65));
    const tree = await open();
    await assertRejectsWithCode(() => tree.read('/a/big.txt', 4096), 'SBOM_FILE_TOO_LARGE');
  });

  it('reports folders nested deeper than the limit instead of walking them', async () => {
    const tree = await open(undefined, 1);
    assert.deepEqual(
      tree.files().map((f) => f.path),
      ['/a/other.txt'],
    );
    assert.ok(tree.problems.some((p) => p.code === 'SBOM_DIRECTORY_TOO_DEEP'));
  });
});
