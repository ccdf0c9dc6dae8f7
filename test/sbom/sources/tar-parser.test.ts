import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile, link } from 'node:fs/promises';
import path from 'node:path';
import { TarParser } from '../../../src/sbom/sources/tar-parser.ts';
import type { TarEntry } from '../../../src/sbom/sources/tar-parser.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { tarHeader } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { run } from '../../support/test-cache.ts';

function parseAll(
  bytes: Uint8Array,
  chunk: number,
): { entries: TarEntry[]; bodies: Map<string, string>; done: boolean } {
  const entries: TarEntry[] = [];
  const bodies = new Map<string, string>();
  let current = '';
  const parser = new TarParser({
    entry: (e) => {
      entries.push(e);
      current = e.name;
      bodies.set(current, '');
      return e.type === 'file' ? e.size : 0;
    },
    body: (b) => bodies.set(current, bodies.get(current)! + Buffer.from(b).toString('utf8')),
  });
  for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, i + chunk));
  parser.end();
  return { entries, bodies, done: parser.done };
}

describe('tar parser', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  before(async () => {
    temp = await makeTempDir();
  });
  after(async () => {
    await temp.cleanup();
  });

  for (const format of ['gnu', 'pax', 'ustar']) {
    describe(`when GNU tar writes a ${format} archive`, () => {
      it('reads names (long ones too), types, link targets and bodies, whatever the chunk size', async () => {
        const root = path.join(temp.dir, format);
        const longDir = format === 'ustar' ? 'd'.repeat(90) : 'very-long-'.repeat(20);
        await mkdir(path.join(root, longDir), { recursive: true });
        await writeFile(path.join(root, longDir, 'METADATA'), 'Name: x\n'.repeat(100));
        await writeFile(path.join(root, 'small'), 'hello');
        await symlink(format === 'ustar' ? 'small' : `../${'t'.repeat(120)}`, path.join(root, 'link'));
        await link(path.join(root, 'small'), path.join(root, 'hard'));
        const archive = path.join(temp.dir, `${format}.tar`);
        await run('tar', ['--format', format, '-C', root, '-cf', archive, '--sort=name', '.']);
        const bytes = await readFile(archive);
        for (const chunk of [1, 7, 512, 513, 100_000]) {
          const { entries, bodies, done } = parseAll(bytes, chunk);
          assert.ok(done, 'the end marker was seen');
          const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, '').replace(/\/$/, ''), e]));
          assert.equal(byName.get(`${longDir}/METADATA`)?.type, 'file');
          assert.equal(bodies.get(`./${longDir}/METADATA`), 'Name: x\n'.repeat(100));
          assert.equal(byName.get('link')?.type, 'symlink');
          assert.equal(byName.get('link')?.linkName, format === 'ustar' ? 'small' : `../${'t'.repeat(120)}`);
          const hard = byName.get('small')?.type === 'hardlink' ? byName.get('small') : byName.get('hard');
          assert.equal(hard?.type, 'hardlink');
          assert.equal(byName.get(longDir)?.type, 'directory');
        }
      });
    });
  }

  describe('when the archive is damaged', () => {
    it('rejects a bad header checksum', async () => {
      const header = tarHeader({ name: 'x' }, 0);
      header[0] = 0x79;
      await assertRejectsWithCode(() => parseAll(header, 512), 'SBOM_LAYER_CORRUPT');
    });

    it('rejects an archive cut inside an entry', async () => {
      const bytes = Buffer.concat([tarHeader({ name: 'x' }, 1000), Buffer.alloc(100)]);
      await assertRejectsWithCode(() => parseAll(bytes, 512), 'SBOM_LAYER_TRUNCATED');
    });

    it('reads a base-256 size (GNU, 8 GiB and more) without trusting it', async () => {
      const entries: TarEntry[] = [];
      const parser = new TarParser({ entry: (e) => (entries.push(e), 0) });
      parser.push(tarHeader({ name: 'huge' }, 100 * 1024 ** 3));
      assert.equal(entries[0]!.size, 100 * 1024 ** 3);
      await assertRejectsWithCode(() => parser.end(), 'SBOM_LAYER_TRUNCATED');
    });
  });
});
