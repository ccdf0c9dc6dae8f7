import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toLockFileEvidence } from '../../src/policy/adapters/pins.ts';
import { toRayEvidence } from '../../src/policy/adapters/ray.ts';
import { toReleaseEvidence } from '../../src/policy/adapters/release.ts';
import { toVulnerabilityEvidence } from '../../src/policy/adapters/vulnerabilities.ts';
import type { Decision } from '../../src/policy/decision.ts';
import type { ReleaseEvidence } from '../../src/policy/evidence.ts';
import { assess, lintKubeRay, RAY_LOCK, scanLock } from '../policy/engines.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { runCli } from '../support/run-cli.ts';

const POLICY = `apiVersion: raygate.dev/policy/v1
name: ci-gate
rules:
  - {id: vulns, check: vulnerabilities, severity: high, fix: available}
  - {id: pins, check: pins, exact: true, hashes: true}
  - {id: ray, check: ray, severity: critical}
  - {id: approvals, check: approvals, count: 1}
`;

describe('raygate policy (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => Promise<void>;
  let evidence: ReleaseEvidence;
  const file = (name: string) => path.join(dir, name);
  const write = async (name: string, content: unknown) => {
    await mkdir(path.dirname(file(name)), { recursive: true });
    await writeFile(file(name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file(name);
  };

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const { packages, report } = await scanLock(RAY_LOCK);
    evidence = toReleaseEvidence({
      release: { project: 'acme-ray', version: '2.58.0', submittedBy: 'ci' },
      artifacts: [
        {
          kind: 'image',
          name: 'ghcr.io/acme/ray-ml',
          digest: `sha256:${'ab'.repeat(32)}`,
          vulnerabilities: toVulnerabilityEvidence(await assess(packages)),
          attestations: [],
        },
      ],
      lockFiles: [toLockFileEvidence(report, { path: 'docker/requirements.txt' })],
      ray: toRayEvidence(await lintKubeRay(['cases/exposed.fixed.yaml'])),
      approvals: [{ actor: 'alice', roles: [], at: '2026-11-25T10:00:00Z' }],
    });
    await write('policy.yaml', POLICY);
  });
  after(() => cleanup());

  describe('policy lint', () => {
    it('accepts the shipped policies and prints their digest', async () => {
      const run = await runCli(['policy', 'lint', 'policies/ray-release.yaml']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stdout,
        /^policies\/ray-release\.yaml: valid policy 'ray-release' with 13 rules \(sha256:[0-9a-f]{64}\)\n$/,
      );
    });

    it('prints every problem as file:line:column and exits 2', async () => {
      const broken = await write(
        'broken.yaml',
        'apiVersion: raygate.dev/policy/v1\nname: b\nrules:\n  - id: v\n    check: vulnerabilities\n    severity: severe\n    severity: high\n  - {id: s, check: sbom, attested: "yes"}\n',
      );
      const run = await runCli(['policy', 'lint', broken]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.deepEqual(run.stderr.trim().split('\n'), [
        `${broken}:7:5: duplicate key 'severity' (first written at line 6, column 5) (POLICY_YAML_DUPLICATE_KEY)`,
        `${broken}: 1 problem.`,
      ]);
      const fixed = await write(
        'broken2.yaml',
        'apiVersion: raygate.dev/policy/v1\nname: b\nrules:\n  - {id: s, check: sbom, attested: "yes"}\n',
      );
      const json = await runCli(['policy', 'lint', '--format', 'json', fixed]);
      assert.equal(json.code, 2);
      assert.deepEqual(JSON.parse(json.stdout), {
        file: fixed,
        valid: false,
        problems: [
          {
            code: 'POLICY_SCHEMA',
            message: 'must be true or false, not the string "yes"',
            path: 'rules[0].attested',
            line: 4,
            column: 36,
          },
        ],
      });
    });

    it('reports an unreadable file and a huge file as input errors', async () => {
      const missing = await runCli(['policy', 'lint', file('nope.yaml')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^raygate: POLICY_UNREADABLE: Cannot read .*nope\.yaml: ENOENT/);
      const huge = await write('huge.yaml', `description: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
      const run = await runCli(['policy', 'lint', huge]);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /huge\.yaml:1:1: the file is 1048577 bytes; a policy may be at most 1048576 \(POLICY_TOO_LARGE\)/,
      );
    });
  });

  describe('policy test', () => {
    it('prints the decision as a table and exits 0 when allowed', async () => {
      const evidenceFile = await write('allow/evidence.json', evidence);
      const run = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '--evidence',
        path.dirname(evidenceFile),
        '--now',
        '2026-11-25T12:00:00Z',
      ]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const lines = run.stdout.split('\n');
      assert.equal(lines[0], 'ALLOW: Allowed: 4 rules pass.');
      assert.match(
        lines[1]!,
        /^release acme-ray 2\.58\.0, evaluated at 2026-11-25T12:00:00\.000Z with policy 'ci-gate' sha256:[0-9a-f]{64}$/,
      );
      assert.match(run.stdout, /^RULE\s+CHECK\s+ACTION\s+STATUS\s+SUMMARY$/m);
      assert.match(run.stdout, /^pins\s+pins\s+fail\s+pass\s+1 lock file, 18 requirements: pass$/m);
      assert.match(run.stdout, /^\s+info\s+APPROVED: Approved by alice at 2026-11-25T10:00:00Z\.$/m);
      assert.match(run.stdout, /^evidence sha256:[0-9a-f]{64}$/m);
    });

    it('exits 1 on deny and on needs-approval (0 with --allow-pending-approvals), and writes JSON to a file', async () => {
      const denied = await write('deny.json', {
        ...evidence,
        ray: toRayEvidence(await lintKubeRay(['kuberay/ray-cluster.sample.yaml'])),
      });
      const run = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '-e',
        denied,
        '--format',
        'json',
        '-o',
        file('decision.json'),
        '--now',
        '2026-11-25T12:00:00Z',
      ]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      const decision = JSON.parse(await readFile(file('decision.json'), 'utf8')) as Decision;
      assert.equal(decision.verdict, 'deny');
      assert.equal(decision.summary, 'Denied: 1 rule fail (ray).');
      assert.match(decision.rules[2]!.reasons[0]!.message, /^RAY-AUTH-002 token-auth-disabled \[critical\]/);

      const pending = await write('pending.json', { ...evidence, approvals: [] });
      const waiting = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '-e',
        pending,
        '--now',
        '2026-11-25T12:00:00Z',
      ]);
      assert.equal(waiting.code, 1);
      assert.match(
        waiting.stdout,
        /^NEEDS-APPROVAL: Needs approval: 0 of 1 distinct approval: 1 more approver needed \(not the submitter\)\.$/m,
      );
      const allowed = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '-e',
        pending,
        '--allow-pending-approvals',
        '--now',
        '2026-11-25T12:00:00Z',
      ]);
      assert.equal(allowed.code, 0);
    });

    it('replays a recorded decision at its time and warns when the policy differs', async () => {
      const first = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '-e',
        await write('r/evidence.json', evidence),
        '--format',
        'json',
        '--now',
        '2026-11-20T08:00:00Z',
      ]);
      const decision = JSON.parse(first.stdout) as Decision;
      await write('r/decision.json', decision);
      const same = await runCli(['policy', 'test', file('policy.yaml'), '-e', file('r'), '--format', 'json']);
      assert.equal(same.code, 0, same.stderr);
      assert.equal(same.stderr, 'raygate policy test: replay: same verdict as recorded (allow).\n');
      assert.equal(same.stdout, first.stdout);

      const stricter = await write('stricter.yaml', POLICY.replace('count: 1', 'count: 2'));
      const record = await write('record.json', { evidence, decision });
      const replay = await runCli(['policy', 'test', stricter, '-e', record]);
      assert.equal(replay.code, 1);
      const warnings = replay.stderr.trim().split('\n');
      assert.match(
        warnings[0]!,
        new RegExp(
          `^raygate policy test: warning: the recorded decision was made with policy 'ci-gate' ${decision.inputs.policy.digest}; .*stricter\\.yaml is 'ci-gate' sha256:[0-9a-f]{64}\\. The replay uses .*stricter\\.yaml\\.$`,
        ),
      );
      assert.equal(
        warnings[1],
        'raygate policy test: replay: the verdict differs: recorded allow, now needs-approval.',
      );
      assert.match(replay.stdout, /evaluated at 2026-11-20T08:00:00\.000Z/);

      const tampered = await write('tampered.json', { evidence: { ...evidence, approvals: [] }, decision });
      const changed = await runCli(['policy', 'test', file('policy.yaml'), '-e', tampered]);
      assert.match(
        changed.stderr,
        /warning: the evidence is not the evidence the recorded decision was made from \(sha256:/,
      );
    });

    it('refuses invalid evidence, naming each bad field, and a bad --now', async () => {
      const bad = await write('bad.json', {
        ...evidence,
        artifacts: [{ ...evidence.artifacts[0], kind: 'helm-chart' }],
        extra: 1,
      });
      const run = await runCli(['policy', 'test', file('policy.yaml'), '-e', bad]);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /^raygate: EVIDENCE_INVALID: .*bad\.json is not valid evidence:\n {2}\(document\): unknown key 'extra'\n {2}artifacts\[0\]\.kind: must be equal to one of the allowed values\n$/,
      );
      const notJson = await write('not.json', '{');
      assert.match(
        (await runCli(['policy', 'test', file('policy.yaml'), '-e', notJson])).stderr,
        /EVIDENCE_INVALID: .*not\.json is not JSON/,
      );
      const now = await runCli([
        'policy',
        'test',
        file('policy.yaml'),
        '-e',
        file('allow'),
        '--now',
        'yesterday',
      ]);
      assert.equal(now.code, 2);
      assert.match(now.stderr, /^raygate: NOW_INVALID: --now must be an ISO 8601 time/);
      const invalidPolicy = await runCli(['policy', 'test', await write('p.yaml', 'name: x\n'), '-e', bad]);
      assert.equal(invalidPolicy.code, 2);
      assert.match(invalidPolicy.stderr, /POLICY_INVALID: .*p\.yaml is not a valid policy \(2 problems\):/);
    });
  });
});
