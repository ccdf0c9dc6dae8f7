import assert from 'node:assert/strict';
import {
  attestation,
  decide,
  evidenceOf,
  githubSigner,
  image,
  policyOf,
  reasonLines,
  ruleOf,
  wheel,
} from '../support.ts';

const IMG = 'image ghcr.io/acme/ray-ml (sha256:a1a1a1a1a1a1…)';
const SIG = 'signature from oci-referrers (sha256:cdcdcdcdcdcd…)';
const SIGNED_BY =
  '"https://github.com/acme/ray-images/.github/workflows/release.yml@refs/tags/v2.58.0" (issuer https://token.actions.githubusercontent.com)';

const signatures = (identity: string, extra = '') => `  - id: s
    check: signatures
    artifacts: {kinds: [image]}${extra}
    identities:
      - ${identity}`;

describe('signatures rule', () => {
  describe('when a verified signature from an accepted identity exists', () => {
    it('passes and says who signed', () => {
      const policy = policyOf(
        signatures(
          "github: {repository: acme/ray-images, workflow: .github/workflows/release.yml, ref: 'refs/tags/v*'}",
        ),
      );
      const d = decide(policy, evidenceOf({ artifacts: [image({ attestations: [attestation()] })] }));
      assert.equal(ruleOf(d, 's').status, 'pass');
      assert.deepEqual(reasonLines(d, 's'), [
        `info SIGNATURE_VERIFIED: ${IMG}: ${SIG} verified, signed by ${SIGNED_BY}.`,
      ]);
    });

    it('matches an exact SAN or an anchored SAN pattern with an issuer', () => {
      const san = 'https://github.com/acme/ray-images/.github/workflows/release.yml@refs/tags/v2.58.0';
      const evidence = evidenceOf({ artifacts: [image({ attestations: [attestation()] })] });
      for (const identity of [
        `{san: '${san}', issuer: https://token.actions.githubusercontent.com}`,
        "{sanPattern: 'https://github\\.com/acme/.+', issuerPattern: 'https://token\\.actions\\..+'}",
      ]) {
        assert.equal(ruleOf(decide(policyOf(signatures(identity)), evidence), 's').status, 'pass', identity);
      }
      // Anchored: a pattern matching only part of the SAN does not match it.
      const partial = policyOf(
        signatures("{sanPattern: 'acme/ray-images', issuer: https://token.actions.githubusercontent.com}"),
      );
      assert.equal(ruleOf(decide(partial, evidence), 's').status, 'fail');
    });
  });

  describe('when the signature is missing, failed or from someone else', () => {
    const policy = policyOf(signatures("github: {repository: acme/ray-images, ref: 'refs/tags/v*'}"));

    it('fails an unsigned artifact', () => {
      const d = decide(policy, evidenceOf({ artifacts: [image()] }));
      assert.deepEqual(reasonLines(d, 's'), [
        `fail SIGNATURE_MISSING: ${IMG} has no signature (looked for: signature).`,
      ]);
    });

    it('names the failed verification code', () => {
      const failed = attestation({
        signer: undefined,
        verification: {
          status: 'failed',
          code: 'BUNDLE_SIGNATURE_INVALID',
          message: 'The signature does not verify.',
        },
      });
      const d = decide(policy, evidenceOf({ artifacts: [image({ attestations: [failed] })] }));
      assert.deepEqual(reasonLines(d, 's'), [
        `fail SIGNATURE_UNTRUSTED: ${IMG}: ${SIG} does not count: verification failed (BUNDLE_SIGNATURE_INVALID): The signature does not verify.`,
      ]);
    });

    it('names the field that differs for another repository, another ref, another issuer, a key', () => {
      const cases: [ReturnType<typeof attestation>, string][] = [
        [
          attestation({ signer: githubSigner('evil/ray-images') }),
          'source repository is "https://github.com/evil/ray-images", expected "https://github.com/acme/ray-images"',
        ],
        [
          attestation({
            signer: githubSigner('acme/ray-images', '.github/workflows/release.yml', 'refs/heads/dev'),
          }),
          'source ref is "refs/heads/dev", expected one matching "refs/tags/v*"',
        ],
        [
          attestation({
            signer: { ...githubSigner('acme/ray-images'), issuer: 'https://accounts.google.com' },
          }),
          'issuer is "https://accounts.google.com", expected "https://token.actions.githubusercontent.com"',
        ],
        [
          attestation({ signer: { kind: 'public-key', san: [], keyHint: 'k1' } }),
          'signed with a key (k1), not a certificate identity',
        ],
      ];
      for (const [candidate, why] of cases) {
        const d = decide(policy, evidenceOf({ artifacts: [image({ attestations: [candidate] })] }));
        const [line] = reasonLines(d, 's');
        assert.ok(
          line!.startsWith(`fail SIGNATURE_UNTRUSTED: ${IMG}: ${SIG} does not count: signed by`),
          line,
        );
        assert.ok(line!.endsWith(`not an accepted signer (${why}).`), line);
      }
    });

    it('passes when one of several candidates is acceptable', () => {
      const d = decide(
        policy,
        evidenceOf({
          artifacts: [
            image({ attestations: [attestation({ signer: githubSigner('evil/x') }), attestation()] }),
          ],
        }),
      );
      assert.equal(ruleOf(d, 's').status, 'pass');
    });

    it('checks the workflow against the certificate’s build config and the signer workflow separately', () => {
      const reusable = attestation({
        signer: {
          ...githubSigner('acme/ray-images', '.github/workflows/build.yml'),
          github: {
            ...githubSigner('acme/ray-images', '.github/workflows/build.yml').github,
            signerWorkflow: 'https://github.com/acme/shared/.github/workflows/sign.yml@refs/heads/main',
          },
        },
      });
      const evidence = evidenceOf({ artifacts: [image({ attestations: [reusable] })] });
      const ok = policyOf(
        signatures(
          'github: {repository: acme/ray-images, workflow: .github/workflows/build.yml, signerWorkflow: acme/shared/.github/workflows/sign.yml}',
        ),
      );
      assert.equal(ruleOf(decide(ok, evidence), 's').status, 'pass');
      const wrong = policyOf(
        signatures('github: {repository: acme/ray-images, workflow: .github/workflows/release.yml}'),
      );
      assert.match(
        reasonLines(decide(wrong, evidence), 's')[0]!,
        /workflow is ".*build\.yml@refs\/tags\/v2\.58\.0", expected "https:\/\/github\.com\/acme\/ray-images\/\.github\/workflows\/release\.yml"/,
      );
    });
  });

  describe('when signatures of wheels are PEP 740 attestations', () => {
    it('counts only the kinds the rule names', () => {
      const pep740 = attestation({
        kind: 'pep740',
        source: 'pypi-integrity',
        signer: githubSigner('acme/ray-libraries'),
      });
      const evidence = evidenceOf({ artifacts: [wheel({ attestations: [pep740] })] });
      const only = (kinds: string) =>
        policyOf(
          `  - {id: s, check: signatures, artifacts: {kinds: [wheel]}, kinds: [${kinds}], identities: [{github: {repository: acme/ray-libraries}}]}`,
        );
      assert.equal(ruleOf(decide(only('pep740, signature'), evidence), 's').status, 'pass');
      assert.deepEqual(reasonLines(decide(only('signature'), evidence), 's'), [
        'fail SIGNATURE_MISSING: wheel acme_udf-1.2.0-py3-none-any.whl (sha256:b2b2b2b2b2b2…) has no signature (looked for: signature).',
      ]);
    });
  });
});

