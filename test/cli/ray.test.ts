import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { runCli } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const FIX = 'test/fixtures/ray';
const SAMPLE = `${FIX}/kuberay/ray-cluster.sample.yaml`;

describe('raygate ray', () => {
  describe('when linting with the default table', () => {
    it('prints a table on stdout, problems and a summary on stderr, and exits 1 on a high finding', async () => {
      const run = await runCli(['ray', 'lint', SAMPLE]);
      assert.equal(run.code, 1);
      const lines = run.stdout.split('\n');
      assert.match(lines[0]!, /^SEVERITY\s+RULE\s+LOCATION\s+FINDING$/);
      assert.match(
        lines[1]!,
        /^CRITICAL\s+RAY-AUTH-002\s+test\/fixtures\/ray\/kuberay\/ray-cluster\.sample\.yaml:8\s/,
      );
      assert.match(
        run.stdout,
        /ADVISORY\s+CLUSTER\s+VERDICT\nCVE-2023-48022\s+RayCluster raycluster-kuberay\s+open/,
      );
      assert.match(
        run.stderr,
        /1 file\(s\), 1 cluster\(s\), 10 finding\(s\) \(1 critical, 2 high, 5 medium, 1 low, 1 info\)/,
      );
    });

    it('exits 0 when nothing reaches --fail-on, and 1 when something does', async () => {
      const auth = `${FIX}/kuberay/ray-cluster.auth.yaml`;
      assert.equal((await runCli(['ray', 'lint', auth, '--fail-on', 'critical'])).code, 0);
      assert.equal((await runCli(['ray', 'lint', auth, '--fail-on', 'medium'])).code, 1);
      assert.equal((await runCli(['ray', 'lint', SAMPLE, '--fail-on', 'never'])).code, 0);
    });
  });

  describe('when asked for JSON and SARIF', () => {
    it('writes JSON with findings, verdicts and clusters', async () => {
      const run = await runCli(['ray', 'lint', SAMPLE, '--format', 'json', '--fail-on', 'never']);
      assert.equal(run.code, 0);
      const report = JSON.parse(run.stdout) as {
        summary: Record<string, number>;
        findings: {
          ruleId: string;
          file: string;
          line: number;
          fix: string;
          helpUri: string;
          fingerprint: string;
        }[];
        verdicts: { vulnerability: string; status: string }[];
        clusters: { tokenAuth: string }[];
      };
      assert.deepEqual(report.summary, { critical: 1, high: 2, medium: 5, low: 1, info: 1 });
      assert.equal(report.findings[0]!.ruleId, 'RAY-AUTH-002');
      assert.equal(report.findings[0]!.line, 8);
      assert.match(report.findings[0]!.helpUri, /token-auth/);
      assert.deepEqual(
        report.verdicts.map((v) => `${v.vulnerability} ${v.status}`),
        ['CVE-2023-48022 affected', 'CVE-2025-34351 affected'],
      );
      assert.equal(report.clusters[0]!.tokenAuth, 'off');
    });

    it('writes SARIF 2.1.0 with rules and results at file and line, to --output', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const out = path.join(dir, 'ray.sarif');
        const run = await runCli(['ray', 'lint', SAMPLE, '--format', 'sarif', '--output', out]);
        assert.equal(run.code, 1);
        assert.equal(run.stdout, '');
        const sarif = JSON.parse(await readFile(out, 'utf8')) as {
          version: string;
          runs: {
            tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } };
            results: {
              ruleId: string;
              level: string;
              locations: {
                physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
              }[];
            }[];
          }[];
        };
        assert.equal(sarif.version, '2.1.0');
        const run0 = sarif.runs[0]!;
        assert.equal(run0.results.length, 10);
        const first = run0.results[0]!;
        assert.equal(first.ruleId, 'RAY-AUTH-002');
        assert.equal(first.level, 'error');
        assert.deepEqual(first.locations[0]!.physicalLocation, {
          artifactLocation: { uri: 'test/fixtures/ray/kuberay/ray-cluster.sample.yaml' },
          region: { startLine: 8 },
        });
        assert.equal(
          run0.tool.driver.rules.find((r) => r.id === 'RAY-AUTH-002')!.properties['security-severity'],
          '9.5',
        );
      } finally {
        await cleanup();
      }
    });
  });

  describe('when inputs are hostile or wrong', () => {
    it('reports a hostile file with its code and exit 2, and still lints the others', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const evil = path.join(dir, 'evil.yaml');
        await writeFile(
          evil,
          'apiVersion: v1\nkind: ConfigMap\ndata: !!python/object/apply:os.system ["id"]\n',
        );
        const run = await runCli(['ray', 'lint', evil, SAMPLE, '--format', 'json']);
        assert.equal(run.code, 2);
        assert.match(
          run.stderr,
          /error: RAY_YAML_TAG: .*evil\.yaml:3: tag !!python\/object\/apply:os\.system/,
        );
        assert.equal((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length, 10);
      } finally {
        await cleanup();
      }
    });

    it('refuses a 50 MB file with exit 2', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const big = path.join(dir, 'big.yaml');
        const line = `k: "${'x'.repeat(1000)}"\n`;
        await writeFile(big, line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
        const run = await runCli(['ray', 'lint', big]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /RAY_INPUT_TOO_LARGE/);
      } finally {
        await cleanup();
      }
    });

    it('exits 2 for usage errors: no input, an unknown rule, a bad --fail-on, a missing path', async () => {
      const none = await runCli(['ray', 'lint']);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /RAY_LINT_NOTHING/);
      const rule = await runCli(['ray', 'lint', SAMPLE, '--rules', 'RAY-NOPE-999']);
      assert.equal(rule.code, 2);
      assert.match(rule.stderr, /RAY_RULE_UNKNOWN/);
      assert.equal((await runCli(['ray', 'lint', SAMPLE, '--fail-on', 'sometimes'])).code, 2);
      const missing = await runCli(['ray', 'lint', 'no/such/file.yaml']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /RAY_INPUT_NOT_FOUND/);
    });
  });

  describe('when reading standard input, SBOMs and advisories', () => {
    it('lints Helm-rendered output piped in', async () => {
      const text = await readFile(`${FIX}/cases/helm-rendered.yaml`, 'utf8');
      const run = await runCli(['ray', 'lint', '-', '--format', 'json', '--rules', 'RAY-NET-006'], {
        input: text,
      });
      const report = JSON.parse(run.stdout) as { findings: { file: string; line: number }[] };
      assert.deepEqual(
        report.findings.map((f) => `${f.file}:${f.line}`),
        ['stdin.yaml:72'],
      );
      assert.equal(run.code, 1);
    });

    it('checks the ray of an SBOM against OSV records', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const bom = new CDX.Models.Bom();
        bom.components.add(
          new CDX.Models.Component(CDX.Enums.ComponentType.Library, 'ray', {
            version: '2.6.3',
            purl: new PackageURL('pypi', undefined, 'ray', '2.6.3').toString(),
          }),
        );
        const sbom = path.join(dir, 'image.cdx.json');
        await writeFile(
          sbom,
          new CDX.Serialize.JsonSerializer(
            new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6),
          ).serialize(bom),
        );
        const run = await runCli([
          'ray',
          'lint',
          '--sbom',
          sbom,
          '--advisories',
          `${FIX}/osv`,
          '--format',
          'json',
        ]);
        assert.equal(run.code, 1);
        const report = JSON.parse(run.stdout) as {
          findings: { ruleId: string; severity: string; advisories: string[] }[];
          verdicts: { status: string }[];
        };
        assert.deepEqual(
          report.findings.map((f) => `${f.ruleId} ${f.severity}`),
          ['RAY-VER-001 critical'],
        );
        assert.ok(report.findings[0]!.advisories.includes('CVE-2023-6019'));
        assert.ok(!report.findings[0]!.advisories.includes('CVE-2023-48022'));
        assert.deepEqual(
          report.verdicts.map((v) => v.status),
          ['under_investigation', 'under_investigation'],
        );
      } finally {
        await cleanup();
      }
    });
  });

  describe('when matching Ray versions through the OSV mirror', () => {
    it('finds the same advisories in a mirror imported from the records as in the records themselves', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const mirror = path.join(dir, 'osv');
        const imported = await runCli(['osv', 'import', `${FIX}/osv`, '--osv-db', mirror]);
        assert.equal(imported.code, 0, imported.stderr);
        const manifest = path.join(dir, 'cluster.yaml');
        await writeFile(
          manifest,
          (await readFile(`${FIX}/cases/exposed.fixed.yaml`, 'utf8')).replace(
            /rayVersion: .*/,
            "rayVersion: '2.6.3'",
          ),
        );
        const run = await runCli([
          'ray',
          'lint',
          manifest,
          '--osv-db',
          mirror,
          '--format',
          'json',
          '--rules',
          'RAY-VER-001',
        ]);
        const report = JSON.parse(run.stdout) as { findings: { ruleId: string; advisories: string[] }[] };
        assert.deepEqual(
          report.findings.map((f) => f.ruleId),
          ['RAY-VER-001'],
        );
        assert.ok(report.findings[0]!.advisories.includes('CVE-2023-6019'));
        assert.ok(!report.findings[0]!.advisories.includes('CVE-2023-48022'));
      } finally {
        await cleanup();
      }
    });

    it('says that versions were not matched when there is no mirror, instead of looking clean', async () => {
      const run = await runCli(['ray', 'lint', `${FIX}/cases/exposed.fixed.yaml`, '--format', 'json']);
      assert.match(run.stderr, /RAY_ADVISORIES_UNAVAILABLE/);
    });
  });

  describe('when writing OpenVEX', () => {
    it('writes the verdicts with the given author and product', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const vex = path.join(dir, 'ray.vex.json');
        const run = await runCli([
          'ray',
          'lint',
          `${FIX}/cases/exposed.fixed.yaml`,
          '--vex',
          vex,
          '--vex-author',
          'security@example.com',
          '--vex-product',
          'pkg:oci/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ]);
        assert.equal(run.code, 0);
        assert.match(run.stderr, /wrote OpenVEX \(2 verdict\(s\)\)/);
        const doc = JSON.parse(await readFile(vex, 'utf8')) as {
          '@context': string;
          author: string;
          statements: { status: string; products: { '@id': string }[] }[];
        };
        assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
        assert.equal(doc.author, 'security@example.com');
        assert.deepEqual(
          doc.statements.map((s) => s.status),
          ['not_affected', 'not_affected'],
        );
        assert.match(doc.statements[0]!.products[0]!['@id'], /^pkg:oci\/app@sha256:/);
      } finally {
        await cleanup();
      }
    });

    it('refuses to write an empty VEX document', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const run = await runCli([
          'ray',
          'lint',
          `${FIX}/ray-docker/base-deps.Dockerfile`,
          '--vex',
          path.join(dir, 'v.json'),
          '--fail-on',
          'never',
        ]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /RAY_VEX_NOTHING/);
      } finally {
        await cleanup();
      }
    });
  });

  describe('when listing rules', () => {
    it('lists the 20 rules as JSON and as a table', async () => {
      const json = await runCli(['ray', 'rules', '--format', 'json']);
      assert.equal(json.code, 0);
      const rules = JSON.parse(json.stdout) as { id: string }[];
      assert.equal(rules.length, 20);
      assert.equal(rules[0]!.id, 'RAY-VER-001');
      const table = await runCli(['ray', 'rules']);
      assert.match(table.stdout, /RAY-TEL-020\s+telemetry-and-debugger\s+medium\/info/);
    });
  });
});
