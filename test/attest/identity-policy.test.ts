import assert from 'node:assert/strict';
import { assertPolicyComplete, checkIdentity, refGlob } from '../../src/attest/identity-policy.ts';
import type { SignerCertificate } from '../../src/attest/fulcio-certificate.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

const legacy: SignerCertificate = {
  identities: ['https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main'],
  issuer: 'https://token.actions.githubusercontent.com',
  // A certificate from before Fulcio 1.2 carries only the deprecated GitHub extensions.
  extensions: { githubWorkflowRepository: 'sigstore/sigstore-js', githubWorkflowRef: 'refs/heads/main' },
  serialNumber: '01',
  notBefore: new Date(0),
  notAfter: new Date(0),
};

describe('identity policy', () => {
  describe('refGlob', () => {
    it('matches * within one segment and ** across segments', () => {
      assert.ok(refGlob('refs/tags/v*').test('refs/tags/v1.2.3'));
      assert.ok(!refGlob('refs/tags/v*').test('refs/tags/v1/evil'));
      assert.ok(refGlob('refs/heads/**').test('refs/heads/release/2.x'));
      assert.ok(!refGlob('refs/tags/v1.0').test('refs/tags/v1x0'));
    });
  });

  describe('when a certificate predates the v2 Fulcio extensions', () => {
    it('falls back to the deprecated repository and ref extensions', () => {
      checkIdentity(legacy, { github: { repository: 'sigstore/sigstore-js', ref: 'refs/heads/main' } });
    });
    it('refuses to guess the workflow, which only the v2 extensions carry', async () => {
      await assertRejectsWithCode(
        () =>
          checkIdentity(legacy, {
            github: { repository: 'sigstore/sigstore-js', workflow: '.github/workflows/release.yml' },
          }),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });
  });

  describe('when the policy would accept anyone', () => {
    it('requires an identity and an issuer', async () => {
      await assertRejectsWithCode(
        () => assertPolicyComplete({ issuer: { exact: 'x' } }),
        'USAGE_IDENTITY_REQUIRED',
      );
      await assertRejectsWithCode(
        () => assertPolicyComplete({ identity: { exact: 'x' } }),
        'USAGE_ISSUER_REQUIRED',
      );
      assertPolicyComplete({ github: { repository: 'a/b' } });
    });
  });
});
