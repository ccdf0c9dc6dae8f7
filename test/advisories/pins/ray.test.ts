import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzePins, type PinReport } from '../../../src/advisories/pins/index.ts';
import { FIXTURES, scanFile, scanFiles } from '../../sbom/catalogers/requirements/scan-files.ts';

async function pins(file: string): Promise<PinReport> {
  const scan = await scanFile(path.join(FIXTURES, 'ray', file));
  return analyzePins(scan, { rootFile: `/${file}` });
}

/** `RULE severity line subject` of every finding, in report order. */
function lines(report: PinReport): string[] {
  return report.findings.map((f) =>
    `${f.ruleId} ${f.severity} ${f.location?.line} ${f.package ?? f.subject ?? ''}`.trim(),
  );
}

describe("raygate pins on Ray's lock files", () => {
  describe('when checking requirements_compiled.txt', () => {
    let report: PinReport;
    before(async () => {
      report = await pins('requirements_compiled.txt');
    });

    it('reports exactly six findings, line by line', () => {
      assert.deepEqual(lines(report), [
        'PIN-002 medium 1',
        'PIN-101 high 1 https://download.pytorch.org/whl/cpu',
        'PIN-105 medium 2 https://data.pyg.org/whl/torch-2.3.0+cpu.html',
        'PIN-006 low 787 hyperopt',
        'PIN-005 high 1757 pytest-sphinx',
        'PIN-005 high 2496 vsphere-automation-sdk',
      ]);
      assert.match(report.findings[4]!.message, /with no revision/);
      assert.match(report.findings[5]!.message, /ref 'v8\.0\.1\.0'/);
    });

    it('summarises 613 requirements: 610 exact, 3 VCS, no hashes', () => {
      assert.deepEqual(report.summary, {
        requirements: 613,
        byPin: { exact: 610, range: 0, unpinned: 0, url: 0, vcs: 3, path: 0 },
        pinnedByConstraint: 0,
        editable: 0,
        hashed: 0,
        hashCoverage: 'none',
        requireHashes: false,
        constraints: 0,
        indexes: 2,
        findings: 6,
        bySeverity: { critical: 0, high: 3, medium: 2, low: 1, info: 0 },
        byRule: { 'PIN-002': 1, 'PIN-005': 2, 'PIN-006': 1, 'PIN-101': 1, 'PIN-105': 1 },
        problems: 0,
      });
      assert.deepEqual(report.files, ['/requirements_compiled.txt']);
    });

    it('attaches the rules to the requirements they are about', () => {
      const withRules = report.requirements.filter((r) => r.rules.length > 0);
      assert.deepEqual(
        withRules.map((r) => [r.location.line, r.name, r.pin, r.rules]),
        [
          [787, 'hyperopt', 'vcs', ['PIN-006']],
          [1757, 'pytest-sphinx', 'vcs', ['PIN-005']],
          [2496, 'vsphere-automation-sdk', 'vcs', ['PIN-005']],
        ],
      );
    });
  });

  describe('when checking the hashed uv locks', () => {
    for (const [file, count] of [
      ['requirements_compiled_ray_img_3.9.txt', 18],
      ['requirements_compiled_base_deps_3.11.txt', 44],
    ] as const) {
      it(`finds only the extra index in ${file}, rated medium because all ${count} pins are hashed`, async () => {
        const report = await pins(file);
        assert.deepEqual(lines(report), ['PIN-101 medium 4 https://download.pytorch.org/whl/cpu']);
        assert.equal(report.summary.requirements, count);
        assert.equal(report.summary.byPin.exact, count);
        assert.equal(report.summary.hashCoverage, 'all');
        assert.equal(report.summary.hashed, count);
      });
    }
  });

  describe('when checking the Ray-LLM pins without hashes', () => {
    it('reports missing hashes and the CUDA extra index at line 6', async () => {
      const report = await pins('rayllm_py311_cu128.pins-only.txt');
      assert.deepEqual(lines(report), [
        'PIN-002 medium 1',
        'PIN-101 high 6 https://download.pytorch.org/whl/cu128',
      ]);
      assert.equal(report.summary.byPin.exact, 188);
    });
  });
});

describe('raygate pins across included files', () => {
  it('judges hashes and pins over every file pip would read, at each file and line', async () => {
    const A = 'a'.repeat(64);
    const scan = await scanFiles(
      {
        'requirements.txt': [
          '--require-hashes',
          '-c constraints.txt',
          '-r requirements/base.txt',
          `flask>=2 --hash=sha256:${A}`,
        ].join('\n'),
        'constraints.txt': 'flask==3.0.3\n',
        'requirements/base.txt': `click==8.1.7 --hash=sha256:${A}\nrich\n-r ../../outside.txt\n`,
      },
      'requirements.txt',
    );
    const report = analyzePins(scan, { rootFile: '/requirements.txt' });
    assert.deepEqual(
      report.findings.map((f) =>
        `${f.ruleId} ${f.location?.path}:${f.location?.line} ${f.package ?? ''}`.trim(),
      ),
      [
        'PIN-001 /requirements/base.txt:2 rich',
        'PIN-003 /requirements/base.txt:2 rich',
        'PIN-010 /requirements/base.txt:3',
      ],
    );
    assert.deepEqual(report.files, ['/constraints.txt', '/requirements.txt', '/requirements/base.txt']);
    assert.equal(report.summary.pinnedByConstraint, 1);
    assert.equal(report.summary.requireHashes, true);
  });
});
