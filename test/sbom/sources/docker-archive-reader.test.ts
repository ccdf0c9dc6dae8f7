import assert from 'node:assert/strict';
import path from 'node:path';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import type { FileTree } from '../../../src/sbom/sources/file-tree.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/images/osv-scalibr');

async function openArchive(name: string): Promise<FileTree> {
  const { source } = await openTarget(`docker-archive:${path.join(FIXTURES, name)}`);
  return source.open(() => true);
}

async function contents(tree: FileTree): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of tree.files()) out[f.path] = Buffer.from(await tree.read(f.path, 1 << 20)).toString('utf8');
  return out;
}

describe('docker-archive reader', () => {
  describe('when reading real docker save archives (osv-scalibr testdata)', () => {
    it('lists the files of every layer with their content', async () => {
      const tree = await openArchive('layerscanning-multiple-files.tar');
      assert.deepEqual(await contents(tree), {
        '/dir1/bar.txt': 'bar\n',
        '/dir1/baz.txt': 'baz\n',
        '/foo.txt': 'foo\n',
      });
      const layers = new Set(tree.files().map((f) => f.layer));
      assert.equal(layers.size, 2, 'files come from two layers');
      await tree.close();
    });

    it('shows the upper layer of a file two layers write', async () => {
      const tree = await openArchive('layerscanning-overwrite-file.tar');
      assert.deepEqual(await contents(tree), { '/sample.txt': 'overwritten sample text file\n' });
      const description = JSON.parse(JSON.stringify(tree.description)) as {
        properties: Record<string, string>;
      };
      const layers = description.properties['raygate:image:layers']!.split(',');
      assert.equal(tree.get('/sample.txt')!.layer, layers[1], 'attributed to the second layer');
      await tree.close();
    });

    it('describes the image: name, tag, purl, platform, layers', async () => {
      const tree = await openArchive('layerscanning-basic.tar');
      const d = tree.description;
      assert.equal(d.type, 'docker-archive');
      assert.equal(d.name, 'basic');
      assert.equal(d.version, 'latest');
      assert.match(
        d.purl!,
        /^pkg:oci\/basic@sha256:[0-9a-f]{64}\?arch=amd64&repository_url=basic&tag=latest$/,
      );
      assert.equal(d.properties!['raygate:image:platform'], 'linux/amd64');
      assert.equal(d.properties!['raygate:image:layer-count'], '2');
      await tree.close();
    });

    it('follows relative, absolute and chained symlinks inside the image', async () => {
      const tree = await openArchive('unpack-symlinks.tar');
      const files = await contents(tree);
      assert.equal(files['/dir1/chain-symlink.txt'], 'sample text\n');
      assert.equal(files['/dir2/dir3/absolute-symlink-inside-root.txt'], 'sample text\n');
      await tree.close();
    });
  });

  describe('when an archive is hostile', () => {
    it('resolves symlinks that climb above the root inside the image and reports them dangling', async () => {
      const tree = await openArchive('layerscanning-symlink-attack.tar');
      assert.deepEqual(tree.files(), []);
      const codes = tree.problems.map((p) => p.code);
      assert.deepEqual(codes, ['SBOM_SYMLINK_DANGLING', 'SBOM_SYMLINK_DANGLING']);
      assert.ok(
        tree.problems.every((p) => p.message.includes('/secret.txt')),
        'the target is the image path /secret.txt',
      );
      await tree.close();
    });

    it('reports a symlink cycle instead of looping', async () => {
      const tree = await openArchive('layerscanning-symlink-cycle.tar');
      assert.deepEqual(tree.files(), []);
      assert.ok(tree.problems.length === 3 && tree.problems.every((p) => p.code === 'SBOM_SYMLINK_LOOP'));
      await tree.close();
    });

    it('reports links whose target a later layer deleted', async () => {
      const tree = await openArchive('layerscanning-symlink-dangling.tar');
      assert.deepEqual(tree.files(), []);
      assert.equal(tree.problems.filter((p) => p.code === 'SBOM_SYMLINK_DANGLING').length, 7);
      await tree.close();
    });

    it('refuses a tar that is not a docker save archive', async () => {
      await assertRejectsWithCode(
        () => openTarget(`docker-archive:${path.join(FIXTURES, 'layerscanning-empty.tar')}`),
        'SBOM_ARCHIVE_INVALID',
      );
      await assertRejectsWithCode(
        () => openTarget(`docker-archive:${path.join(FIXTURES, 'unpack-escape.tar')}`),
        'SBOM_ARCHIVE_INVALID',
      );
    });
  });
});
