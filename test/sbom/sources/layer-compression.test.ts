import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { IMAGE_LIMITS } from '../../../src/sbom/sources/image-limits.ts';
import { readLayer } from '../../../src/sbom/sources/layer-reader.ts';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import { digestOf, OciLayoutWriter } from '../../support/oci-layout-writer.ts';
import { buildTar } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { run } from '../../support/test-cache.ts';

describe('layer compression', () => {
  describe('when a blob arrives in one-byte chunks', () => {
    it('still recognises gzip and verifies the digest', async () => {
      const tar = buildTar([{ name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n' }]);
      const gz = gzipSync(tar);
      async function* bytes() {
        for (const b of gz) yield Uint8Array.of(b);
      }
      const contents = await readLayer({
        index: 0,
        blob: {
          digest: digestOf(gz),
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          size: gz.length,
        },
        open: async () => bytes(),
        want: () => true,
        limits: IMAGE_LIMITS,
      });
      assert.equal(
        Buffer.from(contents.files.get('/var/lib/dpkg/status')!.bytes!).toString(),
        'Package: a\nVersion: 1\n',
      );
    });
  });

  describe('when layers are gzip, zstd (made by the zstd tool) or plain tar', () => {
    it('reads the same files from each, in one image', async () => {
      const temp = await makeTempDir();
      try {
        const tars = ['gzip', 'zstd', 'plain'].map((kind) =>
          buildTar([{ name: `etc/${kind}.txt`, content: `${kind}\n`.repeat(1000) }]),
        );
        const zstdIn = path.join(temp.dir, 'layer.tar');
        await writeFile(zstdIn, tars[1]!);
        await run('zstd', ['-q', '-f', zstdIn, '-o', `${zstdIn}.zst`]);
        const writer = new OciLayoutWriter(path.join(temp.dir, 'layout'));
        await writer.init();
        await writer.image([
          { bytes: gzipSync(tars[0]!), diffId: digestOf(tars[0]!) },
          {
            bytes: await readFile(`${zstdIn}.zst`),
            diffId: digestOf(tars[1]!),
            mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd',
          },
          {
            bytes: tars[2]!,
            diffId: digestOf(tars[2]!),
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
          },
        ]);
        const progress: { layersDone: number; bytesRead: number; bytesTotal?: number }[] = [];
        const { source } = await openTarget(`oci-dir:${writer.dir}`, { onProgress: (p) => progress.push(p) });
        const tree = await source.open(() => true);
        assert.deepEqual(
          progress.map((p) => p.layersDone),
          [1, 2, 3],
          'progress after each layer',
        );
        assert.equal(progress[2]!.bytesRead, progress[2]!.bytesTotal);
        const files: Record<string, string> = {};
        for (const f of tree.files())
          files[f.path] = Buffer.from(await tree.read(f.path, 1 << 20))
            .toString()
            .slice(0, 5);
        assert.deepEqual(files, {
          '/etc/gzip.txt': 'gzip\n',
          '/etc/plain.txt': 'plain',
          '/etc/zstd.txt': 'zstd\n',
        });
        await tree.close();
      } finally {
        await temp.cleanup();
      }
    });
  });
});
