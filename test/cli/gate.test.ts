import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../src/shared/canonical-json.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { pushOneLayerImage } from '../support/push-image.ts';
import { startRegistry, type RunningRegistry } from '../support/registry.ts';
import { fixturePath } from '../support/fixture-path.ts';
import { runCli, type CliRun } from '../support/run-cli.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { makePgliteDataDir } from '../support/test-db.ts';
import { GATE_POLICIES, importGateMirror, PUBLIC_GOOD_ROOT, VULNERABLE_WHEEL } from '../gate/support.ts';

/** rfc8785 0.1.2 as published, and the Sigstore bundle GitHub Actions made for exactly these bytes. */
const WHEEL = fixturePath('attest', 'pep740', 'rfc8785-0.1.2-py3-none-any.whl');
const WHEEL_BUNDLE = fixturePath('attest', 'sigstore-python', 'bundle_v3_github.whl.sigstore');

interface ReleaseJson {
  id: string;
  state: string;
  verdict: string | null;
  vsa: string;
  policy: { name: string; digest: string };
  artifacts: { digest: string; sbom: { origin: string } | null }[];
  documents: { role: string; name: string }[];
  decision: { rules: { rule: string; status: string }[]; inputs: Record<string, unknown> } | null;
  evidence?: unknown;
}

