import assert from 'node:assert/strict';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { recordSeverity } from '../../src/advisories/severity.ts';
import { ghsa } from './records.ts';

const record = (extra: Partial<OsvRecord>): OsvRecord => ({
  id: 'GHSA-test',
  modified: '2024-01-01T00:00:00Z',
  ...extra,
});

describe('recordSeverity', () => {
  describe('when a record has CVSS vectors', () => {
    it('prefers CVSS v4 over v3 (GHSA-44wm-f244-xhp3 has both)', () => {
      const s = recordSeverity(ghsa('GHSA-44wm-f244-xhp3'));
      assert.equal(s.method, 'CVSS_V4');
      assert.equal(s.score, 7.3);
      assert.equal(s.severity, 'high');
    });

    it('uses CVSS v3 when that is all there is', () => {
      const s = recordSeverity(ghsa('GHSA-h3xg-wv58-5p43'));
      assert.deepEqual([s.method, s.score, s.severity, s.cvssVersion], ['CVSS_V3', 9.8, 'critical', '3.1']);
    });

    it('prefers an affected entry’s own severity over the record’s', () => {
      const r = record({
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'PyPI', name: 'x' },
            severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:N' }],
          },
        ],
      });
      assert.equal(recordSeverity(r, r.affected![0]).severity, 'low');
    });

    it('ignores a vector filed under the wrong type', () => {
      const r = record({
        severity: [{ type: 'CVSS_V4', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      });
      assert.equal(recordSeverity(r).severity, 'unknown');
    });
  });

  describe('when a record has no usable vector', () => {
    it("falls back to database_specific.severity (GHSA's MODERATE is medium)", () => {
      const s = recordSeverity(ghsa('GHSA-w7pp-m8wf-vj6r'));
      assert.deepEqual([s.method, s.severity, s.score], ['database', 'medium', undefined]);
      assert.equal(recordSeverity(ghsa('GHSA-5wvp-7f3h-6wmm')).severity, 'critical');
    });

    it('reads an Ubuntu priority', () => {
      assert.equal(
        recordSeverity(record({ severity: [{ type: 'Ubuntu', score: 'medium' }] })).severity,
        'medium',
      );
      assert.equal(
        recordSeverity(record({ severity: [{ type: 'Ubuntu', score: 'untriaged' }] })).severity,
        'unknown',
      );
    });

    it('stays unknown when nothing says', () => {
      const s = recordSeverity(record({}));
      assert.deepEqual(s, { severity: 'unknown', method: 'none' });
    });
  });

  describe('when the record is a malicious-package report', () => {
    it('is critical whatever its severity fields say', () => {
      const mal = record({
        id: 'MAL-2024-1234',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:N' }],
        database_specific: { severity: 'LOW' },
      });
      assert.deepEqual(recordSeverity(mal), { severity: 'critical', method: 'malicious' });
    });
  });
});
