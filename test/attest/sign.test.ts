import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { parseBundle } from '../../src/attest/bundle.ts';
import { createKeySigner } from '../../src/attest/key-signer.ts';
import { signToBundle } from '../../src/attest/sign-client.ts';
import type { SignRequest } from '../../src/attest/sign-client.ts';
import { parseSigningConfig } from '../../src/attest/signing-config.ts';
import { IN_TOTO_PAYLOAD_TYPE, toStatement } from '../../src/attest/statement.ts';
import type { ArtifactInput } from '../../src/attest/statement.ts';
import { parseTrustedRoot, toTrust } from '../../src/attest/trusted-root.ts';
import { KEYLESS_THRESHOLDS, verifyBundle } from '../../src/attest/verify.ts';
import type { SignerExpectation, Thresholds, VerifiedBundle } from '../../src/attest/verify.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { startSigstoreStack } from './sigstore-stack.ts';
import type { SigstoreStack } from './sigstore-stack.ts';

const ISSUER = 'https://issuer.example.test';
const SIGNER = 'https://github.com/acme/ray-images/.github/workflows/release.yml@refs/tags/v2.58.0';
const GITHUB_CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: SIGNER,
  repository: 'acme/ray-images',
  ref: 'refs/tags/v2.58.0',
  workflow_ref: 'acme/ray-images/.github/workflows/release.yml@refs/tags/v2.58.0',
  job_workflow_ref: 'acme/ray-images/.github/workflows/release.yml@refs/tags/v2.58.0',
  sha: 'a'.repeat(40),
};
const data = Buffer.from('ray-2.58.0-cp312-cp312-manylinux2014_x86_64.whl contents');

