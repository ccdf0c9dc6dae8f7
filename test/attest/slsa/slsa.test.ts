import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { parseBundle } from '../../../src/attest/bundle.ts';
import { dsseEnvelopeToBundle } from '../../../src/attest/dsse-envelope.ts';
import type { Evidence } from '../../../src/attest/evidence/evidence.ts';
import type { EvidenceResult } from '../../../src/attest/evidence/evidence-result.ts';
import { trustInstance } from '../../../src/attest/evidence/trust.ts';
import { verifyEvidence } from '../../../src/attest/evidence/verify-evidence.ts';
import type { VerifyContext } from '../../../src/attest/evidence/verify-evidence.ts';
import type { SignerCertificate } from '../../../src/attest/fulcio-certificate.ts';
import { parsePublicKey } from '../../../src/attest/keys.ts';
import { deriveBuildLevel } from '../../../src/attest/slsa/build-level.ts';
import { parseSourceUri, readProvenance } from '../../../src/attest/slsa/provenance.ts';
import type { ProvenanceFacts } from '../../../src/attest/slsa/provenance.ts';
import { parseStatement } from '../../../src/attest/statement.ts';
import type { ArtifactInput } from '../../../src/attest/statement.ts';
import {
  checkProvenance,
  checkVsa,
  EMPTY_RULES,
  parseVerifyPolicy,
  rulesFor,
} from '../../../src/attest/verify-policy.ts';
import type { VerifyRules } from '../../../src/attest/verify-policy.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { runCli } from '../../support/run-cli.ts';
import { fixture, PUBLIC_GOOD, readFixture, readJson, trustedRoot } from '../fixtures.ts';

const publicGood = trustInstance('public-good', trustedRoot(PUBLIC_GOOD));
const context = (rules: Partial<VerifyRules> = {}, extra: Partial<VerifyContext> = {}): VerifyContext => ({
  instances: [publicGood],
  keys: [],
  identities: [],
  rules: { ...EMPTY_RULES, ...rules },
  ...extra,
});
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function bundleEvidence(bundleJson: unknown, artifact: ArtifactInput, id = 'e'): Evidence {
  const base = {
    id,
    origin: { kind: 'file' as const, path: id },
    format: 'sigstore-bundle' as const,
    subjectSha256: artifact.kind === 'digest' ? artifact.hex : sha256(Buffer.from(artifact.bytes)),
  };
  try {
    return {
      ...base,
      content: { kind: 'bundle', bundle: parseBundle(JSON.stringify(bundleJson)), artifact },
    };
  } catch (error) {
    const e = error as { code: string; message: string };
    return { ...base, content: { kind: 'malformed', code: e.code, message: e.message } };
  }
}

/** The statement inside a bundle or envelope fixture, as the parsers see it. */
function statementOf(json: { dsseEnvelope?: { payload: string }; payload?: string }) {
  const payload = json.dsseEnvelope?.payload ?? json.payload!;
  return parseStatement(Buffer.from(payload, 'base64'));
}

// npm's registry answers /-/npm/v1/attestations/<pkg>@<version> with a publish attestation (signed by
// the registry's key) and an SLSA provenance (signed keylessly in the publishing workflow).
const NPM_KEYS = readJson('slsa/npm/npm-registry-keys.json') as {
  keys: { keyId: string; keyUsage: string; publicKey: { rawBytes: string } }[];
};
const npmKey = createPublicKey({
  key: Buffer.from(
    NPM_KEYS.keys.find((k) => k.keyUsage === 'npm:attestations' && k.keyId.startsWith('SHA256:jl3bws'))!
      .publicKey.rawBytes,
    'base64',
  ),
  format: 'der',
  type: 'spki',
});

function npmResults(name: string, variant = ''): Record<string, EvidenceResult> {
  const response = readJson(`slsa/npm/${name}${variant}.tgz.json`) as {
    attestations: { predicateType: string; bundle: unknown }[];
  };
  const tarball: ArtifactInput = { kind: 'bytes', bytes: readFixture(`slsa/npm/${name}.tgz`) };
  const out: Record<string, EvidenceResult> = {};
  for (const a of response.attestations) {
    const result = verifyEvidence(
      bundleEvidence(a.bundle, tarball, a.predicateType),
      context({}, { keys: [npmKey] }),
    );
    out[a.predicateType.startsWith('https://slsa.dev/provenance/') ? 'provenance' : 'publish'] = result;
  }
  return out;
}

