import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { parseBundle } from '../../src/attest/bundle.ts';
import { signToBundle, type SignRequest } from '../../src/attest/sign-client.ts';
import { IN_TOTO_PAYLOAD_TYPE, toStatement } from '../../src/attest/statement.ts';
import { parseTrustedRoot, toTrust } from '../../src/attest/trusted-root.ts';
import { verifyBundle } from '../../src/attest/verify.ts';
import { toAttestationEvidence } from '../../src/policy/adapters/attestation.ts';
import {
  toDependencyEvidence,
  toLockFileEvidence,
  uploadKey,
  type UploadInfo,
} from '../../src/policy/adapters/pins.ts';
import { toRayEvidence } from '../../src/policy/adapters/ray.ts';
import { toReleaseEvidence } from '../../src/policy/adapters/release.ts';
import { toSbomEvidence } from '../../src/policy/adapters/sbom.ts';
import { toVulnerabilityEvidence } from '../../src/policy/adapters/vulnerabilities.ts';
import type { Decision } from '../../src/policy/decision.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import type { AttestationEvidence, ReleaseEvidence } from '../../src/policy/evidence.ts';
import type { Policy } from '../../src/policy/policy.ts';
import { parsePolicy } from '../../src/policy/policy-parse.ts';
import { startSigstoreStack, type SigstoreStack } from '../attest/sigstore-stack.ts';
import { fixturePath } from '../support/fixture-path.ts';
import { REPO_ROOT } from '../support/run-cli.ts';
import { assess, lintKubeRay, NOW, RAY_LOCK, scanLock } from './engines.ts';

const COMMIT = '5f3c1c0a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f';
const REF = 'refs/tags/v2.58.0';
const DAY = 24 * 3600 * 1000;

function claims(repository: string, workflow = 'release.yml', ref = REF, sha = COMMIT) {
  const uri = `${repository}/.github/workflows/${workflow}@${ref}`;
  return {
    iss: 'https://token.actions.githubusercontent.com',
    sub: `repo:${repository}:ref:${ref}`,
    repository,
    ref,
    sha,
    workflow_ref: uri,
    job_workflow_ref: uri,
    runner_environment: 'github-hosted',
    event_name: 'push',
  };
}

const statuses = (d: Decision) => Object.fromEntries(d.rules.map((r) => [r.rule, r.status]));
const codes = (d: Decision, rule: string) =>
  d.rules
    .find((r) => r.rule === rule)!
    .reasons.filter((r) => r.status === 'fail')
    .map((r) => r.code);
const policy = (name: string): Policy =>
  parsePolicy(readFileSync(`${REPO_ROOT}/policies/${name}.yaml`, 'utf8'), `${name}.yaml`);