describe('raygate gate (end to end, real processes)', function () {
  this.timeout(180_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  let data: string;
  let serve: ServeProcess | undefined;
  let registry: RunningRegistry;
  let image: string;
  let env: Record<string, string>;
  const token = {} as Record<'submitter' | 'approver' | 'admin', string>;
  let approvedId: string;
  let rejectedId: string;

  const cli = (args: string[], as?: keyof typeof token, timeoutMs = 60_000): Promise<CliRun> =>
    runCli(args, { cwd: temp.dir, env: { ...env, ...(as ? { RAYGATE_TOKEN: token[as] } : {}) }, timeoutMs });
  const gate = (args: string[], as: keyof typeof token) => cli(['gate', ...args, '--server', serve!.url], as);
  const api = async (p: string, as: keyof typeof token = 'approver') => {
    const response = await fetch(`${serve!.url}${p}`, { headers: { authorization: `Bearer ${token[as]}` } });
    assert.equal(response.status, 200, `${p}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };
  const status = async (id: string) =>
    JSON.parse((await gate(['status', id, '--format', 'json'], 'approver')).stdout) as ReleaseJson;

  before(async () => {
    temp = await makeTempDir('raygate-gate-e2e-');
    data = await makePgliteDataDir(path.join(temp.dir, 'data'));
    const mirror = await importGateMirror(temp.dir);
    registry = await startRegistry();
    image = `${registry.host}/acme/ray@${await pushOneLayerImage(registry.host, 'acme/ray', 'v1', [
      {
        name: 'usr/lib/python3/dist-packages/rfc8785-0.1.2.dist-info/METADATA',
        content: 'Metadata-Version: 2.1\nName: rfc8785\nVersion: 0.1.2\n',
      },
    ])}`;
    await writeFile(
      path.join(temp.dir, 'raygate.yaml'),
      [
        'gate:',
        `  policiesDir: ${JSON.stringify(GATE_POLICIES)}`,
        '  defaultPolicy: gate-test',
        '  trust:',
        `    trustedRoots: [${JSON.stringify(PUBLIC_GOOD_ROOT)}]`,
        '    offline: true',
        `  registries: [{host: ${JSON.stringify(registry.host)}, insecure: true, push: true}]`,
        'jobs: {pollIntervalMs: 200}',
        '',
      ].join('\n'),
    );
    // No package index here: pinned releases' upload times stay unknown (lookups off) rather than asking pypi.org.
    env = {
      RAYGATE_DATA: data,
      RAYGATE_CONFIG: path.join(temp.dir, 'raygate.yaml'),
      RAYGATE_OSV_DB: mirror,
      RAYGATE_INDEX_LOOKUPS: 'off',
    };
    for (const role of ['submitter', 'approver', 'admin'] as const) {
      const created = await cli(['tokens', 'create', '--role', role, '--name', role]);
      assert.equal(created.code, 0, created.stderr);
      token[role] = created.stdout.trim();
    }
    await copyFile(WHEEL, path.join(temp.dir, 'rfc8785-0.1.2-py3-none-any.whl'));
    await writeFile(path.join(temp.dir, 'requirements.txt'), 'rfc8785==0.1.2\n');
    await mkdir(path.join(temp.dir, 'deploy'));
    await copyFile(
      fixturePath('ray', 'kuberay', 'ray-cluster.sample.yaml'),
      path.join(temp.dir, 'deploy', 'ray-cluster.yaml'),
    );
    const sbom = await cli(['sbom', 'requirements.txt', '--output', 'rfc8785.cdx.json']);
    assert.equal(sbom.code, 0, sbom.stderr);
    await writeFile(path.join(temp.dir, VULNERABLE_WHEEL), 'not really pyarrow');
    serve = await startServe([], env);
  });

  after(async () => {
    await serve?.stop();
    await registry?.stop();
    await temp?.cleanup();
  });

  describe('when a wheel with its SBOM, Sigstore bundle and lock file is submitted', () => {
    const submitArgs = [
      'submit',
      '--project',
      'demo',
      '--version',
      '0.1.2',
      '--file',
      'rfc8785-0.1.2-py3-none-any.whl',
      '--sbom',
      'rfc8785.cdx.json',
      '--bundle',
      WHEEL_BUNDLE,
      '--lock',
      'requirements.txt',
      '--manifest',
      'deploy/ray-cluster.yaml',
    ];

    it('waits for a decision and exits 4 when approval does not come in time', async () => {
      const run = await gate([...submitArgs, '--wait', '--timeout', '5s', '--format', 'json'], 'submitter');
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /timed out after 5s; rel_\S+ is awaiting_approval/);
      const release = JSON.parse(run.stdout) as ReleaseJson;
      approvedId = release.id;
      assert.equal(release.state, 'awaiting_approval');
      assert.deepEqual(
        release.decision!.rules.map((r) => [r.rule, r.status]),
        [
          ['critical-fixable', 'pass'],
          ['sbom', 'pass'],
          ['signatures', 'pass'],
          ['approvals', 'pending'],
        ],
      );
      assert.equal(release.artifacts[0]!.sbom?.origin, 'uploaded');
      assert.deepEqual(
        release.documents.map((d) => d.role),
        ['sbom', 'bundle', 'lock-file', 'manifest'],
      );
      assert.deepEqual(
        release.documents.map((d) => d.name),
        ['rfc8785.cdx.json', 'bundle_v3_github.whl.sigstore', 'requirements.txt', 'deploy/ray-cluster.yaml'],
      );
      const evidence = release.evidence as { lockFiles: { path: string }[]; ray: { files: number } | null };
      assert.deepEqual(
        evidence.lockFiles.map((l) => l.path),
        ['requirements.txt'],
      );
      assert.ok(evidence.ray, 'the Ray deployment part was collected');
    });

    it('returns the same release when the same content is submitted again', async () => {
      const run = await gate([...submitArgs, '--format', 'json'], 'submitter');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Already submitted: /);
      assert.equal((JSON.parse(run.stdout) as ReleaseJson).id, approvedId);
    });

    it('refuses the submitter as approver, then is approved by an approver and gets a VSA', async () => {
      const own = await gate(['approve', approvedId, '--comment', 'mine'], 'submitter');
      assert.notEqual(own.code, 0);
      assert.match(own.stderr, /FORBIDDEN|may not release:approve/);
      const run = await gate(['approve', approvedId, '--comment', 'reviewed the SBOM'], 'approver');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Approved: .* is now approved/);
      const until = Date.now() + 30_000;
      let release = await status(approvedId);
      while (release.vsa === 'pending' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        release = await status(approvedId);
      }
      assert.deepEqual([release.state, release.vsa], ['approved', 'issued']);
    });

    describe('when its VSA is checked offline with raygate verify', () => {
      let policyDigest: string;
      const verifyPolicy = async (vsa: Record<string, unknown>) => {
        await writeFile(
          path.join(temp.dir, 'verify-policy.json'),
          JSON.stringify({ version: 1, require: ['vsa'], vsa }),
        );
      };
      const verify = (key = 'vsa.pub') =>
        cli([
          'verify',
          'rfc8785-0.1.2-py3-none-any.whl',
          '--bundle',
          'vsa.sigstore.json',
          '--key',
          key,
          '--policy',
          'verify-policy.json',
          '--offline',
          '--format',
          'json',
        ]);

      before(async () => {
        await writeFile(
          path.join(temp.dir, 'vsa.sigstore.json'),
          await api(`/api/v1/releases/${approvedId}/vsa?artifact=0&format=bundle`),
        );
        await writeFile(path.join(temp.dir, 'vsa.pub'), await api('/api/v1/vsa/public-key.pem'));
        policyDigest = (await status(approvedId)).policy.digest;
      });

      it('verifies: subject digest, verifier id, policy digest, PASSED, the service key', async () => {
        await verifyPolicy({
          verifiers: [serve!.url],
          resourceUris: ['pkg:pypi/rfc8785@0.1.2*'],
          policyDigests: [policyDigest],
          levels: ['SLSA_BUILD_LEVEL_0'],
        });
        const run = await verify();
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /"verdict": "pass"/);
      });

      it('fails for another verifier, another policy digest, or another key', async () => {
        await verifyPolicy({ verifiers: ['https://someone-else.example'] });
        let run = await verify();
        assert.equal(run.code, 1, run.stdout);
        assert.match(run.stdout, /verifier http:\/\/127\.0\.0\.1:\d+ is not allowed/);

        await verifyPolicy({ verifiers: [serve!.url], policyDigests: [`sha256:${'0'.repeat(64)}`] });
        run = await verify();
        assert.equal(run.code, 1, run.stdout);
        assert.match(
          run.stdout,
          /the verification policy's digest sha256:[0-9a-f]{64} is not one the policy accepts/,
        );

        await verifyPolicy({ verifiers: [serve!.url] });
        await writeFile(
          path.join(temp.dir, 'other.pub'),
          await readFile(fixturePath('attest', 'sigstore-go', 'public-key-validity.pem')),
        );
        run = await verify('other.pub');
        assert.notEqual(run.code, 0, run.stdout);
      });

      it('fails for another artifact: the VSA is about these bytes only', async () => {
        await verifyPolicy({ verifiers: [serve!.url] });
        await copyFile(
          path.join(temp.dir, VULNERABLE_WHEEL),
          path.join(temp.dir, 'rfc8785-0.1.2-py3-none-any.whl'),
        );
        try {
          const run = await verify();
          assert.notEqual(run.code, 0, run.stdout);
        } finally {
          await copyFile(WHEEL, path.join(temp.dir, 'rfc8785-0.1.2-py3-none-any.whl'));
        }
      });
    });

    it('replays its decision offline with raygate policy test from the recorded inputs', async () => {
      const release = await status(approvedId);
      const inputs = release.decision!.inputs as {
        policy: { digest: string };
        trustedRoot?: { digest: string };
      };
      assert.equal(inputs.policy.digest, release.policy.digest);
      assert.match(String(inputs.trustedRoot?.digest), /^sha256:[0-9a-f]{64}$/);
      const decisions = JSON.parse((await api(`/api/v1/releases/${approvedId}/decisions`)).toString()) as {
        decisions: {
          inputs: { policy: { digest: string }; advisories: string | null; trustedRoot: string | null };
        }[];
      };
      for (const d of decisions.decisions) {
        assert.equal(d.inputs.policy.digest, release.policy.digest);
        assert.match(String(d.inputs.advisories), /^sha256:[0-9a-f]{64}$/);
        assert.match(String(d.inputs.trustedRoot), /^sha256:[0-9a-f]{64}$/);
      }
      await writeFile(path.join(temp.dir, 'policy.yaml'), await api(`/api/v1/releases/${approvedId}/policy`));
      const recorded = await api(`/api/v1/releases/${approvedId}/evidence`);
      await writeFile(path.join(temp.dir, 'evidence.json'), recorded);
      const { evidence, decision } = JSON.parse(recorded.toString()) as {
        evidence: unknown;
        decision: { inputs: { evidence: string } };
      };
      assert.equal(
        `sha256:${createHash('sha256').update(canonicalJson(evidence)).digest('hex')}`,
        decision.inputs.evidence,
        'the evidence served is the evidence the decision names',
      );
      const run = await cli([
        'policy',
        'test',
        'policy.yaml',
        '--evidence',
        'evidence.json',
        '--format',
        'json',
      ]);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const replay = JSON.parse(run.stdout) as { verdict: string };
      assert.equal(replay.verdict, 'allow');
      assert.match(run.stderr, /replay: same verdict as recorded \(allow\)/);
      assert.doesNotMatch(run.stderr, /warning: the recorded decision was made with policy/);
    });
  });

  describe('when a release fails its policy', () => {
    it('exits 1 from gate submit --wait, rejected', async () => {
      const run = await gate(
        [
          'submit',
          '--project',
          'demo',
          '--version',
          '0.0.1',
          '--file',
          VULNERABLE_WHEEL,
          '--wait',
          '--timeout',
          '60s',
          '--format',
          'json',
        ],
        'submitter',
      );
      assert.equal(run.code, 1, run.stderr);
      const release = JSON.parse(run.stdout) as ReleaseJson;
      rejectedId = release.id;
      assert.deepEqual([release.state, release.verdict], ['rejected', 'deny']);
    });

    it('replays to the same deny with raygate policy test (exit 1)', async () => {
      await writeFile(path.join(temp.dir, 'policy.yaml'), await api(`/api/v1/releases/${rejectedId}/policy`));
      await writeFile(
        path.join(temp.dir, 'evidence.json'),
        await api(`/api/v1/releases/${rejectedId}/evidence`),
      );
      const run = await cli([
        'policy',
        'test',
        'policy.yaml',
        '--evidence',
        'evidence.json',
        '--format',
        'json',
      ]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { verdict: string }).verdict, 'deny');
      assert.match(run.stderr, /replay: same verdict as recorded \(deny\)/);
    });
  });

  describe('when the policy needs no approval', () => {
    it('exits 0 from gate submit --wait once approved and its VSA issued', async () => {
      const run = await gate(
        [
          'submit',
          '--project',
          'demo',
          '--version',
          '0.1.3',
          '--file',
          'rfc8785-0.1.2-py3-none-any.whl',
          '--policy',
          'no-approvals',
          '--wait',
          '--timeout',
          '60s',
          '--format',
          'json',
        ],
        'submitter',
      );
      assert.equal(run.code, 0, run.stderr);
      const release = JSON.parse(run.stdout) as ReleaseJson;
      assert.deepEqual([release.state, release.vsa], ['approved', 'issued']);
    });
  });

  describe('when an image is approved and its registry takes pushes', () => {
    it('attaches the VSA to the image as an OCI referrer, which raygate verify finds and checks', async () => {
      const run = await gate(
        [
          'submit',
          '--project',
          'demo',
          '--version',
          '0.2.0',
          '--image',
          image,
          '--policy',
          'no-approvals',
          '--wait',
          '--timeout',
          '60s',
          '--format',
          'json',
        ],
        'submitter',
      );
      assert.equal(run.code, 0, run.stderr);
      const release = JSON.parse(run.stdout) as ReleaseJson & { id: string };
      assert.deepEqual([release.state, release.vsa], ['approved', 'issued']);
      assert.equal(release.artifacts[0]!.sbom?.origin, 'generated');
      const until = Date.now() + 30_000;
      let vsas: { attachment: { referrer?: string; error?: unknown } | null }[] = [];
      while (Date.now() < until) {
        vsas = (
          JSON.parse((await api(`/api/v1/releases/${release.id}/vsa`)).toString()) as { vsas: typeof vsas }
        ).vsas;
        if (vsas[0]?.attachment) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.match(String(vsas[0]?.attachment?.referrer), /^sha256:[0-9a-f]{64}$/, JSON.stringify(vsas));
      await writeFile(path.join(temp.dir, 'vsa.pub'), await api('/api/v1/vsa/public-key.pem'));
      await writeFile(
        path.join(temp.dir, 'image-policy.json'),
        JSON.stringify({
          version: 1,
          require: ['vsa'],
          vsa: {
            verifiers: [serve!.url],
            policyDigests: [release.policy.digest],
            resourceUris: ['pkg:oci/ray@*'],
          },
        }),
      );
      const verify = await cli([
        'verify',
        `image:${image}`,
        '--key',
        'vsa.pub',
        '--policy',
        'image-policy.json',
        '--insecure-registry',
        registry.host,
        '--format',
        'json',
      ]);
      assert.equal(verify.code, 0, `${verify.stdout}\n${verify.stderr}`);
      assert.match(verify.stdout, /"kind": "vsa"/);
    });
  });

  describe('when someone edits an audit row in the database', () => {
    it('is found by raygate audit verify', async () => {
      assert.equal(await serve!.stop(), 0);
      serve = undefined;
      const clean = await cli(['audit', 'verify']);
      assert.equal(clean.code, 0, clean.stderr);
      const db = await openPgliteDb({ dataDir: data });
      let seq: number;
      try {
        const row = await db.query<{ seq: string }>(
          `SELECT seq FROM audit_log WHERE action = 'release.approve' AND subject_id = $1`,
          [approvedId],
        );
        seq = Number(row.rows[0]!.seq);
        await db.exec(`
          ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
          UPDATE audit_log SET actor = 'token:someone-else' WHERE seq = ${seq};
          ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
        `);
      } finally {
        await db.close();
      }
      const run = await cli(['audit', 'verify', '--format', 'json']);
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.stdout, /AUDIT_ENTRY_ALTERED/);
      assert.match(run.stdout, new RegExp(`"seq": ${seq}\\b`));
    });
  });
});
