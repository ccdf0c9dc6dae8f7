import assert from 'node:assert/strict';
import { assessPackages } from '../../src/advisories/assess.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { queryKeys, queryId } from '../../src/advisories/package-query.ts';
import type { AdvisorySource, FirstSeenLedger } from '../../src/advisories/source.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';
import type { Package } from '../../src/sbom/model.ts';
import { ghsa, pypaPackage } from './records.ts';

/** An in-memory source over a list of records, indexed like the mirror. */
function memorySource(records: OsvRecord[]): AdvisorySource {
  return {
    info: () => ({ kind: 'mirror', location: 'memory' }),
    async query(queries) {
      const out = new Map<string, OsvRecord[]>();
      for (const q of queries) {
        const keys = new Set(queryKeys(q));
        out.set(
          queryId(q),
          records.filter((r) =>
            (r.affected ?? []).some(
              (a) =>
                a.package &&
                queryKeys({ ...q, ecosystems: [a.package.ecosystem], name: a.package.name }).some((k) =>
                  keys.has(k),
                ),
            ),
          ),
        );
      }
      return { records: out, problems: [] };
    },
  };
}

const aiohttpRecords = [
  ...pypaPackage('aiohttp'),
  ...[
    'GHSA-gfw2-4jvh-wgfg',
    'GHSA-5h86-8mv2-jq9f',
    'GHSA-8qpw-xqxj-h4r2',
    'GHSA-q3qx-c6g2-7pw2',
    'GHSA-qvrw-v9rv-5rjx',
    'GHSA-xx9p-xxvh-7g8j',
  ].map(ghsa),
];
const now = new Date('2026-11-25T12:00:00Z');

describe('assessPackages', () => {
  describe('when GHSA and PYSEC records describe the same vulnerability', () => {
    it('reports one finding per vulnerability with every id and alias', async () => {
      const result = await assessPackages(
        [purlToPackage('pkg:pypi/aiohttp@3.8.5')!],
        memorySource(aiohttpRecords),
        { now },
      );
      const byCve = result.findings.filter((f) => f.id === 'CVE-2023-47627');
      assert.equal(byCve.length, 1);
      assert.deepEqual(byCve[0]!.advisories, ['GHSA-gfw2-4jvh-wgfg', 'PYSEC-2023-246']);
      assert.ok(byCve[0]!.aliases.includes('CVE-2023-47627'));
      assert.equal(byCve[0]!.fixedIn, '3.8.6');
      const allIds = result.findings.flatMap((f) => [...f.advisories, ...f.aliases]);
      assert.equal(new Set(allIds).size, allIds.length, 'no id appears in two findings');
    });

    it('takes the strongest severity source of the group and the lowest fix above the installed version', async () => {
      const result = await assessPackages(
        [purlToPackage('pkg:pypi/aiohttp@3.9.1')!],
        memorySource(aiohttpRecords),
        { now },
      );
      for (const f of result.findings) {
        assert.ok(f.fixedIn, f.id);
        assert.ok(['CVSS_V3', 'CVSS_V4', 'database'].includes(f.severity.method), f.id);
      }
      assert.ok(result.findings.every((f) => f.fixedIn === '3.9.2'));
    });
  });

  describe('when packages have no advisory source', () => {
    it('counts them as not assessed, with reasons, and never as clean', async () => {
      const packages = [
        'pkg:pypi/aiohttp@3.9.2',
        'pkg:conda/conda-forge/openssl@3.1.0',
        'pkg:generic/haproxy@2.8.12',
        'pkg:pypi/requests',
      ].map((p) => purlToPackage(p)!);
      const result = await assessPackages(packages, memorySource(aiohttpRecords), { now });
      // aiohttp's PYSEC-2022-43059 is withdrawn: left out, and counted.
      assert.deepEqual(result.stats, {
        packages: 4,
        assessed: 1,
        notAssessed: 3,
        queries: 1,
        withdrawnSkipped: 1,
      });
      assert.deepEqual(result.notAssessed.map((n) => n.reason).sort(), [
        'no-advisory-source',
        'no-advisory-source',
        'no-exact-version',
      ]);
      assert.deepEqual(result.findings, []);
    });

    it('matches a conda-installed Python distribution under its PyPI identity', async () => {
      const ray: Package = {
        ...purlToPackage('pkg:conda/conda-forge/ray-core@2.6.3')!,
        pythonDistribution: {
          name: 'ray',
          version: '2.6.3',
          location: { path: '/opt/conda/lib/python3.11/site-packages/ray-2.6.3.dist-info' },
        },
      };
      const result = await assessPackages([ray], memorySource([ghsa('GHSA-h3xg-wv58-5p43')]), { now });
      assert.equal(result.findings.length, 1);
      assert.equal(result.findings[0]!.package.query.via, 'python-distribution');
      assert.equal(result.findings[0]!.package.ecosystem, 'conda');
    });
  });

  describe('when a ledger is given', () => {
    it('stamps each finding with when it was first seen', async () => {
      const calls: string[][] = [];
      const ledger: FirstSeenLedger = {
        async firstSeen(keys) {
          calls.push([...keys]);
          return new Map(
            keys.map((k) => [
              k,
              k.startsWith('GHSA') ? '2026-01-01T00:00:00.000Z' : '2025-06-01T00:00:00.000Z',
            ]),
          );
        },
      };
      const result = await assessPackages(
        [purlToPackage('pkg:pypi/aiohttp@3.8.5')!],
        memorySource(aiohttpRecords),
        { now, ledger },
      );
      const f = result.findings.find((x) => x.id === 'CVE-2023-47627')!;
      assert.equal(f.firstSeen, '2025-06-01T00:00:00.000Z');
      assert.ok(calls[0]!.includes('GHSA-gfw2-4jvh-wgfg PyPI/aiohttp@3.8.5'));
    });
  });

  describe('when the same package appears at two places', () => {
    it('asks once and reports each place', async () => {
      const a = purlToPackage('pkg:pypi/ray@2.6.3', { locations: [{ path: '/venv-a' }], ref: 'a' })!;
      const b = purlToPackage('pkg:pypi/ray@2.6.3', { locations: [{ path: '/venv-b' }], ref: 'b' })!;
      const result = await assessPackages([a, b], memorySource([ghsa('GHSA-h3xg-wv58-5p43')]), { now });
      assert.equal(result.stats.queries, 1);
      assert.deepEqual(result.findings.map((f) => f.package.locations[0]!.path).sort(), [
        '/venv-a',
        '/venv-b',
      ]);
    });
  });

  describe('when a malicious-package record matches', () => {
    it('reports it as critical and malicious', async () => {
      const mal: OsvRecord = {
        id: 'MAL-2024-9999',
        modified: '2024-05-01T00:00:00Z',
        summary: 'Malicious code in raay (PyPI)',
        database_specific: { severity: 'LOW' },
        affected: [{ package: { ecosystem: 'PyPI', name: 'raay' }, versions: ['0.0.1'] }],
      };
      const result = await assessPackages([purlToPackage('pkg:pypi/raay@0.0.1')!], memorySource([mal]), {
        now,
      });
      assert.equal(result.findings[0]!.severity.severity, 'critical');
      assert.equal(result.findings[0]!.malicious, true);
      assert.equal(result.findings[0]!.id, 'MAL-2024-9999');
    });
  });
});
