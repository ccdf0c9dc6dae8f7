import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir.ts';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';

const RAY = 'test/fixtures/sbom/requirements/ray';
const COMPILED = `${RAY}/requirements_compiled.txt`;
const RAY_IMG = `${RAY}/requirements_compiled_ray_img_3.9.txt`;

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: { id: string; name: string; defaultConfiguration: { level: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
      }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

describe('raygate pins (CLI)', () => {
  describe('when the default table is asked for', () => {
    it('lists findings with paths relative to the current folder and fails on high by default', async () => {
      const run = await runCli(['pins', COMPILED]);
      assert.equal(run.code, 1, run.stderr);
      const rows = run.stdout.split('\n').filter((l) => /^(high|medium|low)\s+PIN-/.test(l));
      assert.deepEqual(
        rows.map((r) => r.split(/\s+/).slice(0, 3).join(' ')),
        [
          `medium PIN-002 ${COMPILED}:1`,
          `high PIN-101 ${COMPILED}:1`,
          `medium PIN-105 ${COMPILED}:2`,
          `low PIN-006 ${COMPILED}:787`,
          `high PIN-005 ${COMPILED}:1757`,
          `high PIN-005 ${COMPILED}:2496`,
        ],
      );
      assert.match(
        run.stdout,
        /requirements +613: 610 exact, 0 range, 0 unpinned, 0 URL, 3 VCS, 0 local path; 0 editable/,
      );
      assert.match(run.stdout, /findings +6 \(3 high, 2 medium, 1 low\); --fail-on high: FAIL/);
      assert.match(run.stderr, /3 findings at or above high/);
    });

    it('lists every requirement with --list', async () => {
      const run = await runCli(['pins', RAY_IMG, '--list']);
      assert.equal(run.code, 0, run.stderr);
      const rows = run.stdout.split('\n').filter((l) => l.startsWith(`${RAY_IMG}:`));
      assert.equal(rows.length, 18);
      assert.match(
        rows.find((r) => /\s+ray\s+/.test(r))!,
        /:280\s+ray\s+exact\s+3\.0\.0\.dev0\s+1\s*$/,
      );
    });
  });

  describe('when --fail-on is given', () => {
    const cases: [string, string, number][] = [
      [COMPILED, 'never', 0],
      [COMPILED, 'critical', 0],
      [COMPILED, 'high', 1],
      [RAY_IMG, 'high', 0],
      [RAY_IMG, 'medium', 1],
      [RAY_IMG, 'low', 1],
    ];
    for (const [file, failOn, code] of cases) {
      it(`exits ${code} for ${path.basename(file)} at ${failOn}`, async () => {
        const run = await runCli(['pins', file, '--fail-on', failOn, '--format', 'json']);
        assert.equal(run.code, code, run.stderr);
        const report = JSON.parse(run.stdout) as { failOn: string; failed: boolean };
        assert.equal(report.failOn, failOn);
        assert.equal(report.failed, code === 1);
      });
    }

    it('refuses an unknown severity as a usage error', async () => {
      const run = await runCli(['pins', COMPILED, '--fail-on', 'severe']);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
    });
  });

  describe('when JSON is asked for', () => {
    it('prints the whole report: summary, findings, requirements, indexes', async () => {
      const run = await runCli(['pins', COMPILED, '--format', 'json']);
      assert.equal(run.code, 1);
      const report = JSON.parse(run.stdout) as {
        tool: { name: string };
        files: string[];
        summary: { requirements: number; byRule: Record<string, number> };
        findings: {
          ruleId: string;
          location: { path: string; line: number };
          package?: string;
          fix: string;
        }[];
        requirements: { name: string; pin: string; location: { path: string; line: number } }[];
        indexes: { kind: string; value: string; location: { line: number } }[];
      };
      assert.equal(report.tool.name, 'raygate');
      assert.deepEqual(report.files, [COMPILED]);
      assert.equal(report.summary.requirements, 613);
      assert.deepEqual(report.summary.byRule, {
        'PIN-002': 1,
        'PIN-005': 2,
        'PIN-006': 1,
        'PIN-101': 1,
        'PIN-105': 1,
      });
      const sphinx = report.findings.find((f) => f.package === 'pytest-sphinx')!;
      assert.deepEqual(sphinx.location, { path: COMPILED, line: 1757 });
      assert.match(sphinx.fix, /full commit id/);
      assert.equal(report.requirements.length, 613);
      assert.deepEqual(
        report.indexes.map((i) => [i.kind, i.location.line]),
        [
          ['extra-index-url', 1],
          ['find-links', 2],
        ],
      );
    });
  });

  describe('when SARIF is asked for', () => {
    it('writes SARIF 2.1.0 whose results reference their rules and point at file and line', async () => {
      const run = await runCli(['pins', COMPILED, '--format', 'sarif', '--fail-on', 'never']);
      assert.equal(run.code, 0, run.stderr);
      const log = JSON.parse(run.stdout) as SarifLog;
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      assert.equal(log.runs.length, 1);
      const [sarifRun] = log.runs;
      const rules = sarifRun!.tool.driver.rules;
      assert.equal(sarifRun!.tool.driver.name, 'raygate');
      assert.deepEqual(
        rules.map((r) => r.id),
        ['PIN-002', 'PIN-005', 'PIN-006', 'PIN-101', 'PIN-105'],
      );
      assert.equal(sarifRun!.results.length, 6);
      for (const result of sarifRun!.results) {
        assert.equal(rules[result.ruleIndex]!.id, result.ruleId);
        const location = result.locations[0]!.physicalLocation;
        assert.equal(location.artifactLocation.uri, COMPILED);
        assert.ok(Number.isInteger(location.region?.startLine) && location.region!.startLine >= 1);
        assert.ok(result.message.text.length > 0);
        assert.ok(['error', 'warning', 'note'].includes(result.level));
        assert.ok(result.partialFingerprints['raygate/v1']);
      }
      const lines = sarifRun!.results.map(
        (r) => `${r.ruleId}:${r.locations[0]!.physicalLocation.region!.startLine}`,
      );
      assert.deepEqual(lines, [
        'PIN-002:1',
        'PIN-101:1',
        'PIN-105:2',
        'PIN-006:787',
        'PIN-005:1757',
        'PIN-005:2496',
      ]);
      assert.equal(rules.find((r) => r.id === 'PIN-005')!.defaultConfiguration.level, 'error');
    });

    it('makes paths relative to the folder raygate runs in', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const run = await runCli(['pins', path.join(REPO_ROOT, RAY_IMG), '--format', 'sarif'], { cwd: dir });
        assert.equal(run.code, 0, run.stderr);
        const log = JSON.parse(run.stdout) as SarifLog;
        const uri = log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
        assert.equal(uri, path.relative(dir, path.join(REPO_ROOT, RAY_IMG)).split(path.sep).join('/'));
      } finally {
        await cleanup();
      }
    });
  });

  describe('when --output is given', () => {
    it('writes the report to the file and nothing to stdout', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const out = path.join(dir, 'pins.sarif');
        const run = await runCli(['pins', RAY_IMG, '--format', 'sarif', '--output', out]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, '');
        assert.equal((JSON.parse(await readFile(out, 'utf8')) as SarifLog).version, '2.1.0');
      } finally {
        await cleanup();
      }
    });
  });

  describe('when the input is wrong', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ dir, cleanup } = await makeTempDir());
    });
    after(() => cleanup());

    const fails = async (args: string[], code: string) => {
      const run = await runCli(['pins', ...args]);
      assert.equal(run.code, 2, `${run.stdout}\n${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`raygate: ${code}: `));
    };

    it('exits 2 for a missing file', () => fails([path.join(dir, 'nope.txt')], 'TARGET_NOT_FOUND'));

    it('exits 2 for a folder', () => fails([dir], 'PINS_TARGET_NOT_FILE'));

    it('exits 2 for a file no cataloger reads', async () => {
      await writeFile(path.join(dir, 'deps.unknown'), 'x==1\n');
      await fails([path.join(dir, 'deps.unknown')], 'SBOM_FORMAT_UNKNOWN');
    });

    it('exits 2 for binary garbage', async () => {
      await writeFile(path.join(dir, 'garbage.txt'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 7, 8]));
      await fails([path.join(dir, 'garbage.txt')], 'REQUIREMENTS_BINARY');
    });

    it('exits 2 for a 2 GB file without reading it', async () => {
      const handle = await open(path.join(dir, 'requirements-huge.txt'), 'w');
      await handle.truncate(2 * 1024 ** 3);
      await handle.close();
      await fails([path.join(dir, 'requirements-huge.txt')], 'SBOM_FILE_TOO_LARGE');
    });

    it('reports a file with an escaping include as a high finding, not a crash', async () => {
      await writeFile(
        path.join(dir, 'requirements.txt'),
        `-r ../outside.txt\nsix==1.16.0 --hash=sha256:${'a'.repeat(64)}\n`,
      );
      const run = await runCli(['pins', path.join(dir, 'requirements.txt'), '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as { findings: { ruleId: string; message: string }[] };
      assert.deepEqual(
        report.findings.map((f) => f.ruleId),
        ['PIN-010'],
      );
      assert.match(report.findings[0]!.message, /REQUIREMENTS_INCLUDE_ESCAPES/);
    });
  });

  it('documents its options and the exit codes in --help', async () => {
    const run = await runCli(['pins', '--help']);
    assert.equal(run.code, 0);
    const help = run.stdout.replace(/\s+/g, ' ');
    for (const text of [
      '--format',
      'table',
      'sarif',
      '--fail-on',
      'default: "high"',
      '--output',
      '--list',
      'Exit codes:',
    ]) {
      assert.ok(help.includes(text), text);
    }
  });
});