describe('provenance rule', () => {
  const provenance = (p: object, extra: object = {}) =>
    attestation({
      kind: 'slsa-provenance',
      provenance: {
        builderId: 'https://github.com/actions/runner/github-hosted',
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        sourceRepository: 'https://github.com/acme/ray-images',
        sourceRef: 'refs/tags/v2.58.0',
        sourceCommit: 'c0ffee0000000000000000000000000000000000',
        slsaLevel: 2,
        ...p,
      },
      ...extra,
    });
  const rules = `  - id: p
    check: provenance
    builders: ['https://github.com/actions/runner/github-hosted']
    sourceRepositories: [acme/ray-images]
    refs: ['refs/tags/v*']
    minLevel: 2
    releaseCommit: true`;
  const release = {
    project: 'acme-ray',
    version: '2.58.0',
    submittedBy: 'ci',
    git: { commit: 'C0FFEE0000000000000000000000000000000000' },
  };

  it('passes provenance that meets every condition and describes the build', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({ release, artifacts: [image({ attestations: [provenance({})] })] }),
    );
    assert.deepEqual(reasonLines(d, 'p'), [
      `info PROVENANCE_VERIFIED: ${IMG}: slsa-provenance from oci-referrers (sha256:cdcdcdcdcdcd…) verified: built by https://github.com/actions/runner/github-hosted, from https://github.com/acme/ray-images@refs/tags/v2.58.0, SLSA build level 2.`,
    ]);
  });

  it('lists every condition a provenance misses', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({
        release: { ...release, git: { commit: 'deadbeef00000000000000000000000000000000' } },
        artifacts: [
          image({
            attestations: [
              provenance({
                builderId: 'https://ci.example/self-hosted',
                sourceRepository: 'https://github.com/acme/fork',
                sourceRef: 'refs/heads/main',
                slsaLevel: 1,
              }),
            ],
          }),
        ],
      }),
    );
    assert.deepEqual(reasonLines(d, 'p'), [
      `fail PROVENANCE_UNACCEPTED: ${IMG}: slsa-provenance from oci-referrers (sha256:cdcdcdcdcdcd…) does not count: builder.id is "https://ci.example/self-hosted", not one of https://github.com/actions/runner/github-hosted; source repository is "https://github.com/acme/fork", not one of acme/ray-images; source ref is "refs/heads/main", not one matching refs/tags/v*; SLSA build level is 1, below the required 2; source commit is "c0ffee0000000000000000000000000000000000", not the release's commit deadbeef00000000000000000000000000000000.`,
    ]);
    assert.equal(ruleOf(d, 'p').reasons[0]!.subject.field, 'provenance');
  });

  it('names the single field that differs, and a provenance without facts', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({ release, artifacts: [image({ attestations: [provenance({ slsaLevel: 1 })] })] }),
    );
    assert.equal(ruleOf(d, 'p').reasons[0]!.subject.field, 'provenance.slsaLevel');
    const bare = decide(
      policyOf(rules),
      evidenceOf({
        release,
        artifacts: [image({ attestations: [attestation({ kind: 'slsa-provenance' })] })],
      }),
    );
    assert.match(
      reasonLines(bare, 'p')[0]!,
      /does not count: it states no build facts \(builder, source\)\.$/,
    );
  });

  it('fails when there is no provenance at all, or the release names no commit', () => {
    assert.deepEqual(
      reasonLines(
        decide(
          policyOf(rules),
          evidenceOf({ release, artifacts: [image({ attestations: [attestation()] })] }),
        ),
        'p',
      ),
      [`fail PROVENANCE_MISSING: ${IMG} has no provenance (looked for: slsa-provenance).`],
    );
    const noCommit = decide(
      policyOf(rules),
      evidenceOf({ artifacts: [image({ attestations: [provenance({})] })] }),
    );
    assert.match(
      reasonLines(noCommit, 'p')[0]!,
      /the release names no commit to compare the source commit with\.$/,
    );
  });
});

