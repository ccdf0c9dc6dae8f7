import assert from 'node:assert/strict';
import path from 'node:path';
import { osvRayLookup, mergeByAlias } from '../../../src/ray/advisories/osv-ray.ts';
import { readOsvRayAdvisories } from '../../../src/ray/advisories/osv-records-reader.ts';
import { configDependent } from '../../../src/ray/advisories/config-dependent.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { RAY_FIXTURES } from '../support.ts';

const ids = (list: { id: string }[]) => list.map((a) => a.id);

describe('osvRayLookup', () => {
  describe('when matching the real Ray records', () => {
    it('loads JSON and YAML records and merges the CVE-2023-48022 pair (GHSA unreviewed + PYSEC)', async () => {
      const index = await readOsvRayAdvisories(path.join(RAY_FIXTURES, 'osv'));
      assert.deepEqual(index.problems, []);
      assert.equal(index.count, 6);
      const atOld = await index.lookup('2.6.3');
      assert.deepEqual(ids(atOld), [
        'GHSA-3pww-qvr8-6mhp',
        'GHSA-6cxr-8q3m-jwrr',
        'GHSA-gx77-xgc2-4888',
        'GHSA-h3xg-wv58-5p43',
        'PYSEC-2026-2273',
        'PYSEC-2026-517',
      ]);
      const shadow = atOld.find((a) => a.id === 'PYSEC-2026-517')!;
      assert.deepEqual(shadow.aliases, ['CVE-2023-48022', 'GHSA-6wgj-66m2-xxp2']);
      assert.ok(configDependent(shadow));
    });

    it('honours last_affected, fixed and explicit versions at the boundaries', async () => {
      const { lookup } = await readOsvRayAdvisories(path.join(RAY_FIXTURES, 'osv'));
      // GHSA-h3xg: introduced 0, last_affected 2.6.3
      assert.ok(ids(await lookup('2.6.3')).includes('GHSA-h3xg-wv58-5p43'));
      assert.ok(!ids(await lookup('2.7.0')).includes('GHSA-h3xg-wv58-5p43'));
      // PYSEC-2026-2273: fixed 2.56.0, and the fixed version is reported
      const before = (await lookup('2.55.1')).find((a) => a.id === 'PYSEC-2026-2273')!;
      assert.equal(before.fixed, '2.56.0');
      assert.deepEqual(before.aliases, ['CVE-2026-57516', 'GHSA-hhrp-gw25-jr43']);
      assert.ok(!ids(await lookup('2.56.0')).includes('PYSEC-2026-2273'));
      // GHSA-gx77: last_affected 2.52.0; GitHub's severity is read
      const gx77 = (await lookup('2.52.0')).find((a) => a.id === 'GHSA-gx77-xgc2-4888')!;
      assert.equal(gx77.severity, 'critical');
      assert.equal(gx77.fixed, undefined);
      assert.ok(!ids(await lookup('2.52.1')).includes('GHSA-gx77-xgc2-4888'));
      // the GHSA record for CVE-2023-48022 names no package; the PYSEC one stops at 2.49.2
      assert.ok(!ids(await lookup('2.50.0')).includes('PYSEC-2026-517'));
      assert.deepEqual(await lookup('not-a-version'), []);
    });
  });

  describe('when records are odd', () => {
    it('skips withdrawn records and records for other packages, and reports non-records', async () => {
      const index = osvRayLookup([
        {
          value: {
            id: 'X-1',
            withdrawn: '2024-01-01T00:00:00Z',
            affected: [
              {
                package: { ecosystem: 'PyPI', name: 'ray' },
                ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
              },
            ],
          },
          source: 'a',
        },
        {
          value: {
            id: 'X-2',
            affected: [
              {
                package: { ecosystem: 'PyPI', name: 'Ray_Lib' },
                ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
              },
            ],
          },
          source: 'b',
        },
        {
          value: {
            id: 'X-3',
            affected: [
              {
                package: { ecosystem: 'PyPI', name: 'RAY' },
                ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '2.0' }, { introduced: '1.0' }] }],
              },
            ],
          },
          source: 'c',
        },
        { value: ['not', 'a', 'record'], source: 'd' },
      ]);
      assert.deepEqual(
        index.problems.map((p) => p.code),
        ['RAY_OSV_RECORD_INVALID'],
      );
      assert.equal(index.count, 1);
      // events out of order are sorted before evaluation
      assert.deepEqual(ids(await index.lookup('1.5')), ['X-3']);
      assert.deepEqual(ids(await index.lookup('0.9')), []);
      assert.deepEqual(ids(await index.lookup('2.0')), []);
    });

    it('merges records that share an alias into one, keeping the lowest fix and the highest severity', () => {
      const merged = mergeByAlias([
        { id: 'PYSEC-0000-CVE-2025-1979', aliases: ['CVE-2025-1979'], severity: 'medium', fixed: '2.43.0' },
        { id: 'GHSA-w4rh-fgx7-q63m', aliases: ['CVE-2025-1979'], severity: 'high' },
        { id: 'PYSEC-2025-23', aliases: ['GHSA-w4rh-fgx7-q63m'], fixed: '2.44.0' },
      ]);
      assert.equal(merged.length, 1);
      assert.equal(merged[0]!.id, 'GHSA-w4rh-fgx7-q63m');
      assert.deepEqual(merged[0]!.aliases, ['CVE-2025-1979', 'PYSEC-2025-23']);
      assert.equal(merged[0]!.severity, 'high');
      assert.equal(merged[0]!.fixed, '2.43.0');
    });

    it('fails with a clear code for a missing location', async () => {
      await assertRejectsWithCode(
        () => readOsvRayAdvisories(path.join(RAY_FIXTURES, 'no-such-dir')),
        'RAY_ADVISORIES_NOT_FOUND',
      );
    });
  });
});
