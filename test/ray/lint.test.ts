import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeRay, evaluateRay, lintRay, RAY_RULE_METADATA, RAY_RULES } from '../../src/ray/index.ts';
import { lintFixtures, RAY_FIXTURES } from './support.ts';

const all = (dir: string) =>
  readdirSync(path.join(RAY_FIXTURES, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(RAY_FIXTURES, path.join(e.parentPath, e.name)).split(path.sep).join('/'));

describe('lintRay', () => {
  describe('when linting the KubeRay RayCluster sample', () => {
    it('reports exactly these findings', async () => {
      const result = await lintFixtures(['kuberay/ray-cluster.sample.yaml']);
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.ruleId} ${f.line}`),
        [
          'critical RAY-AUTH-002 8',
          'high RAY-VER-001 24',
          'high RAY-NET-005 28',
          'medium RAY-NET-008 8',
          'medium RAY-POD-014 32',
          'medium RAY-IMG-015 33',
          'medium RAY-POD-014 60',
          'medium RAY-IMG-015 61',
          'low RAY-TLS-009 8',
          'info RAY-TEL-020 28',
        ],
      );
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.clusters.map((c) => [c.label, c.tokenAuth, c.exposed, c.isolated]),
        [['RayCluster raycluster-kuberay', 'off', true, false]],
      );
    });
  });

  describe('when linting the Ray cluster-launcher example', () => {
    it('reports exactly these findings', async () => {
      const result = await lintFixtures(['launcher/aws-example-full.yaml']);
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.ruleId} ${f.line}`),
        [
          'high RAY-AUTH-002 166',
          'medium RAY-IMG-015 18',
          'medium RAY-NET-007 39',
          'low RAY-TLS-009 2',
          'info RAY-TEL-020 166',
        ],
      );
    });
  });

  describe('when linting every fixture', () => {
    it('reads all KubeRay samples without problems', async () => {
      const result = await lintFixtures(all('kuberay'));
      assert.deepEqual(result.problems, []);
      assert.equal(result.clusters.length, 18);
      assert.deepEqual(
        result.files.filter((f) => f.kind !== 'kubernetes'),
        [],
      );
    });

    it('has a case that triggers every rule', async () => {
      const fired = new Set<string>();
      for (const file of [...all('cases'), ...all('kuberay'), ...all('launcher'), ...all('ray-docker')]) {
        for (const f of (await lintFixtures([file])).findings) fired.add(f.ruleId);
      }
      assert.deepEqual(
        RAY_RULES.map((r) => r.id).filter((id) => !fired.has(id)),
        [],
      );
    });

    it('gives the same answer twice, and fingerprints that survive moved lines', async () => {
      const files = all('cases');
      const a = await lintFixtures(files);
      const b = await lintFixtures(files);
      assert.deepEqual(a, b);
      const text = readFileSync(path.join(RAY_FIXTURES, 'kuberay/ray-cluster.sample.yaml'), 'utf8');
      const before = await lintRay({ files: [{ path: 'x.yaml', content: text }] });
      const after = await lintRay({ files: [{ path: 'x.yaml', content: `# moved\n# down\n${text}` }] });
      assert.deepEqual(
        after.findings.map((f) => f.line),
        before.findings.map((f) => f.line! + 2),
      );
      assert.deepEqual(
        after.findings.map((f) => f.fingerprint),
        before.findings.map((f) => f.fingerprint),
      );
    });
  });

  describe('when used as a pure function', () => {
    it('analyses once and evaluates with advisories given by version', () => {
      const analysis = analyzeRay({ files: [], installed: [{ version: '2.55.0', source: 'sbom.json' }] });
      assert.deepEqual(analysis.versions, ['2.55.0']);
      const result = evaluateRay(analysis, {
        rules: ['RAY-VER-001'],
        advisories: new Map([
          [
            '2.55.0',
            [
              {
                id: 'GHSA-test-0000-0000',
                aliases: ['CVE-2099-0001'],
                severity: 'critical' as const,
                fixed: '2.57.0',
              },
            ],
          ],
        ]),
      });
      assert.equal(result.findings[0]!.severity, 'critical');
      assert.deepEqual(result.findings[0]!.advisories, ['CVE-2026-57516', 'CVE-2099-0001']);
      assert.match(result.findings[0]!.fix, /2\.57\.0 or later/);
    });

    it('exports rule metadata for policies: 20 rules with unique ids, help and links', () => {
      assert.equal(RAY_RULE_METADATA.length, 20);
      assert.equal(new Set(RAY_RULE_METADATA.map((r) => r.id)).size, 20);
      for (const r of RAY_RULE_METADATA) {
        assert.match(r.id, /^RAY-[A-Z]+-\d{3}$/);
        assert.match(r.helpUri, /^https:\/\//);
        assert.ok(r.help.length > 100 && r.fix.length > 20, r.id);
      }
    });
  });
});