describe('signing', function () {
  this.timeout(60_000);
  let stack: SigstoreStack;
  before(async () => {
    stack = await startSigstoreStack();
  });
  after(() => stack.close());

  const keyless = (claims: Record<string, unknown>, extra: Partial<SignRequest> = {}): SignRequest => ({
    data,
    content: { kind: 'message' },
    identity: { kind: 'keyless', identityToken: stack.token(claims) },
    services: { fulcioUrl: stack.url, rekor: { url: stack.url, majorApiVersion: 1 }, tsaUrl: stack.url },
    retries: 0,
    ...extra,
  });
  const verify = (
    bundle: unknown,
    expectation: SignerExpectation,
    artifact: ArtifactInput = { kind: 'bytes', bytes: data },
    thresholds: Thresholds = KEYLESS_THRESHOLDS,
  ): VerifiedBundle => {
    const publicKey = expectation.kind === 'key' ? expectation.publicKey : undefined;
    return verifyBundle(
      parseBundle(JSON.stringify(bundle)),
      artifact,
      toTrust(parseTrustedRoot(stack.trustedRoot), publicKey),
      expectation,
      thresholds,
    );
  };
  const as = (identity: string, issuer = ISSUER): SignerExpectation => ({
    kind: 'identity',
    policy: { identity: { exact: identity }, issuer: { exact: issuer } },
  });

  describe('when signing keylessly against a local Fulcio, Rekor and TSA over HTTP', () => {
    it('makes a bundle with a certificate, a Rekor entry and a timestamp that verifies', async () => {
      const bundle = await signToBundle(keyless({ iss: ISSUER, sub: 'release-bot@example.test' }));
      const result = verify(bundle, as('release-bot@example.test'));
      assert.ok(['0.2', '0.3'].includes(result.bundleVersion));
      assert.equal(result.signer.kind, 'certificate');
      assert.equal(result.tlogEntries[0]?.kind, 'hashedrekord');
      assert.deepEqual(result.timestamps.map((t) => t.source).sort(), ['rfc3161', 'transparency-log']);
      assert.ok(stack.requests['/api/v2/signingCert']! >= 1 && stack.requests['/api/v1/log/entries']! >= 1);
    });

    it('verifies every bundle it signs (the TSA clock workaround is deterministic)', async () => {
      for (let i = 0; i < 12; i++) {
        const bundle = await signToBundle(keyless({ iss: ISSUER, sub: 'release-bot@example.test' }));
        verify(bundle, as('release-bot@example.test'));
      }
    });

    it('rejects the bundle for a different identity or issuer', async () => {
      const bundle = await signToBundle(keyless({ iss: ISSUER, sub: 'release-bot@example.test' }));
      await assertRejectsWithCode(
        () => verify(bundle, as('someone-else@example.test')),
        'BUNDLE_IDENTITY_MISMATCH',
      );
      await assertRejectsWithCode(
        () => verify(bundle, as('release-bot@example.test', 'https://accounts.google.com')),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });

    it('rejects the bundle for another artifact', async () => {
      const bundle = await signToBundle(keyless({ iss: ISSUER, sub: 'release-bot@example.test' }));
      await assertRejectsWithCode(
        () =>
          verify(bundle, as('release-bot@example.test'), { kind: 'bytes', bytes: Buffer.from('tampered') }),
        'BUNDLE_DIGEST_MISMATCH',
      );
    });

    it('carries the GitHub Actions claims into extensions the GitHub policy checks', async () => {
      const bundle = await signToBundle(keyless(GITHUB_CLAIMS));
      const github = (g: object): SignerExpectation => ({ kind: 'identity', policy: { github: g } });
      const result = verify(
        bundle,
        github({
          repository: 'acme/ray-images',
          workflow: '.github/workflows/release.yml',
          ref: 'refs/tags/v*',
        }),
      );
      assert.ok(result.signer.kind === 'certificate');
      assert.equal(result.signer.extensions.sourceRepositoryURI, 'https://github.com/acme/ray-images');
      await assertRejectsWithCode(
        () => verify(bundle, github({ repository: 'acme/other' })),
        'BUNDLE_IDENTITY_MISMATCH',
      );
      await assertRejectsWithCode(
        () => verify(bundle, github({ repository: 'acme/ray-images', ref: 'refs/heads/*' })),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });

    it('signs an in-toto statement in a DSSE envelope whose subject is checked', async () => {
      const digest = createHash('sha256').update(data).digest('hex');
      const statement = toStatement(
        [{ name: 'ray.whl', digest: { sha256: digest } }],
        'https://cyclonedx.org/bom',
        { bomFormat: 'CycloneDX' },
      );
      const bundle = await signToBundle(
        keyless(
          { iss: ISSUER, sub: 'release-bot@example.test' },
          {
            data: Buffer.from(JSON.stringify(statement)),
            content: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
            entryType: 'intoto',
          },
        ),
      );
      const result = verify(bundle, as('release-bot@example.test'));
      assert.equal(result.statement?.predicateType, 'https://cyclonedx.org/bom');
      assert.equal(result.tlogEntries[0]?.kind, 'intoto');
      await assertRejectsWithCode(
        () =>
          verify(bundle, as('release-bot@example.test'), {
            kind: 'bytes',
            bytes: Buffer.from('another wheel'),
          }),
        'BUNDLE_SUBJECT_MISMATCH',
      );
    });

    it('needs a log entry by default, and accepts a TSA-only bundle when the caller lowers the threshold', async () => {
      const bundle = await signToBundle(
        keyless(
          { iss: ISSUER, sub: 'release-bot@example.test' },
          { services: { fulcioUrl: stack.url, tsaUrl: stack.url } },
        ),
      );
      await assertRejectsWithCode(
        () => verify(bundle, as('release-bot@example.test')),
        'BUNDLE_TLOG_INSUFFICIENT',
      );
      verify(bundle, as('release-bot@example.test'), undefined, { ...KEYLESS_THRESHOLDS, tlog: 0 });
    });

    it('takes its services from a signing config', async () => {
      const services = parseSigningConfig(
        {
          mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
          caUrls: [
            {
              url: stack.url,
              majorApiVersion: 1,
              validFor: { start: '2020-01-01T00:00:00Z' },
              operator: 'test',
            },
          ],
          oidcUrls: [],
          rekorTlogUrls: [
            {
              url: 'http://127.0.0.1:9',
              majorApiVersion: 1,
              validFor: { start: '2019-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z' },
              operator: 'old',
            },
            {
              url: stack.url,
              majorApiVersion: 1,
              validFor: { start: '2020-01-01T00:00:00Z' },
              operator: 'test',
            },
          ],
          tsaUrls: [
            {
              url: `${stack.url}/api/v1/timestamp`,
              majorApiVersion: 1,
              validFor: { start: '2020-01-01T00:00:00Z' },
              operator: 'test',
            },
          ],
          rekorTlogConfig: { selector: 'ANY' },
          tsaConfig: { selector: 'ANY' },
        },
        new Date(),
      );
      assert.equal(services.rekor?.url, stack.url);
      const bundle = await signToBundle(
        keyless({ iss: ISSUER, sub: 'release-bot@example.test' }, { services }),
      );
      verify(bundle, as('release-bot@example.test'));
    });

    it('fails with a clear code when no identity token is available', async () => {
      const saved = {
        url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL,
        token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
      };
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
      try {
        await assertRejectsWithCode(
          () => signToBundle({ ...keyless({}), identity: { kind: 'keyless' } }),
          'SIGNING_IDENTITY_UNAVAILABLE',
        );
      } finally {
        if (saved.url !== undefined) process.env.ACTIONS_ID_TOKEN_REQUEST_URL = saved.url;
        if (saved.token !== undefined) process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = saved.token;
      }
    });
  });

  describe('when signing with a key', () => {
    for (const type of ['ecdsa-p256', 'ed25519'] as const) {
      const pair = () =>
        type === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('ec', { namedCurve: 'P-256' });

      it(`${type}: makes a public-key bundle that verifies with the key and not with another`, async () => {
        const { privateKey, publicKey } = pair();
        const bundle = await signToBundle({
          data,
          content: { kind: 'message' },
          identity: { kind: 'key', signer: createKeySigner(privateKey, type) },
          services: {},
        });
        const result = verify(bundle, { kind: 'key', publicKey });
        assert.equal(result.signer.kind, 'public-key');
        assert.deepEqual(result.tlogEntries, []);
        await assertRejectsWithCode(
          () => verify(bundle, { kind: 'key', publicKey: pair().publicKey }),
          'BUNDLE_SIGNATURE_INVALID',
        );
        await assertRejectsWithCode(
          () => verify(bundle, as('release-bot@example.test')),
          'BUNDLE_IDENTITY_MISMATCH',
        );
      });

      it(`${type}: signs a DSSE statement that verifies with the key`, async () => {
        const { privateKey, publicKey } = pair();
        const digest = createHash('sha256').update(data).digest('hex');
        const statement = toStatement(
          [{ name: 'ray.whl', digest: { sha256: digest } }],
          'https://slsa.dev/provenance/v1',
          {},
        );
        const bundle = await signToBundle({
          data: Buffer.from(JSON.stringify(statement)),
          content: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
          identity: { kind: 'key', signer: createKeySigner(privateKey, type) },
          services: {},
        });
        verify(bundle, { kind: 'key', publicKey });
        await assertRejectsWithCode(
          () => verify(bundle, { kind: 'key', publicKey: pair().publicKey }),
          'BUNDLE_SIGNATURE_INVALID',
        );
      });
    }

    it('records a key-signed bundle in Rekor and checks the entry when verifying', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const bundle = await signToBundle({
        data,
        content: { kind: 'message' },
        identity: { kind: 'key', signer: createKeySigner(privateKey, 'ecdsa-p256') },
        services: { rekor: { url: stack.url, majorApiVersion: 1 } },
        retries: 0,
      });
      const result = verify(bundle, { kind: 'key', publicKey });
      assert.equal(result.tlogEntries.length, 1);
      assert.equal(result.timestamps[0]?.source, 'transparency-log');
    });
  });
});
