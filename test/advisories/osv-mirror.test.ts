import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileFirstSeenLedger } from '../../src/advisories/first-seen-ledger-writer.ts';
import { matchQuery } from '../../src/advisories/match.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { readOsvExport, type ExportEntry } from '../../src/advisories/osv-export-reader.ts';
import { OsvMirror, readCurrentManifest } from '../../src/advisories/osv-mirror-reader.ts';
import { importIntoMirror } from '../../src/advisories/osv-mirror-writer.ts';
import { queryId, type AdvisoryQuery } from '../../src/advisories/package-query.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeZip } from '../support/zip-builder.ts';
import { GHSA_ADVISORIES, ghsa, PYPA_VULNS, pypaPackage } from './records.ts';

const now = new Date('2026-11-25T12:00:00Z');

async function* entriesOf(records: OsvRecord[]): AsyncGenerator<ExportEntry> {
  for (const r of records)
    yield { name: `${r.id}.json`, format: 'json', bytes: Buffer.from(JSON.stringify(r)) };
}
const input = (records: OsvRecord[], sourceKey = 'test') => ({ entries: entriesOf(records), sourceKey });
const bump = (r: OsvRecord, modified: string, summary = r.summary): OsvRecord => ({
  ...structuredClone(r),
  modified,
  ...(summary ? { summary } : {}),
});

async function lookup(dir: string, query: AdvisoryQuery): Promise<OsvRecord[]> {
  const mirror = await OsvMirror.open(dir);
  try {
    return (await mirror.query([query])).records.get(queryId(query)) ?? [];
  } finally {
    await mirror.close();
  }
}

