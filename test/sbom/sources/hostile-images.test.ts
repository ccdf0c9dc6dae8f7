import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import type { FileTree } from '../../../src/sbom/sources/file-tree.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { digestOf, OciLayoutWriter } from '../../support/oci-layout-writer.ts';
import { buildTar, tarHeader } from '../../support/tar-builder.ts';
import type { TarItem } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const want = () => true;

async function layoutOf(dir: string, layers: TarItem[][]): Promise<string> {
  const writer = new OciLayoutWriter(dir);
  await writer.init();
  await writer.image(
    layers.map((items) => {
      const tar = buildTar(items);
      return { bytes: gzipSync(tar), diffId: digestOf(tar) };
    }),
  );
  return dir;
}

async function open(dir: string): Promise<FileTree> {
  const { source } = await openTarget(`oci-dir:${dir}`);
  return source.open(want);
}

describe('image reader on hostile images', function () {
  this.timeout(120_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  describe('when an entry climbs above the root (../../etc/passwd)', () => {
    it('skips the entry and reports it; nothing outside the image is read', async () => {
      const dir = await layoutOf(temp.dir, [
        [
          { name: '../../etc/passwd', content: 'evil:x:0:0\n' },
          { name: 'etc/hostname', content: 'inside\n' },
        ],
      ]);
      const tree = await open(dir);
      assert.deepEqual(
        tree.files().map((f) => f.path),
        ['/etc/hostname'],
      );
      assert.deepEqual(
        tree.problems.map((p) => p.code),
        ['SBOM_LAYER_PATH_ESCAPES'],
      );
      await tree.close();
    });
  });

  describe('when an absolute symlink points outside the image', () => {
    it('resolves it inside the image only and reports it dangling', async () => {
      const dir = await layoutOf(temp.dir, [
        [
          // The host has /etc/hostname; the image does not. Reading must never reach the host.
          { name: 'etc/os-release', type: 'symlink', linkName: '/../../../../etc/hostname' },
          { name: 'var/lib/dpkg/status', type: 'symlink', linkName: '/proc/self/environ' },
        ],
      ]);
      const tree = await open(dir);
      assert.deepEqual(tree.files(), []);
      assert.deepEqual(tree.problems.map((p) => p.code).sort(), [
        'SBOM_SYMLINK_DANGLING',
        'SBOM_SYMLINK_DANGLING',
      ]);
      await tree.close();
    });
  });

  describe('when a hardlink names a file that does not exist', () => {
    it('reports the hardlink and keeps the rest', async () => {
      const dir = await layoutOf(temp.dir, [
        [
          { name: 'usr/lib/os-release', type: 'hardlink', linkName: 'usr/lib/missing' },
          { name: 'etc/debian_version', content: '12.5\n' },
        ],
      ]);
      const tree = await open(dir);
      assert.deepEqual(
        tree.files().map((f) => f.path),
        ['/etc/debian_version'],
      );
      assert.deepEqual(
        tree.problems.map((p) => p.code),
        ['SBOM_HARDLINK_MISSING'],
      );
      await tree.close();
    });

    it('reads a hardlink whose target the scan did not want, with a second pass', async () => {
      const dir = await layoutOf(temp.dir, [
        [
          { name: 'opt/pkgs/meta', content: 'Name: x\n' },
          { name: 'usr/wanted/METADATA', type: 'hardlink', linkName: 'opt/pkgs/meta' },
        ],
      ]);
      const { source } = await openTarget(`oci-dir:${dir}`);
      const tree = await source.open((p) => p === '/usr/wanted/METADATA');
      assert.equal(Buffer.from(await tree.read('/usr/wanted/METADATA', 100)).toString(), 'Name: x\n');
      assert.deepEqual(tree.problems, []);
      await tree.close();
    });
  });

  describe('when a layer is a gzip bomb (1 GB of zeros)', () => {
    it('stops with a clear error, bounded in time', async () => {
      const blobFile = path.join(temp.dir, 'bomb.gz');
      const size = 1024 * 1024 * 1024;
      // Generated as a stream: a tar header claiming 1 GB, then 1 GB of zeros, gzip level 1.
      async function* body() {
        yield tarHeader({ name: 'zeros.bin' }, size);
        const chunk = Buffer.alloc(8 * 1024 * 1024);
        for (let written = 0; written < size; written += chunk.length) yield chunk;
        yield Buffer.alloc(1024);
      }
      await pipeline(body, createGzip({ level: 1 }), createWriteStream(blobFile));
      const bytes = await readFile(blobFile);
      const writer = new OciLayoutWriter(path.join(temp.dir, 'layout'));
      await writer.init();
      await writer.image([{ bytes, diffId: 'sha256:' + '0'.repeat(64) }]);
      const started = Date.now();
      const { source } = await openTarget(`oci-dir:${writer.dir}`);
      await assertRejectsWithCode(() => source.open(want), 'SBOM_LAYER_DECOMPRESSION_BOMB');
      assert.ok(Date.now() - started < 30_000, 'stopped early');
    });
  });

  describe('when a blob is truncated', () => {
    it('fails with OCI_DIGEST_MISMATCH when the descriptor names the whole blob', async () => {
      const dir = await layoutOf(temp.dir, [
        [{ name: 'etc/os-release', content: 'ID=debian\n'.repeat(2000) }],
      ]);
      const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
      const manifest = JSON.parse(
        await readFile(path.join(dir, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'),
      );
      const layerFile = path.join(dir, 'blobs/sha256', manifest.layers[0].digest.slice(7));
      const layer = await readFile(layerFile);
      await writeFile(layerFile, layer.subarray(0, layer.length >> 1));
      const { source } = await openTarget(`oci-dir:${dir}`);
      await assertRejectsWithCode(() => source.open(want), 'OCI_DIGEST_MISMATCH');
    });

    it('fails with SBOM_LAYER_TRUNCATED when the truncated blob is what the manifest names', async () => {
      const tar = buildTar([{ name: 'etc/os-release', content: 'ID=debian\n'.repeat(2000) }]);
      const gz = gzipSync(tar);
      const writer = new OciLayoutWriter(temp.dir);
      await writer.init();
      await writer.image([{ bytes: gz.subarray(0, gz.length >> 1), diffId: digestOf(tar) }]);
      const { source } = await openTarget(`oci-dir:${temp.dir}`);
      await assertRejectsWithCode(() => source.open(want), 'SBOM_LAYER_TRUNCATED');
    });
  });

  describe('when a layer digest does not match', () => {
    it('fails with OCI_DIGEST_MISMATCH, never a silent success', async () => {
      const dir = await layoutOf(temp.dir, [[{ name: 'etc/os-release', content: 'ID=debian\n' }]]);
      const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
      const manifest = JSON.parse(
        await readFile(path.join(dir, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'),
      );
      const layerFile = path.join(dir, 'blobs/sha256', manifest.layers[0].digest.slice(7));
      const other = gzipSync(buildTar([{ name: 'etc/os-release', content: 'ID=evil0\n' }]));
      await writeFile(layerFile, other);
      const { source } = await openTarget(`oci-dir:${dir}`);
      await assertRejectsWithCode(() => source.open(want), 'OCI_DIGEST_MISMATCH');
    });
  });

  describe('when the manifest is 50 MB', () => {
    it('refuses to read it into memory', async () => {
      const writer = new OciLayoutWriter(temp.dir);
      await writer.init();
      const padding = 'x'.repeat(50 * 1024 * 1024);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          annotations: { padding },
        }),
      );
      const blob = await writer.blob(manifest, 'application/vnd.oci.image.manifest.v1+json');
      await writer.index([blob]);
      await assertRejectsWithCode(() => openTarget(`oci-dir:${temp.dir}`), 'OCI_MANIFEST_TOO_LARGE');
    });
  });

  describe('when the manifest lists 10,000 layers', () => {
    it('refuses the image before reading any layer', async () => {
      const writer = new OciLayoutWriter(temp.dir);
      await writer.init();
      const layer = await writer.blob(
        gzipSync(buildTar([{ name: 'a', content: 'a' }])),
        'application/vnd.oci.image.layer.v1.tar+gzip',
      );
      const config = await writer.blob(
        Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]}}'),
        'application/vnd.oci.image.config.v1+json',
      );
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config,
          layers: Array.from({ length: 10_000 }, () => layer),
        }),
      );
      await writer.index([await writer.blob(manifest, 'application/vnd.oci.image.manifest.v1+json')]);
      await assertRejectsWithCode(() => openTarget(`oci-dir:${temp.dir}`), 'SBOM_IMAGE_TOO_MANY_LAYERS');
    });
  });

  describe('when many layers rewrite a wanted file', () => {
    it('bounds the kept bytes across the whole image, superseded versions included', async () => {
      const status = 'Package: x\nVersion: 1\n'.repeat(2000);
      const dir = await layoutOf(
        temp.dir,
        Array.from({ length: 6 }, () => [{ name: 'var/lib/dpkg/status', content: status }]),
      );
      const { source } = await openTarget(`oci-dir:${dir}`, { limits: { maxKeptBytes: 4 * status.length } });
      await assertRejectsWithCode(() => source.open(want), 'SBOM_IMAGE_KEPT_TOO_MUCH');
    });
  });

  describe('when a tar header claims 100 GB', () => {
    it('does not allocate it and fails clearly when the body is missing', async () => {
      const header = tarHeader({ name: 'var/lib/dpkg/status' }, 100 * 1024 ** 3);
      const tar = Buffer.concat([header, Buffer.alloc(4096)]);
      const writer = new OciLayoutWriter(temp.dir);
      await writer.init();
      await writer.image([{ bytes: gzipSync(tar), diffId: digestOf(tar) }]);
      const { source } = await openTarget(`oci-dir:${temp.dir}`);
      await assertRejectsWithCode(() => source.open(want), 'SBOM_LAYER_TRUNCATED');
    });
  });
});
