import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { trustInstance } from '../../../src/attest/evidence/trust.ts';
import { verifyEvidence } from '../../../src/attest/evidence/verify-evidence.ts';
import type { VerifyContext } from '../../../src/attest/evidence/verify-evidence.ts';
import { readPep740Provenance } from '../../../src/attest/pep740/provenance-object.ts';
import {
  pep740AttestationEvidence,
  pep740ProvenanceEvidence,
} from '../../../src/attest/pep740/to-evidence.ts';
import { EMPTY_RULES } from '../../../src/attest/verify-policy.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { PUBLIC_GOOD, readFixture, readJson, STAGING, trustedRoot } from '../fixtures.ts';

const context: VerifyContext = {
  instances: [
    trustInstance('public-good', trustedRoot(PUBLIC_GOOD)),
    trustInstance('staging', trustedRoot(STAGING)),
  ],
  keys: [],
  identities: [],
  rules: EMPTY_RULES,
};
const sha = (name: string) => createHash('sha256').update(readFixture(name)).digest('hex');
const SDIST = 'pypi_attestations-0.0.19.tar.gz';
const sdist = { filename: SDIST, sha256: sha(`pep740/${SDIST}`) };
const origin = { kind: 'file' as const, path: 'test' };

describe('PEP 740 attestations', () => {
  describe('when the provenance object and the file are real', () => {
    it('verifies the publish attestation against the file and the GitHub Trusted Publisher', () => {
      const evidence = pep740ProvenanceEvidence(
        readPep740Provenance(readJson(`pep740/${SDIST}.provenance`)),
        sdist,
        origin,
        'p',
      );
      const [result] = evidence.map((e) => verifyEvidence(e, context));
      assert.equal(result!.status, 'verified', JSON.stringify(result!.error));
      assert.equal(result!.kind, 'publish');
      assert.equal(result!.signer?.sourceRepository, 'https://github.com/trailofbits/pypi-attestations');
    });

    it('reads the SLSA provenance attestation (level 2: GitHub-hosted, signed by the build workflow)', () => {
      const publisher = {
        kind: 'GitHub' as const,
        repository: 'trailofbits/pypi-attestations',
        workflow: 'release.yml',
      };
      const result = verifyEvidence(
        pep740AttestationEvidence(
          readJson(`pep740/${SDIST}.slsa.attestation`),
          sdist,
          origin,
          's',
          publisher,
        ),
        context,
      );
      assert.equal(result.status, 'verified');
      assert.equal(result.kind, 'provenance');
      assert.equal(result.provenance?.sourceRef, 'refs/tags/v0.0.19');
      assert.equal(result.slsaLevel?.level, 2);
    });

    it('verifies a GitLab Trusted Publisher attestation', () => {
      const file = {
        filename: 'gitlab_oidc_project-0.0.3.tar.gz',
        sha256: sha('pep740/gitlab_oidc_project-0.0.3.tar.gz'),
      };
      const publisher = {
        kind: 'GitLab' as const,
        repository: 'facutuesca/gitlab-oidc-project',
        workflowFilepath: '.gitlab-ci.yml',
      };
      const result = verifyEvidence(
        pep740AttestationEvidence(
          readJson('pep740/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation'),
          file,
          origin,
          'g',
          publisher,
        ),
        context,
      );
      assert.equal(result.status, 'verified', JSON.stringify(result.error));
      assert.equal(result.signer?.issuer, 'https://gitlab.com');
    });

    it('verifies a staging-instance attestation (a person, checked against an expected identity)', () => {
      const file = {
        filename: 'rfc8785-0.1.2-py3-none-any.whl',
        sha256: sha('pep740/rfc8785-0.1.2-py3-none-any.whl'),
      };
      const result = verifyEvidence(
        pep740AttestationEvidence(
          readJson('pep740/rfc8785-0.1.2-py3-none-any.whl.publish.attestation'),
          file,
          origin,
          'r',
        ),
        {
          ...context,
          identities: [
            {
              identity: { exact: 'william@yossarian.net' },
              issuer: { exact: 'https://github.com/login/oauth' },
            },
          ],
        },
      );
      assert.equal(result.status, 'verified', JSON.stringify(result.error));
      assert.equal(result.signer?.instance, 'staging');
    });
  });

  describe('when something is wrong', () => {
    it('fails a tampered artifact (its sha256 is not the subject)', () => {
      const tampered = {
        ...sdist,
        sha256: createHash('sha256')
          .update(Buffer.concat([readFixture(`pep740/${SDIST}`), Buffer.from('x')]))
          .digest('hex'),
      };
      const [result] = pep740ProvenanceEvidence(
        readPep740Provenance(readJson(`pep740/${SDIST}.provenance`)),
        tampered,
        origin,
        'p',
      ).map((e) => verifyEvidence(e, context));
      assert.equal(result!.status, 'failed');
      assert.equal(result!.error?.code, 'BUNDLE_SUBJECT_MISMATCH');
    });

    it('fails when the recorded publisher is another repository, or another workflow', () => {
      for (const change of [{ repository: 'evil/pypi-attestations' }, { workflow: 'other.yml' }]) {
        const json = readJson(`pep740/${SDIST}.provenance`) as {
          attestation_bundles: { publisher: Record<string, unknown> }[];
        };
        Object.assign(json.attestation_bundles[0]!.publisher, change);
        const [result] = pep740ProvenanceEvidence(readPep740Provenance(json), sdist, origin, 'p').map((e) =>
          verifyEvidence(e, context),
        );
        assert.equal(result!.status, 'failed');
        assert.equal(result!.error?.code, 'PEP740_PUBLISHER_MISMATCH');
      }
    });

    it('rejects a verified attestation whose workflow is not the expected one', () => {
      const [result] = pep740ProvenanceEvidence(
        readPep740Provenance(readJson(`pep740/${SDIST}.provenance`)),
        sdist,
        origin,
        'p',
      ).map((e) =>
        verifyEvidence(e, {
          ...context,
          identities: [
            { github: { repository: 'trailofbits/pypi-attestations', workflow: '.github/workflows/ci.yml' } },
          ],
        }),
      );
      assert.equal(result!.status, 'rejected');
      assert.equal(result!.error?.code, 'BUNDLE_IDENTITY_MISMATCH');
    });

    it('reports malformed PEP 740 JSON as malformed evidence, and refuses a malformed provenance object', async () => {
      const result = verifyEvidence(
        pep740AttestationEvidence({ version: 1, envelope: {} }, sdist, origin, 'm'),
        context,
      );
      assert.equal(result.status, 'malformed');
      assert.equal(result.error?.code, 'PEP740_MALFORMED');
      await assertRejectsWithCode(
        () => readPep740Provenance({ version: 2, attestation_bundles: [] }),
        'PEP740_MALFORMED',
      );
      await assertRejectsWithCode(
        () =>
          readPep740Provenance({
            version: 1,
            attestation_bundles: Array.from({ length: 100 }, () => ({
              publisher: { kind: 'GitHub' },
              attestations: [],
            })),
          }),
        'PEP740_MALFORMED',
      );
    });
  });
});
