import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { toAdvisorySnapshot, toTrustedRootSnapshot } from '../../src/policy/adapters/snapshots.ts';
import { toDependencyEvidence, toLockFileEvidence, uploadKey } from '../../src/policy/adapters/pins.ts';
import { toRayEvidence } from '../../src/policy/adapters/ray.ts';
import { toReleaseEvidence } from '../../src/policy/adapters/release.ts';
import { toSbomEvidence } from '../../src/policy/adapters/sbom.ts';
import { readSlsaProvenance } from '../../src/policy/adapters/slsa-provenance.ts';
import { toVulnerabilityEvidence } from '../../src/policy/adapters/vulnerabilities.ts';
import { parseEvidenceRecord } from '../../src/policy/evidence-parse.ts';
import { parseTrustedRoot } from '../../src/attest/trusted-root.ts';
import { fixturePath } from '../support/fixture-path.ts';
import { assess, lintKubeRay, NOW, RAY_LOCK, scanLock, verifiedEvidence } from './engines.ts';
import { decide, evidenceOf, image, policyOf, reasonLines, ruleOf } from './support.ts';

const attest = (...parts: string[]) => fixturePath('attest', ...parts);
const bytes = (file: string) => readFileSync(file);

describe('adapters', () => {
  describe('toVulnerabilityEvidence over assessPackages on real OSV records', () => {
    it("keeps ids, aliases, severity, score, fix and package of Ray's pinned dependencies", async () => {
      const { packages } = await scanLock(
        fixturePath('sbom', 'requirements', 'ray', 'requirements_compiled.txt'),
      );
      const evidence = toVulnerabilityEvidence(await assess(packages));
      assert.equal(evidence.findings.length, 7);
      const gradio = evidence.findings.find((f) => f.id === 'CVE-2023-6572')!;
      assert.deepEqual(
        { ...gradio, modified: undefined, published: undefined, summary: undefined },
        {
          id: 'CVE-2023-6572',
          advisories: ['PYSEC-2023-255'],
          aliases: ['CVE-2023-6572'],
          package: {
            ecosystem: 'pypi',
            name: 'gradio',
            version: '3.50.2',
            purl: 'pkg:pypi/gradio@3.50.2',
            locations: ['/requirements_compiled.txt'],
          },
          severity: 'high',
          score: 8.1,
          vector: gradio.vector,
          malicious: false,
          fixedIn: '4.14.0',
          modified: undefined,
          published: undefined,
          summary: undefined,
        },
      );
      assert.deepEqual(evidence.source, {
        kind: 'mirror',
        location: 'test/fixtures/advisories/osv',
        generation: 'g000001',
      });

      // The policy then names the exact advisory and package.
      const d = decide(
        policyOf(
          '  - {id: v, check: vulnerabilities, severity: high, fix: available, unknownSeverity: ignore}',
        ),
        evidenceOf({ artifacts: [image({ vulnerabilities: evidence })] }),
      );
      assert.deepEqual(
        reasonLines(d, 'v', ['fail']).map((l) => l.split(' of image')[0]),
        [
          'fail VULN_SEVERITY: CVE-2024-6221 in pkg:pypi/flask-cors@4.0.0',
          'fail VULN_SEVERITY: CVE-2023-51449 in pkg:pypi/gradio@3.50.2',
          'fail VULN_SEVERITY: CVE-2023-6572 in pkg:pypi/gradio@3.50.2',
        ],
      );
      assert.deepEqual(
        reasonLines(d, 'v', ['info']).map((l) => l.split(' of image')[0]),
        ['info VULN_NO_FIX: CVE-2023-39631 in pkg:pypi/numexpr@2.8.4'],
      );
    });
  });

  describe('toLockFileEvidence and toDependencyEvidence over analyzePins on a Ray lock file', () => {
    it('keeps every requirement with its pin, hashes and location, and the pin findings', async () => {
      const { report } = await scanLock(RAY_LOCK);
      const lock = toLockFileEvidence(report, { path: 'docker/requirements_compiled_ray_img_3.9.txt' });
      assert.equal(lock.path, 'docker/requirements_compiled_ray_img_3.9.txt');
      assert.equal(lock.hashCoverage, 'all');
      assert.equal(lock.requirements.length, 18);
      assert.ok(lock.requirements.every((r) => r.pin === 'exact' && r.hashes > 0 && r.hashable && r.version));
      assert.deepEqual(
        lock.findings.map((f) => `${f.ruleId} ${f.severity} ${f.subject}`),
        ['PIN-101 medium https://download.pytorch.org/whl/cpu'],
      );

      const first = lock.requirements[0]!;
      const uploads = new Map([
        [
          uploadKey(first.name, first.version!),
          { uploadedAt: '2026-11-20T08:00:00Z', index: 'https://pypi.org' },
        ],
      ]);
      const deps = toDependencyEvidence([lock, lock], uploads);
      assert.equal(deps.length, 18);
      const known = deps.find((d) => d.name === first.name)!;
      assert.deepEqual(known, {
        ecosystem: 'pypi',
        name: first.name,
        version: first.version,
        lockFiles: ['docker/requirements_compiled_ray_img_3.9.txt'],
        uploadedAt: '2026-11-20T08:00:00Z',
        index: 'https://pypi.org',
      });
      assert.equal(deps.filter((d) => d.unknownReason === 'the index was not asked').length, 17);

      const d = decide(
        policyOf(
          '  - {id: p, check: pins, exact: true, hashes: true, findings: {severity: medium}}\n  - {id: c, check: cooldown, days: 7, unknown: ignore}',
        ),
        evidenceOf({ lockFiles: [lock], dependencies: deps }),
      );
      assert.equal(reasonLines(d, 'p').length, 1);
      assert.match(
        reasonLines(d, 'p')[0]!,
        /^fail PINS_FINDING: PIN-101 extra-index-url \[medium\] \(\/requirements_compiled_ray_img_3\.9\.txt:\d+\): --extra-index-url https:\/\/download\.pytorch\.org\/whl\/cpu /,
      );
      assert.match(
        reasonLines(d, 'c')[0]!,
        new RegExp(
          `^fail COOLDOWN: pypi/${first.name}@${first.version} was uploaded 2026-11-20T08:00:00.000Z to https://pypi.org, 5.2 days before the decision`,
        ),
      );
    });
  });

  describe('toRayEvidence over lintRay on KubeRay samples', () => {
    it('keeps rule ids, severities, places and verdicts', async () => {
      const ray = toRayEvidence(await lintKubeRay(['kuberay/ray-cluster.sample.yaml']));
      assert.equal(ray.rules.length, 20);
      const auth = ray.findings.find((f) => f.ruleId === 'RAY-AUTH-002')!;
      assert.equal(auth.severity, 'critical');
      assert.equal(auth.file, 'kuberay/ray-cluster.sample.yaml');
      assert.equal(auth.cluster, 'RayCluster raycluster-kuberay');
      assert.deepEqual(
        ray.verdicts.map((v) => `${v.vulnerability} ${v.status}`),
        ['CVE-2023-48022 affected', 'CVE-2025-34351 affected'],
      );
      const d = decide(
        policyOf('  - {id: r, check: ray, severity: critical, affectedAdvisories: true}'),
        evidenceOf({ ray }),
      );
      assert.deepEqual(
        reasonLines(d, 'r').map((l) => l.split(':')[0]),
        ['fail RAY_ADVISORY_AFFECTED', 'fail RAY_ADVISORY_AFFECTED', 'fail RAY_FINDING'],
      );
      assert.match(
        reasonLines(d, 'r')[2]!,
        /^fail RAY_FINDING: RAY-AUTH-002 token-auth-disabled \[critical\] in RayCluster raycluster-kuberay \(kuberay\/ray-cluster\.sample\.yaml:\d+/,
      );
    });

    it('judges a hardened deployment not affected', async () => {
      const ray = toRayEvidence(await lintKubeRay(['cases/exposed.fixed.yaml']));
      assert.deepEqual(
        ray.verdicts.map((v) => v.status),
        ['not_affected', 'not_affected'],
      );
    });
  });

  describe('toAttestationEvidence over verifyBundle on real bundles', () => {
    it('reads the signer, the SLSA v1 build facts and level 2 of a GitHub artifact attestation', () => {
      const e = verifiedEvidence(
        attest('github', 'sigstore-js-2.1.0-bundle.json'),
        bytes(attest('github', 'sigstore-js-2.1.0.tgz')),
      );
      assert.equal(e.kind, 'slsa-provenance');
      assert.deepEqual(e.verification, { status: 'verified' });
      assert.deepEqual(e.signer?.san, [
        'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
      ]);
      assert.deepEqual(e.provenance, {
        builderId: 'https://github.com/actions/runner/github-hosted',
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        sourceRepository: 'https://github.com/sigstore/sigstore-js',
        sourceRef: 'refs/heads/main',
        sourceCommit: '26d16513386ffaa790b1c32f927544f1322e4194',
        slsaLevel: 2,
      });
      assert.deepEqual(e.signedAt, ['2023-08-29T15:40:23.000Z']);
    });

    it('gives level 3 to provenance signed by an isolated reusable builder', () => {
      const reusable = verifiedEvidence(
        attest('github', 'reusable-workflow-attestation.sigstore.json'),
        bytes(attest('github', 'reusable-workflow-artifact')),
      );
      assert.equal(reusable.provenance?.slsaLevel, 3);
      const delegator = verifiedEvidence(
        fixturePath('policy', 'slsa', 'binary-linux-amd64-push-v14.2.build.slsa'),
        bytes(fixturePath('policy', 'slsa', 'binary-linux-amd64-push-v14.2')),
      );
      assert.deepEqual(delegator.provenance, {
        builderId:
          'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0',
        buildType: 'https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0',
        sourceRepository: 'https://github.com/slsa-framework/example-package',
        sourceRef: 'refs/tags/v14.2',
        sourceCommit: '4d329c75e7ec1725f7c9ce917a8799d408d06be3',
        slsaLevel: 3,
      });
    });

    it('reads a PEP 740 publish attestation as its Trusted Publisher, and a message signature as a signature', () => {
      const pep740 = verifiedEvidence(
        attest('pep740', 'pypi_attestation_models-0.0.4a2.tar.gz.sigstore'),
        bytes(attest('pep740', 'pypi_attestation_models-0.0.4a2.tar.gz')),
        'pypi-integrity',
      );
      assert.equal(pep740.kind, 'pep740');
      assert.equal(
        pep740.provenance?.sourceRepository,
        'https://github.com/trailofbits/pypi-attestation-models',
      );
      assert.equal(pep740.provenance?.slsaLevel, 0);
      const signature = verifiedEvidence(
        attest('sigstore-python', 'bundle_v3_github.whl.sigstore'),
        bytes(attest('sigstore-python', 'bundle_v3_github.whl')),
      );
      assert.equal(signature.kind, 'signature');
      assert.equal(signature.provenance, undefined);
      assert.equal(signature.signer?.github?.repository, 'https://github.com/trailofbits/rfc8785.py');
    });

    it('records a failed verification with its code, and the policy names it', () => {
      const tampered = Buffer.from(bytes(attest('github', 'sigstore-js-2.1.0.tgz')));
      tampered[100] = tampered[100]! ^ 0xff;
      const e = verifiedEvidence(attest('github', 'sigstore-js-2.1.0-bundle.json'), tampered);
      assert.equal(e.verification.status, 'failed');
      assert.equal((e.verification as { code: string }).code, 'BUNDLE_SUBJECT_MISMATCH');
      assert.equal(e.signer, undefined);
      const d = decide(
        policyOf('  - {id: p, check: provenance, sourceRepositories: [sigstore/sigstore-js]}'),
        evidenceOf({ artifacts: [image({ attestations: [e] })] }),
      );
      assert.match(
        reasonLines(d, 'p')[0]!,
        /does not count: verification failed \(BUNDLE_SUBJECT_MISMATCH\): The artifact \(sha256 [0-9a-f]+\) is not a subject/,
      );
    });

    it('lets the policy judge the real signer identity', () => {
      const e = verifiedEvidence(
        attest('github', 'sigstore-js-2.1.0-bundle.json'),
        bytes(attest('github', 'sigstore-js-2.1.0.tgz')),
      );
      const evidence = evidenceOf({ artifacts: [image({ attestations: [e] })] });
      const rule = (repo: string, ref: string) =>
        policyOf(
          `  - {id: p, check: provenance, builders: ['https://github.com/actions/runner/*'], sourceRepositories: [${repo}], refs: ['${ref}'], minLevel: 2, signers: [{github: {repository: ${repo}, workflow: .github/workflows/release.yml}}]}`,
        );
      assert.equal(
        ruleOf(decide(rule('sigstore/sigstore-js', 'refs/heads/main'), evidence), 'p').status,
        'pass',
      );
      assert.equal(ruleOf(decide(rule('sigstore/sigstore-js', 'refs/tags/*'), evidence), 'p').status, 'fail');
      assert.equal(ruleOf(decide(rule('acme/sigstore-js', 'refs/heads/main'), evidence), 'p').status, 'fail');
    });
  });

  describe('readSlsaProvenance', () => {
    it('reads SLSA v0.2 from the config source', () => {
      assert.deepEqual(
        readSlsaProvenance('https://slsa.dev/provenance/v0.2', {
          builder: {
            id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0',
          },
          buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
          invocation: {
            configSource: {
              uri: 'git+https://github.com/slsa-framework/example-package@refs/heads/main',
              digest: { sha1: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' },
              entryPoint: '.github/workflows/e2e.generic.yml',
            },
          },
        }),
        {
          builderId:
            'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0',
          buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
          sourceRepository: 'https://github.com/slsa-framework/example-package',
          sourceRef: 'refs/heads/main',
          sourceCommit: 'abcdef0123456789abcdef0123456789abcdef01',
        },
      );
      assert.equal(readSlsaProvenance('https://in-toto.io/attestation/release/v0.1', {}), undefined);
    });
  });

  describe('toSbomEvidence, snapshots and toReleaseEvidence', () => {
    it('assemble evidence that passes the evidence schema', async () => {
      const { packages, report } = await scanLock(RAY_LOCK);
      const root = parseTrustedRoot(
        JSON.parse(readFileSync(attest('trust', 'trusted_root.public-good.json'), 'utf8')),
      );
      const assessment = await assess(packages);
      const evidence = toReleaseEvidence({
        release: { project: 'acme-ray', version: '2.58.0', submittedBy: 'ci' },
        artifacts: [
          {
            kind: 'image',
            name: 'ghcr.io/acme/ray-ml',
            digest: `sha256:${createHash('sha256').update('manifest').digest('hex')}`,
            sbom: toSbomEvidence(packages, { origin: 'generated', format: 'cyclonedx-json' }),
            vulnerabilities: toVulnerabilityEvidence(assessment),
            attestations: [],
          },
        ],
        lockFiles: [toLockFileEvidence(report)],
        ray: toRayEvidence(await lintKubeRay(['cases/exposed.fixed.yaml'])),
        snapshots: {
          advisories: toAdvisorySnapshot(assessment.source),
          trustedRoot: toTrustedRootSnapshot(root, { kind: 'file', path: 'trusted_root.json' }),
        },
      });
      assert.deepEqual(parseEvidenceRecord(JSON.parse(JSON.stringify(evidence)), 'x').evidence, evidence);
      assert.equal(evidence.artifacts[0]!.sbom!.packages.length, 18);
      assert.match(evidence.snapshots.advisories!.digest!, /^sha256:[0-9a-f]{64}$/);
      assert.equal(evidence.snapshots.trustedRoot!.source, 'file trusted_root.json');
      // The trusted root's digest depends on its content only.
      assert.equal(
        toTrustedRootSnapshot(root, { kind: 'file', path: 'a' }).digest,
        toTrustedRootSnapshot(
          parseTrustedRoot(
            JSON.parse(readFileSync(attest('trust', 'trusted_root.public-good.json'), 'utf8')),
          ),
          {
            kind: 'tuf',
            mirror: 'https://tuf-repo-cdn.sigstore.dev',
            via: 'cache',
          },
        ).digest,
      );
      assert.equal(
        toAdvisorySnapshot({ kind: 'online', location: 'https://api.osv.dev' })!.digest,
        undefined,
      );
      void NOW;
    });
  });
});
