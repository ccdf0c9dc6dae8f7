import assert from 'node:assert/strict';
import { parseOsvRecordBytes } from '../../src/advisories/osv-parse.ts';
import { checkOsvRecord, OSV_LIMITS } from '../../src/advisories/osv-schema.ts';
import { ghsa, pypaPackage } from './records.ts';

const base = () => structuredClone(ghsa('GHSA-5h86-8mv2-jq9f')) as unknown as Record<string, unknown>;
const code = (value: unknown) => {
  const r = checkOsvRecord(value);
  return r.ok ? 'ok' : r.code;
};

describe('OSV schema validation', () => {
  describe('when records are real', () => {
    it('accepts the stored GitHub and PyPA records', () => {
      for (const id of ['GHSA-6wgj-66m2-xxp2', 'GHSA-w7pp-m8wf-vj6r', 'GHSA-3ww4-gg4f-jr7f'])
        assert.equal(code(ghsa(id)), 'ok', id);
      for (const r of pypaPackage('aiohttp')) assert.equal(code(r), 'ok', r.id);
    });
  });

  describe('when a record breaks the schema', () => {
    const cases: [string, (r: Record<string, unknown>) => void][] = [
      ['no id', (r) => delete r.id],
      ['no modified', (r) => delete r.modified],
      ['a modified that is not a timestamp', (r) => (r.modified = 'yesterday')],
      [
        'an event with two kinds',
        (r) => (affected(r).ranges[0].events = [{ introduced: '0', fixed: '1.0' }]),
      ],
      ['a range without introduced', (r) => (affected(r).ranges[0].events = [{ fixed: '1.0' }])],
      [
        'fixed and last_affected in one range',
        (r) => (affected(r).ranges[0].events = [{ introduced: '0' }, { fixed: '1' }, { last_affected: '2' }]),
      ],
      ['an unknown range type', (r) => (affected(r).ranges[0].type = 'DATE')],
      [
        'a GIT range without repo',
        (r) => (affected(r).ranges[0] = { type: 'GIT', events: [{ introduced: '0' }] }),
      ],
      ['a package without a name', (r) => delete affected(r).package.name],
      ['an unknown severity type', (r) => (r.severity = [{ type: 'CVSS_V9', score: 'x' }])],
      ['an oversized summary', (r) => (r.summary = 'x'.repeat(OSV_LIMITS.maxSummaryLength + 1))],
      ['an id with a slash', (r) => (r.id = '../../etc/passwd')],
    ];
    for (const [what, mutate] of cases) {
      it(`rejects ${what} with OSV_RECORD_INVALID`, () => {
        const record = base();
        mutate(record);
        assert.equal(code(record), 'OSV_RECORD_INVALID');
      });
    }

    it('keeps fields newer schema versions add', () => {
      const record = base();
      record.upstream = ['CVE-2024-23334'];
      record.future_field = { x: 1 };
      assert.equal(code(record), 'ok');
    });
  });

  describe('when bytes are parsed', () => {
    it('refuses a record over the size limit before parsing it (a 10 MB summary)', () => {
      const record = base();
      record.summary = 'A'.repeat(10 * 1024 * 1024);
      const result = parseOsvRecordBytes(Buffer.from(JSON.stringify(record)), 'json');
      assert.equal(result.ok ? 'ok' : result.code, 'OSV_RECORD_TOO_LARGE');
    });

    it('reports invalid JSON, YAML and UTF-8 as unreadable', () => {
      for (const [bytes, format] of [
        [Buffer.from('{"id": '), 'json'],
        [Buffer.from('id: [unclosed'), 'yaml'],
        [Buffer.from([0xff, 0xfe, 0x00]), 'json'],
      ] as const) {
        const result = parseOsvRecordBytes(bytes, format);
        assert.equal(result.ok ? 'ok' : result.code, 'OSV_RECORD_UNREADABLE');
      }
    });

    it('keeps YAML timestamps as strings', () => {
      const result = parseOsvRecordBytes(
        Buffer.from('id: PYSEC-1\nmodified: 2024-01-10T17:22:00Z\n'),
        'yaml',
      );
      assert.ok(result.ok);
      assert.equal(result.record.modified, '2024-01-10T17:22:00Z');
    });
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function affected(record: Record<string, unknown>): any {
  return (record.affected as unknown[])[0];
}