describe('shipped policies against realistic release evidence', function () {
  this.timeout(60_000);
  let stack: SigstoreStack;
  let sign: (data: Buffer, claims: object, dsse?: boolean) => Promise<AttestationEvidence>;
  let base: ReleaseEvidence;
  let imageDigest: string;
  let provenanceFor: (commit: string) => Promise<AttestationEvidence>;
  let signedImage: (claims: object) => Promise<AttestationEvidence>;

  before(async () => {
    stack = await startSigstoreStack();
    const trust = toTrust(parseTrustedRoot(stack.trustedRoot));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: `sha256:${'1'.repeat(64)}`,
          size: 7023,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: `sha256:${'2'.repeat(64)}`,
            size: 32654,
          },
        ],
      }),
    );
    const hex = createHash('sha256').update(manifest).digest('hex');
    imageDigest = `sha256:${hex}`;
    sign = async (data, tokenClaims, dsse = false) => {
      const request: SignRequest = {
        data,
        content: dsse ? { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE } : { kind: 'message' },
        // The mock Rekor's dsse entries cannot be verified (see sigstore-stack.ts): log DSSE as intoto.
        ...(dsse ? { entryType: 'intoto' as const } : {}),
        identity: { kind: 'keyless', identityToken: stack.token(tokenClaims as Record<string, unknown>) },
        services: { fulcioUrl: stack.url, rekor: { url: stack.url, majorApiVersion: 1 }, tsaUrl: stack.url },
        retries: 0,
      };
      const bundle = parseBundle(JSON.stringify(await signToBundle(request)));
      const artifact = dsse
        ? ({ kind: 'digest', algorithm: 'sha256', hex } as const)
        : ({ kind: 'bytes', bytes: data } as const);
      let result;
      try {
        result = { verified: verifyBundle(bundle, artifact, trust, { kind: 'identity', policy: {} }) };
      } catch (error) {
        result = { error };
      }
      return toAttestationEvidence({ source: 'oci-referrers', bundle, result });
    };
    signedImage = (c) => sign(manifest, c);
    provenanceFor = (commit) =>
      sign(
        Buffer.from(
          JSON.stringify(
            toStatement(
              [{ name: 'ghcr.io/acme/ray-ml', digest: { sha256: hex } }],
              'https://slsa.dev/provenance/v1',
              {
                buildDefinition: {
                  buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
                  externalParameters: {
                    workflow: {
                      ref: REF,
                      repository: 'https://github.com/acme/ray-images',
                      path: '.github/workflows/release.yml',
                    },
                  },
                  resolvedDependencies: [
                    { uri: `git+https://github.com/acme/ray-images@${REF}`, digest: { gitCommit: commit } },
                  ],
                },
                runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
              },
            ),
          ),
        ),
        claims('acme/ray-images', 'release.yml', REF, commit),
        true,
      );

    const wheelBytes = Buffer.from('acme_ray_udf-1.2.0-py3-none-any.whl (zip bytes)');
    const { packages, report } = await scanLock(RAY_LOCK);
    const lock = toLockFileEvidence(report, { path: 'docker/requirements_compiled_ray_img_3.9.txt' });
    const uploads = new Map<string, UploadInfo>(
      lock.requirements.map((r) => [
        uploadKey(r.name, r.version!),
        { uploadedAt: new Date(NOW.getTime() - 30 * DAY).toISOString(), index: 'https://pypi.org' },
      ]),
    );
    base = toReleaseEvidence({
      release: {
        project: 'acme-ray',
        version: '2.58.0',
        git: { repository: 'https://github.com/acme/ray-images', ref: REF, commit: COMMIT },
        submittedBy: 'ci:acme/ray-images',
      },
      artifacts: [
        {
          kind: 'image',
          name: 'ghcr.io/acme/ray-ml',
          digest: imageDigest,
          reference: 'ghcr.io/acme/ray-ml:2.58.0-py39',
          sbom: toSbomEvidence(packages, { origin: 'generated', format: 'cyclonedx-json' }),
          vulnerabilities: toVulnerabilityEvidence(await assess(packages)),
          attestations: [await signedImage(claims('acme/ray-images')), await provenanceFor(COMMIT)],
        },
        {
          kind: 'wheel',
          name: 'acme_ray_udf-1.2.0-py3-none-any.whl',
          digest: `sha256:${createHash('sha256').update(wheelBytes).digest('hex')}`,
          sbom: { origin: 'uploaded', format: 'cyclonedx-json', packages: [] },
          vulnerabilities: {
            source: { kind: 'mirror', location: 'osv' },
            findings: [],
            notAssessed: [],
            problems: [],
          },
          attestations: [await sign(wheelBytes, claims('acme/ray-libraries', 'publish.yml'))],
        },
      ],
      lockFiles: [lock],
      dependencies: toDependencyEvidence([lock], uploads),
      ray: toRayEvidence(await lintKubeRay(['cases/exposed.fixed.yaml'])),
      approvals: [
        { actor: 'alice', roles: ['release-manager'], at: '2026-11-25T10:00:00Z' },
        { actor: 'bob', roles: ['security'], at: '2026-11-25T11:00:00Z' },
      ],
    });
  });
  after(() => stack.close());

  const withImage = (evidence: ReleaseEvidence, attestations: AttestationEvidence[]): ReleaseEvidence => ({
    ...evidence,
    artifacts: [{ ...evidence.artifacts[0]!, attestations }, evidence.artifacts[1]!],
  });

  describe('ray-release.yaml', () => {
    it('allows a signed, attested, hashed, cooled-down, hardened and approved release', () => {
      const d = evaluate(policy('ray-release'), base, { now: NOW });
      assert.equal(
        d.verdict,
        'allow',
        JSON.stringify(
          d.rules.filter((r) => r.status !== 'pass'),
          null,
          2,
        ),
      );
      assert.ok(Object.values(statuses(d)).every((s) => s === 'pass'));
      const provenance = d.rules.find((r) => r.rule === 'image-provenance')!.reasons[0]!;
      assert.equal(provenance.code, 'PROVENANCE_VERIFIED');
      assert.match(
        provenance.message,
        /built by https:\/\/github\.com\/actions\/runner\/github-hosted, from https:\/\/github\.com\/acme\/ray-images@refs\/tags\/v2\.58\.0, SLSA build level 2/,
      );
      assert.match(d.rules.find((r) => r.rule === 'approvals')!.summary, /^2 of 2 approvals: pass$/);
    });

    it('denies an unsigned image, and one signed by another repository or from a branch', async () => {
      const provenance = base.artifacts[0]!.attestations[1]!;
      assert.deepEqual(
        codes(
          evaluate(policy('ray-release'), withImage(base, [provenance]), { now: NOW }),
          'image-signatures',
        ),
        ['SIGNATURE_MISSING'],
      );
      for (const c of [
        claims('evil/ray-images'),
        claims('acme/ray-images', 'release.yml', 'refs/heads/main'),
      ]) {
        const d = evaluate(policy('ray-release'), withImage(base, [await signedImage(c), provenance]), {
          now: NOW,
        });
        assert.equal(d.verdict, 'deny');
        assert.deepEqual(codes(d, 'image-signatures'), ['SIGNATURE_UNTRUSTED']);
      }
    });

    it("denies provenance that was not built from the release's commit", async () => {
      const other = await provenanceFor('0'.repeat(40));
      const d = evaluate(
        policy('ray-release'),
        withImage(base, [base.artifacts[0]!.attestations[0]!, other]),
        { now: NOW },
      );
      assert.deepEqual(codes(d, 'image-provenance'), ['PROVENANCE_UNACCEPTED']);
      assert.match(
        d.rules.find((r) => r.rule === 'image-provenance')!.reasons[0]!.message,
        /source commit is "0{40}", not the release's commit 5f3c1c0a/,
      );
    });

    it('denies a dependency released yesterday (cooldown) and Ray without token authentication', async () => {
      const fresh = base.dependencies.map((d, i) =>
        i === 0 ? { ...d, uploadedAt: new Date(NOW.getTime() - DAY).toISOString() } : d,
      );
      const ray = toRayEvidence(await lintKubeRay(['kuberay/ray-cluster.sample.yaml']));
      const d = evaluate(policy('ray-release'), { ...base, dependencies: fresh, ray }, { now: NOW });
      assert.equal(d.verdict, 'deny');
      assert.deepEqual(codes(d, 'cooldown'), ['COOLDOWN']);
      assert.deepEqual(codes(d, 'ray-critical'), [
        'RAY_ADVISORY_AFFECTED',
        'RAY_ADVISORY_AFFECTED',
        'RAY_FINDING',
      ]);
      assert.equal(statuses(d)['ray-high'], 'warn');
    });

    it("denies Ray's own unhashed lock with fixable high vulnerabilities; an exception covers one advisory", async () => {
      const { packages, report } = await scanLock(
        fixturePath('sbom', 'requirements', 'ray', 'requirements_compiled.txt'),
      );
      const vulnerabilities = toVulnerabilityEvidence(await assess(packages));
      const evidence = {
        ...base,
        artifacts: [{ ...base.artifacts[0]!, vulnerabilities }, base.artifacts[1]!],
        lockFiles: [toLockFileEvidence(report, { path: 'python/requirements_compiled.txt' })],
      };
      const d = evaluate(policy('ray-release'), evidence, { now: NOW });
      assert.deepEqual(codes(d, 'vulnerabilities-fixable'), [
        'VULN_SEVERITY',
        'VULN_SEVERITY',
        'VULN_SEVERITY',
      ]);
      assert.equal(statuses(d)['vulnerabilities-unfixed'], 'warn');
      assert.ok(codes(d, 'pins').includes('PINS_NO_HASH'));
      assert.ok(codes(d, 'pins').includes('PINS_FINDING'));
      const excepted = evaluate(
        policy('ray-release'),
        {
          ...evidence,
          exceptions: [
            {
              id: 'EX-7',
              scope: { kind: 'purl', purl: 'pkg:pypi/gradio' },
              rules: ['vulnerabilities-fixable'],
              reason: 'gradio is only in the dev image; removal tracked in ACME-1234.',
              owner: 'ml-platform',
              expiresAt: '2027-01-31T00:00:00Z',
              approvedBy: 'security-lead',
            },
          ],
        },
        { now: NOW },
      );
      assert.deepEqual(codes(excepted, 'vulnerabilities-fixable'), ['VULN_SEVERITY']);
      assert.deepEqual(
        excepted.exceptions.map((e) => `${e.id} ${e.state} ${e.matches}`),
        ['EX-7 applied 2'],
      );
    });

    it('denies a malicious package found by the advisory matcher, whatever else passes', async () => {
      const { packages } = await scanLock(RAY_LOCK);
      const target = packages[0]!;
      const malicious: OsvRecord = {
        id: 'MAL-2026-7777',
        modified: '2026-11-24T00:00:00Z',
        summary: `Malicious code in ${target.name} (PyPI)`,
        affected: [{ package: { ecosystem: 'PyPI', name: target.name }, versions: [target.version!] }],
      };
      const vulnerabilities = toVulnerabilityEvidence(await assess(packages, [malicious]));
      const d = evaluate(
        policy('ray-release'),
        { ...base, artifacts: [{ ...base.artifacts[0]!, vulnerabilities }, base.artifacts[1]!] },
        { now: NOW },
      );
      assert.equal(d.verdict, 'deny');
      assert.deepEqual(codes(d, 'vulnerabilities-fixable'), ['VULN_MALICIOUS']);
      assert.deepEqual(codes(d, 'vulnerabilities-unfixed'), ['VULN_MALICIOUS']);
    });

    it('needs approval while one approver is missing; the submitter cannot be the second', () => {
      const approvals = [
        base.approvals[0]!,
        { actor: 'ci:acme/ray-images', roles: ['release-manager'], at: '2026-11-25T11:30:00Z' },
      ];
      const d = evaluate(policy('ray-release'), { ...base, approvals }, { now: NOW });
      assert.equal(d.verdict, 'needs-approval');
      assert.equal(
        d.summary,
        'Needs approval: 1 of 2 distinct approvals: 1 more approver needed (not the submitter).',
      );
    });
  });

  describe('permissive.yaml', () => {
    it('allows upstream Ray as it ships (unsigned, unhashed, an open cluster) with warnings', async () => {
      const { packages, report } = await scanLock(
        fixturePath('sbom', 'requirements', 'ray', 'requirements_compiled.txt'),
      );
      const upstream = toReleaseEvidence({
        release: { project: 'ray', version: '2.58.0', submittedBy: 'ci' },
        artifacts: [
          {
            kind: 'image',
            name: 'docker.io/rayproject/ray',
            digest: imageDigest,
            vulnerabilities: toVulnerabilityEvidence(await assess(packages)),
            attestations: [],
          },
        ],
        lockFiles: [toLockFileEvidence(report)],
        ray: toRayEvidence(await lintKubeRay(['kuberay/ray-cluster.sample.yaml'])),
      });
      const d = evaluate(policy('permissive'), upstream, { now: NOW });
      assert.equal(d.verdict, 'allow');
      assert.deepEqual(statuses(d), {
        'critical-fixable': 'pass',
        'high-vulnerabilities': 'warn',
        sbom: 'warn',
        signatures: 'warn',
        pins: 'warn',
        cooldown: 'pass',
        ray: 'warn',
      });
      assert.equal(d.summary, 'Allowed: 7 rules pass (5 with warnings).');
    });

    it('still denies a malicious package', async () => {
      const { packages } = await scanLock(RAY_LOCK);
      const malicious: OsvRecord = {
        id: 'MAL-2026-8888',
        modified: '2026-11-24T00:00:00Z',
        affected: [
          { package: { ecosystem: 'PyPI', name: packages[1]!.name }, versions: [packages[1]!.version!] },
        ],
      };
      const vulnerabilities = toVulnerabilityEvidence(await assess(packages, [malicious]));
      const d = evaluate(
        policy('permissive'),
        { ...base, artifacts: [{ ...base.artifacts[0]!, vulnerabilities }] },
        { now: NOW },
      );
      assert.equal(d.verdict, 'deny');
      assert.deepEqual(codes(d, 'critical-fixable'), ['VULN_MALICIOUS']);
    });
  });
});
