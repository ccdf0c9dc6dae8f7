import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import type { FileTree } from '../../../src/sbom/sources/file-tree.ts';
import { digestOf, OciLayoutWriter } from '../../support/oci-layout-writer.ts';
import { buildTar } from '../../support/tar-builder.ts';
import type { TarItem } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

async function squash(
  layers: TarItem[][],
  want: (p: string) => boolean = () => true,
): Promise<{ tree: FileTree; files: Record<string, string>; cleanup: () => Promise<void> }> {
  const temp = await makeTempDir();
  const writer = new OciLayoutWriter(temp.dir);
  await writer.init();
  await writer.image(
    layers.map((items) => {
      const tar = buildTar(items);
      return { bytes: gzipSync(tar), diffId: digestOf(tar) };
    }),
  );
  const { source } = await openTarget(`oci-dir:${temp.dir}`);
  const tree = await source.open(want);
  const files: Record<string, string> = {};
  for (const f of tree.files()) files[f.path] = Buffer.from(await tree.read(f.path, 1 << 20)).toString();
  return {
    tree,
    files,
    cleanup: async () => {
      await tree.close();
      await temp.cleanup();
    },
  };
}

describe('layer squash (overlay semantics)', () => {
  describe('when a layer has whiteouts', () => {
    it('deletes the file, or the folder with everything under it', async () => {
      const { files, cleanup } = await squash([
        [
          { name: 'a/keep', content: '1' },
          { name: 'a/gone', content: '2' },
          { name: 'd/x/y', content: '3' },
        ],
        [{ name: 'a/.wh.gone' }, { name: '.wh.d' }],
      ]);
      assert.deepEqual(files, { '/a/keep': '1' });
      await cleanup();
    });

    it('empties an opaque folder of lower content but keeps what the same layer adds', async () => {
      const { files, cleanup } = await squash([
        [
          { name: 'site/old/METADATA', content: 'old' },
          { name: 'other', content: 'o' },
        ],
        [
          { name: 'site/', type: 'dir' },
          { name: 'site/.wh..wh..opq' },
          { name: 'site/new/METADATA', content: 'new' },
        ],
      ]);
      assert.deepEqual(files, { '/other': 'o', '/site/new/METADATA': 'new' });
      await cleanup();
    });
  });

  describe('when a path changes kind between layers', () => {
    it('hides a lower folder under an upper file, and a lower file under an upper folder', async () => {
      const { files, cleanup } = await squash([
        [
          { name: 'x/inner', content: 'lower' },
          { name: 'y', content: 'file' },
        ],
        [
          { name: 'x', content: 'now a file' },
          { name: 'y/inner', content: 'now a folder' },
        ],
      ]);
      assert.deepEqual(files, { '/x': 'now a file', '/y/inner': 'now a folder' });
      await cleanup();
    });

    it('hides what a lower layer had under a path an upper layer makes a symlink', async () => {
      const { files, tree, cleanup } = await squash([
        [
          { name: 'lib/python/METADATA', content: 'lower' },
          { name: 'usr/lib/python/METADATA', content: 'usr' },
        ],
        [{ name: 'lib', type: 'symlink', linkName: 'usr/lib' }],
      ]);
      assert.deepEqual(files, { '/usr/lib/python/METADATA': 'usr' });
      assert.deepEqual(tree.problems, []);
      await cleanup();
    });
  });

  describe('when files are links', () => {
    it('reads a hardlink to a file a lower layer wrote', async () => {
      const { files, cleanup } = await squash([
        [{ name: 'a', content: 'A' }],
        [{ name: 'b', type: 'hardlink', linkName: 'a' }],
      ]);
      assert.deepEqual(files, { '/a': 'A', '/b': 'A' });
      await cleanup();
    });

    it('reads a wanted symlink whose target the scan did not ask for', async () => {
      const { files, cleanup } = await squash(
        [
          [{ name: 'usr/lib/os-release', content: 'ID=debian\n' }],
          [{ name: 'etc/os-release', type: 'symlink', linkName: '../usr/lib/os-release' }],
        ],
        (p) => p === '/etc/os-release',
      );
      assert.deepEqual(files, { '/etc/os-release': 'ID=debian\n' });
      await cleanup();
    });
  });

  describe('when a file is rewritten by several layers', () => {
    it('keeps every version with its layer, oldest first, and forgets them after a whiteout', async () => {
      const { tree, cleanup } = await squash([
        [{ name: 'db', content: 'v1' }],
        [{ name: 'other', content: 'x' }],
        [{ name: 'db', content: 'v2' }],
      ]);
      const layers = tree.description.properties!['raygate:image:layers']!.split(',');
      const history = await tree.history!('/db', 100);
      assert.deepEqual(
        history.map((h) => [h.layer, Buffer.from(h.bytes).toString()]),
        [
          [layers[0], 'v1'],
          [layers[2], 'v2'],
        ],
      );
      await cleanup();

      const again = await squash([
        [{ name: 'db', content: 'v1' }],
        [{ name: '.wh.db' }],
        [{ name: 'db', content: 'v3' }],
      ]);
      assert.deepEqual(
        (await again.tree.history!('/db', 100)).map((h) => Buffer.from(h.bytes).toString()),
        ['v3'],
      );
      await again.cleanup();
    });
  });
});
