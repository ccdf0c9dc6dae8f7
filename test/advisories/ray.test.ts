import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assessPackages } from '../../src/advisories/assess.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { checkOsvRecord } from '../../src/advisories/osv-schema.ts';
import { queryId } from '../../src/advisories/package-query.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { fixturePath } from '../support/fixture-path.ts';
import { ghsa } from './records.ts';

// Ray's advisories with their fixed versions (see the fixture README), plus the stored GitHub records,
// whose older revisions say last_affected 2.6.3: one finding per CVE, each fixed version a boundary.
const derived = JSON.parse(
  readFileSync(fixturePath('advisories', 'osv', 'ray-derived', 'ray-pysec.json'), 'utf8'),
) as OsvRecord[];
const records = [
  ...derived,
  ...['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-3pww-qvr8-6mhp', 'GHSA-6wgj-66m2-xxp2'].map(ghsa),
];
const source = {
  info: () => ({ kind: 'mirror' as const, location: 'memory' }),
  async query(qs: readonly { ecosystems: string[]; name: string; version: string }[]) {
    return { records: new Map(qs.map((q) => [queryId(q), records])), problems: [] };
  },
};

async function cves(version: string): Promise<string[]> {
  const result = await assessPackages([purlToPackage(`pkg:pypi/ray@${version}`)!], source, {
    now: new Date('2026-11-25T00:00:00Z'),
  });
  return result.findings.map((f) => f.id).sort();
}

describe('ray against its advisories', () => {
  it('has valid OSV records in the derived fixture', () => {
    for (const r of derived) assert.ok(checkOsvRecord(r).ok, r.id);
  });

  const cases: [string, string[]][] = [
    [
      '2.6.3',
      [
        'CVE-2023-48022',
        'CVE-2023-6019',
        'CVE-2023-6020',
        'CVE-2023-6021',
        'CVE-2025-1979',
        'CVE-2025-34351',
        'CVE-2025-62593',
        'CVE-2026-27482',
        'CVE-2026-32981',
        'CVE-2026-57516',
      ],
    ],
    [
      '2.8.0',
      [
        'CVE-2023-48022',
        'CVE-2023-6019',
        'CVE-2023-6020',
        'CVE-2023-6021',
        'CVE-2025-1979',
        'CVE-2025-34351',
        'CVE-2025-62593',
        'CVE-2026-27482',
        'CVE-2026-32981',
        'CVE-2026-57516',
      ],
    ],
    [
      '2.8.1',
      [
        'CVE-2023-48022',
        'CVE-2025-1979',
        'CVE-2025-34351',
        'CVE-2025-62593',
        'CVE-2026-27482',
        'CVE-2026-57516',
      ],
    ],
    ['2.43.0', ['CVE-2023-48022', 'CVE-2025-34351', 'CVE-2025-62593', 'CVE-2026-27482', 'CVE-2026-57516']],
    [
      '2.49.0',
      [
        'CVE-2023-48022',
        'CVE-2025-34351',
        'CVE-2025-62593',
        'CVE-2026-27482',
        'CVE-2026-41486',
        'CVE-2026-57516',
      ],
    ],
    ['2.49.3', ['CVE-2025-34351', 'CVE-2025-62593', 'CVE-2026-27482', 'CVE-2026-41486', 'CVE-2026-57516']],
    ['2.52.0', ['CVE-2025-34351', 'CVE-2026-27482', 'CVE-2026-41486', 'CVE-2026-57516']],
    ['2.52.1', ['CVE-2026-27482', 'CVE-2026-41486', 'CVE-2026-57516']],
    ['2.54.0', ['CVE-2026-41486', 'CVE-2026-57516']],
    ['2.55.0rc1', ['CVE-2026-41486', 'CVE-2026-57516']],
    ['2.55.0', ['CVE-2026-57516']],
    ['2.56.0', []],
    ['2.58.0', []],
  ];
  for (const [version, expected] of cases) {
    it(`ray ${version}: ${expected.length} vulnerabilities`, async () => {
      assert.deepEqual(await cves(version), expected);
    });
  }

  it('merges each GHSA with its PYSEC twin and gives the fix above the installed version', async () => {
    const result = await assessPackages([purlToPackage('pkg:pypi/ray@2.6.3')!], source, { now: new Date() });
    const cmd = result.findings.find((f) => f.id === 'CVE-2023-6019')!;
    assert.deepEqual(cmd.advisories, ['GHSA-h3xg-wv58-5p43', 'PYSEC-2026-519']);
    assert.equal(cmd.fixedIn, '2.8.1');
    assert.equal(cmd.severity.score, 9.8);
    const webdataset = result.findings.find((f) => f.id === 'CVE-2026-57516')!;
    assert.equal(webdataset.fixedIn, '2.56.0');
    assert.equal(
      webdataset.severity.severity,
      'unknown',
      'no vector and no database severity: unknown, not guessed',
    );
  });
});
