import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readOsvExport, type ExportEntry } from '../../src/advisories/osv-export-reader.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeZip } from '../support/zip-builder.ts';
import { ghsa, PYPA_VULNS } from './records.ts';

async function collect(iterable: AsyncIterable<ExportEntry>): Promise<ExportEntry[]> {
  const out: ExportEntry[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}
const problems = (entries: ExportEntry[]) =>
  entries
    .filter((e): e is Extract<ExportEntry, { problem: unknown }> => 'problem' in e)
    .map((e) => [e.name, e.problem.code]);
const records = (entries: ExportEntry[]) => entries.filter((e) => 'bytes' in e).map((e) => e.name);

describe('readOsvExport', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => (temp = await makeTempDir()));
  afterEach(() => temp.cleanup());

  const record = JSON.stringify(ghsa('GHSA-h3xg-wv58-5p43'));

  describe('when reading a folder (the PyPA advisory database)', () => {
    it('yields every YAML record and nothing else', async () => {
      const entries = await collect(readOsvExport(PYPA_VULNS));
      assert.equal(records(entries).length, 2661);
      assert.deepEqual(problems(entries), []);
      assert.ok(records(entries).includes('aiohttp/PYSEC-2023-246.yaml'));
    });

    it('does not follow symlinks out of the folder', async () => {
      const dir = path.join(temp.dir, 'records');
      await mkdir(dir);
      await writeFile(path.join(dir, 'A.json'), record);
      await symlink('/etc/passwd', path.join(dir, 'B.json'));
      assert.deepEqual(records(await collect(readOsvExport(dir))), ['A.json']);
    });
  });

  describe('when reading an export zip', () => {
    it('streams each JSON entry', async () => {
      const zip = path.join(temp.dir, 'all.zip');
      await writeZip(zip, [
        { name: 'GHSA-h3xg-wv58-5p43.json', data: record, method: 'deflate' },
        { name: 'README.txt', data: 'not a record' },
        { name: 'sub/', data: '' },
      ]);
      const entries = await collect(readOsvExport(zip));
      assert.deepEqual(records(entries), ['GHSA-h3xg-wv58-5p43.json']);
      const first = entries[0] as { bytes: Uint8Array };
      assert.equal(Buffer.from(first.bytes).toString('utf8'), record);
    });

    it('skips a zip-slip entry, reports it, and reads the rest', async () => {
      const zip = path.join(temp.dir, 'slip.zip');
      await writeZip(zip, [
        { name: '../../../../tmp/evil.json', data: record },
        { name: '/etc/cron.d/x.json', data: record },
        { name: 'ok\\..\\x.json', data: record },
        { name: 'GOOD.json', data: record },
      ]);
      const entries = await collect(readOsvExport(zip));
      assert.deepEqual(records(entries), ['GOOD.json']);
      assert.deepEqual(
        problems(entries).map(([, c]) => c),
        ['OSV_EXPORT_ENTRY_UNSAFE', 'OSV_EXPORT_ENTRY_UNSAFE', 'OSV_EXPORT_ENTRY_UNSAFE'],
      );
    });

    it('skips an entry that inflates past what its header declares (a lying zip bomb)', async () => {
      const zip = path.join(temp.dir, 'bomb.zip');
      await writeZip(zip, [
        {
          name: 'BOMB.json',
          data: Buffer.alloc(50 * 1024 * 1024, 0x20),
          method: 'deflate',
          declaredSize: 100,
        },
        { name: 'GOOD.json', data: record },
      ]);
      assert.ok(statSync(zip).size < 200_000, 'the bomb is small on disk');
      const entries = await collect(readOsvExport(zip));
      assert.deepEqual(records(entries), ['GOOD.json']);
      assert.deepEqual(problems(entries), [['BOMB.json', 'OSV_EXPORT_ENTRY_CORRUPT']]);
    });

    it('skips an entry whose declared size is over the per-entry limit without inflating it', async () => {
      const zip = path.join(temp.dir, 'big.zip');
      await writeZip(zip, [
        { name: 'HUGE.json', data: Buffer.alloc(40 * 1024 * 1024, 0x20), method: 'deflate' },
        { name: 'GOOD.json', data: record },
      ]);
      const entries = await collect(readOsvExport(zip));
      assert.deepEqual(problems(entries), [['HUGE.json', 'OSV_RECORD_TOO_LARGE']]);
      assert.deepEqual(records(entries), ['GOOD.json']);
    });

    it('reads a 500 MB zip in bounded memory, skipping its 500 MB entry', async () => {
      const zip = path.join(temp.dir, 'huge.zip');
      await writeZip(zip, [
        { name: 'A.json', data: record },
        { name: 'ZEROS.json', sparseZeros: 500 * 1024 * 1024 },
        { name: 'B.json', data: record },
      ]);
      assert.ok(statSync(zip).size > 500 * 1024 * 1024);
      const before = process.memoryUsage().rss;
      const entries = await collect(readOsvExport(zip));
      assert.deepEqual(records(entries), ['A.json', 'B.json']);
      assert.deepEqual(problems(entries), [['ZEROS.json', 'OSV_RECORD_TOO_LARGE']]);
      assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024, 'the big entry was never loaded');
    });

    it('refuses an export whose entries add up past the total limit', async () => {
      const zip = path.join(temp.dir, 'many.zip');
      await writeZip(
        zip,
        Array.from({ length: 20 }, (_, i) => ({ name: `R${i}.json`, data: record })),
      );
      await assertRejectsWithCode(
        () => collect(readOsvExport(zip, { maxTotalBytes: record.length * 10 })),
        'OSV_EXPORT_TOO_LARGE',
      );
    });

    it('refuses an export with too many entries before reading any', async () => {
      const zip = path.join(temp.dir, 'count.zip');
      await writeZip(
        zip,
        Array.from({ length: 5 }, (_, i) => ({ name: `R${i}.json`, data: '{}' })),
      );
      await assertRejectsWithCode(
        () => collect(readOsvExport(zip, { maxEntries: 4 })),
        'OSV_EXPORT_TOO_MANY_ENTRIES',
      );
    });

    it('refuses a file that is not a zip, and a path that does not exist', async () => {
      const notZip = path.join(temp.dir, 'x.zip');
      await writeFile(
        notZip,
        gzipSync(readFileSync(path.join(PYPA_VULNS, 'aiohttp', 'PYSEC-2023-246.yaml'))),
      );
      await assertRejectsWithCode(() => collect(readOsvExport(notZip)), 'OSV_EXPORT_UNREADABLE');
      await assertRejectsWithCode(
        () => collect(readOsvExport(path.join(temp.dir, 'nope'))),
        'OSV_EXPORT_NOT_FOUND',
      );
    });
  });
});