describe('sbom rule', () => {
  const sbom = { origin: 'uploaded' as const, format: 'cyclonedx-json' as const, packages: [] };

  it('fails an artifact without an SBOM', () => {
    const d = decide(
      policyOf('  - {id: b, check: sbom}'),
      evidenceOf({ artifacts: [image(), wheel({ sbom })] }),
    );
    assert.deepEqual(reasonLines(d, 'b'), [`fail SBOM_MISSING: ${IMG} has no SBOM.`]);
  });

  it('fails an SBOM of an origin the policy does not accept', () => {
    const d = decide(
      policyOf('  - {id: b, check: sbom, origins: [generated]}'),
      evidenceOf({ artifacts: [image({ sbom })] }),
    );
    assert.deepEqual(reasonLines(d, 'b'), [
      `fail SBOM_ORIGIN: The SBOM of ${IMG} was uploaded; the policy accepts generated SBOMs.`,
    ]);
  });

  it('requires a verified SBOM attestation from the signers when asked', () => {
    const rules =
      '  - {id: b, check: sbom, attested: true, signers: [{github: {repository: acme/ray-images}}]}';
    const attested = attestation({ kind: 'sbom-attestation', predicateType: 'https://cyclonedx.org/bom' });
    assert.equal(
      ruleOf(
        decide(policyOf(rules), evidenceOf({ artifacts: [image({ sbom, attestations: [attested] })] })),
        'b',
      ).status,
      'pass',
    );
    assert.deepEqual(
      reasonLines(decide(policyOf(rules), evidenceOf({ artifacts: [image({ sbom })] })), 'b'),
      [`fail SBOM_NOT_ATTESTED: ${IMG} has no SBOM attestation (looked for: sbom-attestation).`],
    );
  });
});