describe('the OSV mirror', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => (temp = await makeTempDir()));
  afterEach(() => temp.cleanup());

  describe('when the PyPA database and the GitHub advisories are imported', () => {
    it('holds every record, indexed by ecosystem and normalised name', async () => {
      const dir = path.join(temp.dir, 'osv');
      const report = await importIntoMirror(
        dir,
        [
          { entries: readOsvExport(PYPA_VULNS), sourceKey: 'pypa' },
          { entries: readOsvExport(GHSA_ADVISORIES), sourceKey: 'ghsa' },
        ],
        { now },
      );
      assert.deepEqual(
        [report.entries, report.added, report.skippedCount, report.records, report.withdrawn],
        [2696, 2696, 0, 2696, 10],
      );
      const pillow = await lookup(dir, { ecosystems: ['PyPI'], name: 'pillow', version: '10.0.0' });
      assert.ok(
        pillow.some((r) => r.id === 'GHSA-3f63-hfp8-52jq'),
        'the GHSA spells it Pillow',
      );
      assert.ok(pillow.length > 40);
      const ray = await lookup(dir, { ecosystems: ['PyPI'], name: 'ray', version: '2.6.3' });
      assert.deepEqual(ray.map((r) => r.id).sort(), [
        'GHSA-3pww-qvr8-6mhp',
        'GHSA-6cxr-8q3m-jwrr',
        'GHSA-h3xg-wv58-5p43',
      ]);
      assert.deepEqual(
        await lookup(dir, { ecosystems: ['PyPI'], name: 'no-such-package', version: '1' }),
        [],
      );
      const manifest = await readCurrentManifest(dir);
      assert.equal(manifest?.ecosystems.PyPI?.records, 2695);
    });
  });

  describe('when importing again', () => {
    it('writes only records whose modified time is newer, and keeps the newer of two', async () => {
      const dir = path.join(temp.dir, 'osv');
      const a = ghsa('GHSA-h3xg-wv58-5p43');
      const b = ghsa('GHSA-5h86-8mv2-jq9f');
      await importIntoMirror(dir, [input([a, b])], { now });
      const report = await importIntoMirror(
        dir,
        [
          input([
            a,
            bump(b, '2030-01-01T00:00:00Z', 'newer'),
            bump(ghsa('GHSA-6cxr-8q3m-jwrr'), '2000-01-01T00:00:00Z'),
          ]),
        ],
        { now },
      );
      assert.deepEqual([report.unchanged, report.updated, report.added, report.older], [1, 1, 1, 0]);
      const older = await importIntoMirror(dir, [input([bump(b, '2029-01-01T00:00:00Z', 'older')])], { now });
      assert.equal(older.older, 1);
      const [stored] = await lookup(dir, { ecosystems: ['PyPI'], name: 'aiohttp', version: '3.9.0' });
      assert.equal(stored!.summary, 'newer');
    });

    it('keeps the new and the previous generation only, and the segments they use', async () => {
      const dir = path.join(temp.dir, 'osv');
      const a = ghsa('GHSA-h3xg-wv58-5p43');
      for (let i = 1; i <= 4; i++)
        await importIntoMirror(dir, [input([bump(a, `202${i}-01-01T00:00:00Z`)])], { now });
      assert.deepEqual(await readdir(path.join(dir, 'generations')), ['g000003', 'g000004']);
      assert.ok(
        (await readdir(path.join(dir, 'segments'))).length <= 4,
        'two segments, each a record file and a match-view file',
      );
    });

    it('compacts segments once superseded records outweigh live ones', async () => {
      const dir = path.join(temp.dir, 'osv');
      const records = pypaPackage('aiohttp');
      assert.equal(records.length, 9);
      const round = (count: number, year: number) =>
        importIntoMirror(
          dir,
          [input(records.slice(0, count).map((r) => bump(r, `${year}-01-01T00:00:00Z`)))],
          {
            now,
            compactionMinBytes: 1,
          },
        );
      assert.equal((await round(9, 2030)).compacted, false);
      assert.equal(
        (await round(8, 2031)).compacted,
        false,
        'superseded records do not yet outweigh live ones',
      );
      const third = await round(7, 2032);
      assert.equal(third.compacted, true);
      assert.equal((await readCurrentManifest(dir))?.segments.length, 1, 'one compacted segment');
      const found = await lookup(dir, { ecosystems: ['PyPI'], name: 'aiohttp', version: '1.0' });
      assert.equal(found.length, 9);
      assert.equal(found.filter((r) => r.modified.startsWith('2032')).length, 7);
    });
  });

  describe('when records are bad', () => {
    it('skips and reports each bad record; the good ones are imported', async () => {
      const dir = path.join(temp.dir, 'osv');
      async function* mixed(): AsyncGenerator<ExportEntry> {
        yield {
          name: 'good.json',
          format: 'json',
          bytes: Buffer.from(JSON.stringify(ghsa('GHSA-h3xg-wv58-5p43'))),
        };
        yield { name: 'broken.json', format: 'json', bytes: Buffer.from('{"id": "X"') };
        yield { name: 'nomod.json', format: 'json', bytes: Buffer.from('{"id": "X-1"}') };
        const outOfOrder = structuredClone(ghsa('GHSA-5h86-8mv2-jq9f'));
        outOfOrder.affected![0]!.ranges![0]!.events.reverse();
        yield { name: 'reversed.json', format: 'json', bytes: Buffer.from(JSON.stringify(outOfOrder)) };
        const alien = { ...structuredClone(ghsa('GHSA-6cxr-8q3m-jwrr')), id: 'ALIEN-1' };
        alien.affected![0]!.package = { ecosystem: 'NoSuchEcosystem', name: 'ray' };
        yield { name: 'alien.json', format: 'json', bytes: Buffer.from(JSON.stringify(alien)) };
        yield {
          name: 'slip.json',
          problem: { code: 'OSV_EXPORT_ENTRY_UNSAFE', message: 'entry name climbs' },
        };
      }
      const report = await importIntoMirror(dir, [{ entries: mixed(), sourceKey: 'mixed' }], { now });
      assert.deepEqual(
        report.skipped.map((s) => [s.entry, s.code]),
        [
          ['broken.json', 'OSV_RECORD_UNREADABLE'],
          ['nomod.json', 'OSV_RECORD_INVALID'],
          ['slip.json', 'OSV_EXPORT_ENTRY_UNSAFE'],
        ],
      );
      assert.equal(
        report.records,
        3,
        'out-of-order events and unknown ecosystems are valid OSV: kept, not lost',
      );
      const query = { ecosystems: ['PyPI'], name: 'aiohttp', version: '3.9.1' };
      assert.equal(matchQuery(query, await lookup(dir, query)).matches.length, 1);
      const manifest = await readCurrentManifest(dir);
      assert.equal(manifest?.ecosystems.NoSuchEcosystem?.records, 1);
    });
  });

  describe('when an import fails', () => {
    it('leaves the previous generation in use and readable', async () => {
      const dir = path.join(temp.dir, 'osv');
      await importIntoMirror(dir, [input([ghsa('GHSA-h3xg-wv58-5p43')])], { now });
      const before = await readFile(path.join(dir, 'CURRENT'), 'utf8');
      const zip = path.join(temp.dir, 'all.zip');
      await writeZip(
        zip,
        Array.from({ length: 30 }, (_, i) => ({
          name: `R${i}.json`,
          data: JSON.stringify(bump(ghsa('GHSA-5h86-8mv2-jq9f'), '2030-01-01T00:00:00Z')),
        })),
      );
      // Damage the archive behind the first entries: the central directory stays readable, a later local header does not.
      const bytes = await readFile(zip);
      bytes.fill(0, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64);
      await writeFile(zip, bytes);
      await assertRejectsWithCode(
        () =>
          importIntoMirror(
            dir,
            [{ entries: readOsvExport(zip, { maxTotalBytes: 10_000 }), sourceKey: zip }],
            { now },
          ),
        'OSV_EXPORT_TOO_LARGE',
      );
      assert.equal(await readFile(path.join(dir, 'CURRENT'), 'utf8'), before);
      assert.equal((await lookup(dir, { ecosystems: ['PyPI'], name: 'ray', version: '2.6.3' })).length, 1);
      assert.deepEqual(await lookup(dir, { ecosystems: ['PyPI'], name: 'aiohttp', version: '3.9.1' }), []);
      assert.deepEqual(
        (await readdir(path.join(dir, 'generations'))).filter((n) => n.startsWith('.')),
        [],
      );
      assert.equal((await readdir(dir)).includes('import.lock'), false);
    });

    it('refuses a second import while one holds the lock', async () => {
      const dir = path.join(temp.dir, 'osv');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncGenerator<ExportEntry> {
        await gate;
        yield* entriesOf([ghsa('GHSA-h3xg-wv58-5p43')]);
      }
      const first = importIntoMirror(dir, [{ entries: slow(), sourceKey: 'slow' }], { now });
      await new Promise((r) => setTimeout(r, 50));
      await assertRejectsWithCode(() => importIntoMirror(dir, [input([])], { now }), 'OSV_MIRROR_BUSY');
      release();
      await first;
    });
  });

  describe('when no import has happened', () => {
    it('says how to fill the mirror', async () => {
      await assertRejectsWithCode(() => OsvMirror.open(path.join(temp.dir, 'empty')), 'OSV_MIRROR_EMPTY');
    });

    it('reports a damaged CURRENT', async () => {
      await writeFile(path.join(temp.dir, 'CURRENT'), '../../etc\n');
      await assertRejectsWithCode(() => OsvMirror.open(temp.dir), 'OSV_MIRROR_DAMAGED');
    });
  });

  describe('the first-seen ledger', () => {
    it('records a key once, keeps its first time, and survives imports', async () => {
      const ledger = fileFirstSeenLedger(temp.dir);
      const first = await ledger.firstSeen(['GHSA-1 PyPI/ray@2.6.3'], new Date('2026-01-01T00:00:00Z'));
      const again = await ledger.firstSeen(
        ['GHSA-1 PyPI/ray@2.6.3', 'GHSA-2 PyPI/ray@2.6.3'],
        new Date('2026-02-01T00:00:00Z'),
      );
      assert.equal(first.get('GHSA-1 PyPI/ray@2.6.3'), '2026-01-01T00:00:00.000Z');
      assert.equal(again.get('GHSA-1 PyPI/ray@2.6.3'), '2026-01-01T00:00:00.000Z');
      assert.equal(again.get('GHSA-2 PyPI/ray@2.6.3'), '2026-02-01T00:00:00.000Z');
      await importIntoMirror(temp.dir, [input([ghsa('GHSA-h3xg-wv58-5p43')])], { now });
      const after = await fileFirstSeenLedger(temp.dir).firstSeen(['GHSA-2 PyPI/ray@2.6.3'], now);
      assert.equal(after.get('GHSA-2 PyPI/ray@2.6.3'), '2026-02-01T00:00:00.000Z');
    });

    it('ignores a torn last line', async () => {
      await writeFile(
        path.join(temp.dir, 'first-seen.ndjson'),
        '{"k":"A","t":"2026-01-01T00:00:00.000Z"}\n{"k":"B","t":',
      );
      const seen = await fileFirstSeenLedger(temp.dir).firstSeen(['A', 'B'], now);
      assert.equal(seen.get('A'), '2026-01-01T00:00:00.000Z');
      assert.equal(seen.get('B'), now.toISOString());
    });
  });
});