describe('SLSA provenance', () => {
  describe('when reading v1 and v0.2 predicates', () => {
    it('reads a v1 predicate from GitHub Actions (workflow, resolved dependencies)', () => {
      const statement = statementOf(readJson('slsa/bcr/MODULE.bazel.intoto.jsonl'));
      const facts = readProvenance(statement.predicateType, statement.predicate)!;
      assert.deepEqual(facts, {
        version: 'v1',
        builderId:
          'https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1',
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        sourceRepository: 'https://github.com/aspect-build/rules_lint',
        sourceRef: 'refs/heads/publish-to-bcr',
        sourceDigest: '8f70009fde0c94ade6ce2a054b94718c819126ec',
        entryPoint: '.github/workflows/release.yml',
        invocationId: 'https://github.com/aspect-build/rules_lint/actions/runs/14095611671/attempts/1',
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/aspect-build/rules_lint@refs/heads/publish-to-bcr',
            digest: { gitCommit: '8f70009fde0c94ade6ce2a054b94718c819126ec' },
          },
        ],
      });
    });

    it('reads a v0.2 predicate (builder, invocation.configSource, materials)', () => {
      const response = readJson('slsa/npm/supreme-googles-cli-v02-tag.tgz.json') as {
        attestations: { bundle: { dsseEnvelope: { payload: string } } }[];
      };
      const statement = statementOf(response.attestations[1]!.bundle);
      const facts = readProvenance(statement.predicateType, statement.predicate)!;
      assert.equal(facts.version, 'v0.2');
      assert.equal(facts.builderId, 'https://github.com/actions/runner');
      assert.equal(facts.buildType, 'https://github.com/npm/cli/gha/v2');
      assert.equal(facts.sourceRepository, 'https://github.com/trishankatdatadog/supreme-goggles');
      assert.equal(facts.sourceRef, 'refs/tags/v1.0.5');
      assert.equal(facts.sourceDigest, '38ebf99444e033b2f1550c9aaaeacd62d02a12ba');
      assert.equal(facts.entryPoint, '.github/workflows/npm-publish.yml');
      assert.equal(facts.invocationId, '4994975790-1');
    });

    it('reads the delegator (BYOB) v1 predicate, whose source is not a workflow parameter', () => {
      const statement = statementOf(
        readJson('slsa/delegator/binary-linux-amd64-workflow_dispatch.build.slsa'),
      );
      const facts = readProvenance(statement.predicateType, statement.predicate)!;
      assert.equal(
        facts.buildType,
        'https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0',
      );
      assert.equal(
        facts.builderId,
        'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0',
      );
    });

    it('ignores fields of the wrong type rather than coercing them, and refuses other predicate types', () => {
      const facts = readProvenance('https://slsa.dev/provenance/v1', {
        buildDefinition: { buildType: 7, externalParameters: { workflow: { repository: ['x'] } } },
        runDetails: { builder: { id: { nested: true } } },
      })!;
      assert.deepEqual(facts, { version: 'v1', resolvedDependencies: [] });
      assert.equal(readProvenance('https://cyclonedx.org/bom', {}), undefined);
    });

    it('splits source URIs as builders write them', () => {
      assert.deepEqual(parseSourceUri('git+https://github.com/o/r@refs/tags/v1'), {
        repository: 'https://github.com/o/r',
        ref: 'refs/tags/v1',
      });
      assert.deepEqual(parseSourceUri(`https://github.com/o/r.git#${'a'.repeat(40)}`), {
        repository: 'https://github.com/o/r',
        digest: 'a'.repeat(40),
      });
      assert.deepEqual(parseSourceUri('git+ssh://git@github.com/o/r'), {
        repository: 'ssh://git@github.com/o/r',
      });
    });
  });

  describe('when checking provenance against a policy', () => {
    const facts: ProvenanceFacts = {
      version: 'v1',
      builderId:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0',
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/acme/ray-images',
      sourceRef: 'refs/tags/v2.58.0',
      resolvedDependencies: [],
    };
    const rules = (r: Partial<VerifyRules>) => ({ ...EMPTY_RULES, ...r });

    it('accepts what the policy allows (globs: * within a segment, ** across)', () => {
      assert.deepEqual(
        checkProvenance(
          facts,
          rules({
            builders: [
              'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v2.*',
            ],
            buildTypes: ['https://actions.github.io/buildtypes/**'],
            sourceRepositories: ['https://github.com/acme/*.git'],
            sourceRefs: ['refs/tags/v*'],
          }),
        ),
        [],
      );
    });

    it('objects to another builder, build type, source repository or ref, and to missing ones', () => {
      assert.deepEqual(
        checkProvenance(
          facts,
          rules({
            builders: [
              'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v1.*',
            ],
            buildTypes: ['https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1'],
            sourceRepositories: ['https://github.com/acme/other'],
            sourceRefs: ['refs/heads/main'],
          }),
        ),
        [
          `builder ${facts.builderId} is not in the allowed builders`,
          `build type ${facts.buildType} is not allowed`,
          'source repository https://github.com/acme/ray-images is not allowed',
          'source ref refs/tags/v2.58.0 is not allowed',
        ],
      );
      assert.deepEqual(
        checkProvenance(
          { version: 'v0.2', resolvedDependencies: [] },
          rules({ builders: ['*'], sourceRefs: ['*'] }),
        ),
        ['builder (none) is not in the allowed builders', 'source ref (none) is not allowed'],
      );
    });

    it('rejects a verified provenance the policy objects to, and fails one about another artifact', () => {
      const bundle = readJson('slsa/bcr/MODULE.bazel.intoto.jsonl');
      const module: ArtifactInput = { kind: 'bytes', bytes: readFixture('slsa/bcr/MODULE.bazel') };
      const signer = {
        github: { signerWorkflow: 'bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml' },
      };
      const rejected = verifyEvidence(
        bundleEvidence(bundle, module),
        context({ sourceRefs: ['refs/tags/*'] }, { identities: [signer] }),
      );
      assert.equal(rejected.status, 'rejected');
      assert.equal(rejected.error?.code, 'POLICY_REJECTED');
      assert.match(rejected.error!.message, /source ref refs\/heads\/publish-to-bcr is not allowed/);
      const other = verifyEvidence(
        bundleEvidence(bundle, { kind: 'bytes', bytes: Buffer.from('another MODULE.bazel') }),
        context({}, { identities: [signer] }),
      );
      assert.equal(other.status, 'failed');
      assert.equal(other.error?.code, 'BUNDLE_SUBJECT_MISMATCH');
    });
  });

  describe('when deriving the SLSA build level', () => {
    const provenance: ProvenanceFacts = {
      version: 'v1',
      builderId: 'https://github.com/actions/runner/github-hosted',
      resolvedDependencies: [],
    };
    const signer = (
      issuer: string,
      extensions: SignerCertificate['extensions'],
      identity = 'x',
    ): SignerCertificate => ({
      identities: [identity],
      issuer,
      extensions,
      serialNumber: '1',
      notBefore: new Date(0),
      notAfter: new Date(0),
    });
    const GH = 'https://token.actions.githubusercontent.com';

    it('gives L0 without provenance, L1 for unsigned, personal, Google-personal or self-hosted signing', () => {
      assert.equal(deriveBuildLevel(undefined, undefined).level, 0);
      assert.equal(deriveBuildLevel(provenance, undefined).level, 1);
      assert.equal(deriveBuildLevel(provenance, signer('https://github.com/login/oauth', {})).level, 1);
      assert.equal(
        deriveBuildLevel(provenance, signer('https://accounts.google.com', {}, 'me@gmail.com')).level,
        1,
      );
      assert.equal(
        deriveBuildLevel(
          provenance,
          signer('https://accounts.google.com', {}, 'build@p.iam.gserviceaccount.com'),
        ).level,
        2,
      );
      const selfHosted = deriveBuildLevel(provenance, signer(GH, { runnerEnvironment: 'self-hosted' }));
      assert.equal(selfHosted.level, 1);
      assert.match(selfHosted.why, /self-hosted runner/);
    });

    it('gives L2 for a hosted workflow signing its own provenance, L3 only for an isolated builder naming itself', () => {
      const own = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1';
      assert.equal(
        deriveBuildLevel(
          provenance,
          signer(GH, { runnerEnvironment: 'github-hosted', buildSignerURI: own, buildConfigURI: own }),
        ).level,
        2,
      );
      const generator =
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0';
      const isolated = signer(GH, {
        runnerEnvironment: 'github-hosted',
        buildSignerURI: generator,
        buildConfigURI: own,
      });
      assert.equal(deriveBuildLevel({ ...provenance, builderId: generator }, isolated).level, 3);
      const mislabelled = deriveBuildLevel(
        { ...provenance, builderId: 'https://example.com/builder' },
        isolated,
      );
      assert.equal(mislabelled.level, 2);
      assert.match(mislabelled.why, /names builder https:\/\/example\.com\/builder/);
      const untagged = generator.replace('@refs/tags/v2.1.0', '@refs/heads/main');
      assert.equal(
        deriveBuildLevel(
          { ...provenance, builderId: untagged },
          signer(GH, { runnerEnvironment: 'github-hosted', buildSignerURI: untagged, buildConfigURI: own }),
        ).level,
        2,
        'a generator workflow at a branch is not a trusted release of it',
      );
    });

    it('derives the levels of real provenance: L2 (a hosted workflow), L3 (slsa-github-generator delegator)', () => {
      const npm = npmResults('gundam-visor-cli-v1-tag').provenance!;
      assert.equal(npm.slsaLevel?.level, 2);
      assert.match(npm.slsaLevel!.why, /from the build's own workflow/);
      const delegated = verifyEvidence(
        bundleEvidence(readJson('slsa/delegator/binary-linux-amd64-workflow_dispatch.build.slsa'), {
          kind: 'bytes',
          bytes: readFixture('slsa/delegator/binary-linux-amd64-workflow_dispatch'),
        }),
        context({}, { identities: [{ github: { repository: 'slsa-framework/example-package' } }] }),
      );
      assert.equal(delegated.status, 'verified', JSON.stringify(delegated.error));
      assert.equal(delegated.slsaLevel?.level, 3);
      assert.match(delegated.slsaLevel!.why, /delegator_generic_slsa3\.yml.*example-trw/);
    });
  });

  describe("when verifying npm's registry attestations (real responses, sha512 subjects)", () => {
    for (const name of ['gundam-visor-cli-v1-tag', 'provenance-npm-test-cli-v1-prega']) {
      it(`${name}: both verify; a broken provenance or publish signature fails only that one`, () => {
        const good = npmResults(name);
        assert.equal(good.publish!.status, 'verified', JSON.stringify(good.publish!.error));
        assert.equal(good.provenance!.kind, 'provenance');
        assert.equal(good.provenance!.status, 'rejected', 'verified, but no expected signer was named');
        assert.equal(good.provenance!.slsaLevel?.level, 2);
        const badProvenance = npmResults(name, '-invalidsigprov');
        assert.equal(badProvenance.provenance!.status, 'failed');
        assert.equal(badProvenance.provenance!.error?.code, 'BUNDLE_SIGNATURE_INVALID');
        assert.equal(badProvenance.publish!.status, 'verified');
        const badPublish = npmResults(name, '-invalidsigpub');
        assert.equal(badPublish.publish!.status, 'failed');
        assert.equal(badPublish.publish!.error?.code, 'BUNDLE_SIGNATURE_INVALID');
        assert.equal(badPublish.provenance!.status, 'rejected');
      });
    }

    for (const name of ['supreme-googles-cli-v02-tag', 'provenance-npm-test-ossf']) {
      it(`${name}: the v0.1 provenance bundle carries its CA root and is refused; the publish attestation verifies`, () => {
        const results = npmResults(name);
        assert.equal(results.publish!.status, 'verified', JSON.stringify(results.publish!.error));
        assert.equal(results.provenance!.status, 'malformed');
        assert.equal(results.provenance!.error?.code, 'BUNDLE_CERTIFICATE_INVALID');
        assert.equal(npmResults(name, '-invalidsigpub').publish!.error?.code, 'BUNDLE_SIGNATURE_INVALID');
      });
    }

    it('refuses the key-signed publish attestation without the registry key, and with another key', () => {
      const response = readJson('slsa/npm/gundam-visor-cli-v1-tag.tgz.json') as {
        attestations: { bundle: unknown }[];
      };
      const tarball: ArtifactInput = {
        kind: 'bytes',
        bytes: readFixture('slsa/npm/gundam-visor-cli-v1-tag.tgz'),
      };
      const noKey = verifyEvidence(bundleEvidence(response.attestations[0]!.bundle, tarball), context());
      assert.equal(noKey.error?.code, 'BUNDLE_KEY_MISMATCH');
      const other = parsePublicKey(
        readFixture('slsa/vsa/vsa_signing_public_key.pem').toString('utf8'),
        'vsa key',
      );
      const wrongKey = verifyEvidence(
        bundleEvidence(response.attestations[0]!.bundle, tarball),
        context({}, { keys: [other] }),
      );
      assert.equal(wrongKey.status, 'failed');
    });
  });

  describe('when the signer is checked (Bazel Central Registry provenance)', () => {
    const module: ArtifactInput = { kind: 'bytes', bytes: readFixture('slsa/bcr/MODULE.bazel') };
    const publishToBcr = {
      github: { signerWorkflow: 'bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml' },
    };

    it('accepts the publish-to-bcr workflow and rejects the same statement signed by another workflow', () => {
      const right = verifyEvidence(
        bundleEvidence(readJson('slsa/bcr/MODULE.bazel.intoto.jsonl'), module),
        context({}, { identities: [publishToBcr] }),
      );
      assert.equal(right.status, 'verified', JSON.stringify(right.error));
      assert.equal(right.slsaLevel?.level, 2);
      const wrong = verifyEvidence(
        bundleEvidence(readJson('slsa/bcr/MODULE-wrong-signer.bazel.intoto.jsonl'), module),
        context({}, { identities: [publishToBcr] }),
      );
      assert.equal(wrong.status, 'rejected');
      assert.equal(wrong.error?.code, 'BUNDLE_IDENTITY_MISMATCH');
      assert.match(wrong.error!.message, /malicious_attestation\.yaml/);
    });

    it('does the same through the CLI: exit 0 for the right signer, 1 for the wrong one', async () => {
      const args = (bundle: string) => [
        'verify',
        fixture('slsa/bcr/MODULE.bazel'),
        '--bundle',
        fixture(`slsa/bcr/${bundle}`),
        '--github-signer-workflow',
        'bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml',
        '--trusted-root',
        fixture(PUBLIC_GOOD),
        '--require',
        'provenance',
      ];
      const right = await runCli(args('MODULE.bazel.intoto.jsonl'));
      assert.equal(right.code, 0, right.stdout + right.stderr);
      assert.match(
        right.stdout,
        /provenance\s+verified.*aspect-build\/rules_lint@refs\/heads\/publish-to-bcr/,
      );
      const wrong = await runCli(args('MODULE-wrong-signer.bazel.intoto.jsonl'));
      assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
      assert.match(wrong.stdout, /BUNDLE_IDENTITY_MISMATCH/);
    });
  });

  describe('when the evidence is a verification summary (SLSA VSA v1)', () => {
    const envelope = readJson('slsa/vsa/gke-gce-pre.bcid-vsa.jsonl');
    const key = parsePublicKey(
      readFixture('slsa/vsa/vsa_signing_public_key.pem').toString('utf8'),
      'vsa key',
    );
    const image: ArtifactInput = { kind: 'digest', algorithm: 'gce_image_id', hex: '8970095005306000053' };
    const vsaEvidence = (artifact = image): Evidence => ({
      id: 'vsa',
      origin: { kind: 'file', path: 'vsa' },
      format: 'dsse-envelope',
      subjectSha256: '',
      content: { kind: 'bundle', bundle: dsseEnvelopeToBundle(envelope), artifact },
    });
    const googleVsa = {
      verifiers: ['https://bcid.corp.google.com/verifier/bcid_package_enforcer/*'],
      resourceUris: ['gce_image://gke-node-images:*'],
      policies: ['googlefile:/google_src/files/*/depot/google3/production/security/bcid/**'],
      levels: ['SLSA_BUILD_LEVEL_2'],
      policyDigests: [] as string[],
    };

    it("verifies with the verifier's key and reads what it says", () => {
      const result = verifyEvidence(vsaEvidence(), context({}, { keys: [key] }));
      assert.equal(result.status, 'verified', JSON.stringify(result.error));
      assert.equal(result.kind, 'vsa');
      assert.equal(result.predicateType, 'https://slsa.dev/verification_summary/v1');
      assert.deepEqual(result.vsa, {
        verifierId: 'https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1',
        timeVerified: '2024-06-12T07:24:34.351608Z',
        resourceUri: 'gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre',
        policyUri:
          'googlefile:/google_src/files/642513192/depot/google3/production/security/bcid/software/gce_image/gke/vm_images.sw_policy.textproto',
        result: 'PASSED',
        verifiedLevels: ['BCID_L1', 'SLSA_BUILD_LEVEL_2'],
      });
      assert.equal(result.slsaLevel, undefined, 'no trusted verifier named: the summary vouches for nothing');
    });

    it('counts its SLSA level only for a verifier the policy trusts, and rejects what the policy does not allow', () => {
      const trusted = verifyEvidence(vsaEvidence(), context({ vsa: googleVsa }, { keys: [key] }));
      assert.equal(trusted.status, 'verified', JSON.stringify(trusted.objections));
      assert.equal(trusted.slsaLevel?.level, 2);
      const other = verifyEvidence(
        vsaEvidence(),
        context(
          {
            vsa: {
              ...googleVsa,
              resourceUris: ['gce_image://other-images:*'],
              levels: ['SLSA_BUILD_LEVEL_3'],
            },
          },
          { keys: [key] },
        ),
      );
      assert.equal(other.status, 'rejected');
      assert.deepEqual(other.objections, [
        'resource gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre is not allowed',
        'the summary does not list the level(s) SLSA_BUILD_LEVEL_3',
      ]);
      assert.deepEqual(
        checkVsa({ result: 'FAILED', verifiedLevels: [], verifierId: 'v' }, { ...googleVsa, levels: [] }),
        [
          "the verification summary's result is FAILED, not PASSED",
          'verifier v is not allowed',
          'resource (none) is not allowed',
          'verification policy (none) is not allowed',
        ],
      );
    });

    it('fails for another key, another subject, or a changed payload', () => {
      const otherKey = createPublicKey({
        key: readFixture('sigstore-go/public-key-validity.pem'),
        format: 'pem',
      });
      assert.equal(
        verifyEvidence(vsaEvidence(), context({}, { keys: [otherKey] })).error?.code,
        'BUNDLE_SIGNATURE_INVALID',
      );
      const otherImage = verifyEvidence(
        vsaEvidence({ kind: 'digest', algorithm: 'gce_image_id', hex: '1' }),
        context({}, { keys: [key] }),
      );
      assert.equal(otherImage.error?.code, 'BUNDLE_SUBJECT_MISMATCH');
      const bySha256 = verifyEvidence(
        vsaEvidence({ kind: 'digest', algorithm: 'sha256', hex: '8970095005306000053' }),
        context({}, { keys: [key] }),
      );
      assert.equal(
        bySha256.error?.code,
        'BUNDLE_SUBJECT_MISMATCH',
        'a digest is compared only under its own name',
      );
      const payload = JSON.parse(Buffer.from(envelope.payload as string, 'base64').toString('utf8')) as {
        predicate: { verificationResult: string };
      };
      payload.predicate.verificationResult = 'FAILED';
      const forged = { ...envelope, payload: Buffer.from(JSON.stringify(payload)).toString('base64') };
      const result = verifyEvidence(
        {
          ...vsaEvidence(),
          content: { kind: 'bundle', bundle: dsseEnvelopeToBundle(forged), artifact: image },
        },
        context({}, { keys: [key] }),
      );
      assert.equal(result.error?.code, 'BUNDLE_SIGNATURE_INVALID');
    });

    it('refuses envelopes it cannot verify offline', async () => {
      await assertRejectsWithCode(
        () =>
          dsseEnvelopeToBundle({
            ...envelope,
            signatures: [...(envelope.signatures as unknown[]), ...(envelope.signatures as unknown[])],
          }),
        'DSSE_ENVELOPE_UNSUPPORTED',
      );
      await assertRejectsWithCode(
        () =>
          dsseEnvelopeToBundle({
            ...envelope,
            signatures: [{ sig: 'AAAA', cert: '-----BEGIN CERTIFICATE-----' }],
          }),
        'DSSE_ENVELOPE_UNSUPPORTED',
      );
      await assertRejectsWithCode(
        () => dsseEnvelopeToBundle({ payloadType: 'x', payload: '', signatures: [] }),
        'DSSE_ENVELOPE_MALFORMED',
      );
    });
  });

  describe('when a verify policy is parsed', () => {
    it('reads defaults, per-artifact overrides and the vsa section', () => {
      const policy = parseVerifyPolicy({
        version: 1,
        require: ['provenance'],
        identities: [
          { github: { repository: 'acme/ray-images', workflow: '.github/workflows/release.yml' } },
        ],
        minSlsaLevel: 2,
        vsa: { verifiers: ['https://verifier.acme.example/*'] },
        artifacts: { wheel: { require: ['publish'], minSlsaLevel: 0 } },
      });
      assert.deepEqual(rulesFor(policy, 'image').require, ['provenance']);
      assert.deepEqual(rulesFor(policy, 'wheel').require, ['publish']);
      assert.equal(rulesFor(policy, 'wheel').minSlsaLevel, 0);
      assert.equal(rulesFor(policy, 'image').minSlsaLevel, 2);
      assert.deepEqual(rulesFor(policy, 'image').vsa, {
        verifiers: ['https://verifier.acme.example/*'],
        resourceUris: [],
        policies: [],
        levels: [],
        policyDigests: [],
      });
    });

    for (const [why, document, message] of [
      ['not a mapping', [], /must be a mapping/],
      ['another version', { version: 2 }, /version must be 1/],
      ['an unknown field', { version: 1, requires: [] }, /unknown field requires/],
      ['an unknown evidence kind', { version: 1, require: ['blessing'] }, /"blessing" is not one of/],
      [
        'an identity that names nobody',
        { version: 1, identities: [{ issuer: 'https://x' }] },
        /names nobody/,
      ],
      [
        'an identity without an issuer',
        { version: 1, identities: [{ identity: 'me@x' }] },
        /needs an issuer/,
      ],
      [
        'both exact and pattern',
        { version: 1, identities: [{ identity: 'a', identityRegexp: 'b', issuer: 'i' }] },
        /not both/,
      ],
      [
        'a bad regular expression',
        { version: 1, identities: [{ identityRegexp: '(', issuer: 'i' }] },
        /not a regular expression/,
      ],
      [
        'an unknown github field',
        { version: 1, identities: [{ github: { repo: 'a/b' } }] },
        /unknown field repo/,
      ],
      ['a level out of range', { version: 1, minSlsaLevel: 4 }, /minSlsaLevel must be 0, 1, 2 or 3/],
      ['an unknown source field', { version: 1, source: { branches: [] } }, /unknown field branches/],
      ['an unknown vsa field', { version: 1, vsa: { verifier: 'x' } }, /vsa has an unknown field verifier/],
      [
        'an unknown artifact kind',
        { version: 1, artifacts: { container: {} } },
        /artifacts\.container is not one of/,
      ],
      ['an empty builder', { version: 1, builders: [''] }, /builders must be a list of non-empty strings/],
    ] as const) {
      it(`refuses ${why}`, async () => {
        const error = await assertRejectsWithCode(() => parseVerifyPolicy(document), 'VERIFY_POLICY_INVALID');
        assert.match(error.message, message);
      });
    }
  });
});
