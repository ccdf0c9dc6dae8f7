import assert from 'node:assert/strict';
import path from 'node:path';
import { readOsvRayAdvisories } from '../../../src/ray/advisories/osv-records-reader.ts';
import { lintFixtures, RAY_FIXTURES, ruleFindings } from '../support.ts';

describe('RAY-VER-001', () => {
  describe('when a deployment pins an old Ray', () => {
    it('reports Ray 2.9.0 from a pip pin as critical, naming the CVEs', async () => {
      const result = await lintFixtures(['cases/serve-host.trigger.sh'], { rules: ['RAY-VER-001'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.file}:${f.line}`),
        ['critical cases/serve-host.trigger.sh:3'],
      );
      assert.deepEqual(result.findings[0]!.advisories, [
        'CVE-2025-1979',
        'CVE-2025-62593',
        'CVE-2026-27482',
        'CVE-2026-57516',
      ]);
      assert.match(result.findings[0]!.fix, /2\.56\.0 or later/);
    });

    it('reports the 2.52.0 of a KubeRay sample once per cluster, at spec.rayVersion, high for Ray images', async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.sample.yaml'], { rules: ['RAY-VER-001'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.file}:${f.line}`),
        ['high kuberay/ray-cluster.sample.yaml:24'],
      );
      assert.match(
        result.findings[0]!.message,
        /Same version also at kuberay\/ray-cluster\.sample\.yaml:33, kuberay\/ray-cluster\.sample\.yaml:61/,
      );
    });
  });

  describe('when the version carries every known fix', () => {
    it('reports nothing for 2.56.0', async () => {
      assert.deepEqual(await ruleFindings('RAY-VER-001', 'cases/pod.fixed.yaml'), []);
    });
  });

  describe('when the version comes from an SBOM', () => {
    it('reports an installed 2.40.0 as critical and an installed 2.58.0 not at all', async () => {
      const old = await lintFixtures([], {
        rules: ['RAY-VER-001'],
        installed: [{ version: '2.40.0', source: 'image.cdx.json', rayData: true }],
      });
      assert.deepEqual(
        old.findings.map((f) => `${f.severity} ${f.file}`),
        ['critical image.cdx.json'],
      );
      assert.match(old.findings[0]!.message, /Ray 2\.40\.0 \(installed \(image\.cdx\.json\)\)/);
      const current = await lintFixtures([], {
        rules: ['RAY-VER-001'],
        installed: [{ version: '2.58.0', source: 'image.cdx.json' }],
      });
      assert.deepEqual(current.findings, []);
    });
  });

  describe('when OSV records are given', () => {
    it('adds the advisory ids, and leaves the ShadowRay-class records to the configuration verdicts', async () => {
      const index = await readOsvRayAdvisories(path.join(RAY_FIXTURES, 'osv'));
      const result = await lintFixtures([], {
        rules: ['RAY-VER-001'],
        installed: [{ version: '2.6.3', source: 'sbom.json' }],
        advisories: index.lookup,
      });
      assert.equal(result.findings.length, 1);
      const ids = result.findings[0]!.advisories!;
      // GHSA records with last_affected 2.6.3 match; CVE-2023-48022 (PYSEC-2026-517 covers 2.6.3) does not.
      for (const id of ['CVE-2023-6019', 'CVE-2023-6020', 'CVE-2023-6021', 'CVE-2026-57516'])
        assert.ok(ids.includes(id), id);
      assert.ok(!ids.includes('CVE-2023-48022'));
      assert.ok(!ids.includes('CVE-2025-34351'));
      assert.equal(result.verdicts.filter((v) => v.vulnerability === 'CVE-2023-48022').length, 1);
      assert.equal(result.verdicts[0]!.status, 'under_investigation');
    });
  });
});
