import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePublicKey } from '../../src/attest/keys.ts';
import type { ArtifactInput } from '../../src/attest/statement.ts';
import type { SignerExpectation } from '../../src/attest/verify.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import {
  fileArtifact,
  fixture,
  identity,
  PUBLIC_GOOD,
  readFixture,
  readJson,
  STAGING,
  verifyJson,
} from './fixtures.ts';
import { EXPECTED_CODE, TAMPERS } from './tamper.ts';
import type { TamperName } from './tamper.ts';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_OAUTH = 'https://github.com/login/oauth';
const npmPublisher = identity('brian@dehamer.com', GITHUB_OAUTH);
const sigstoreJs = (bundle: string) => ({
  bundle: `sigstore-js/${bundle}`,
  artifact: 'sigstore-js/sigstore-1.0.0.tgz',
  root: PUBLIC_GOOD,
  expect: npmPublisher,
});

interface RealCase {
  bundle: string;
  artifact: string;
  root: string;
  expect: SignerExpectation;
}

/** Real bundles from public-good and staging, each with the artifact it signs and who signed it. */
const REAL: Record<string, RealCase> = {
  'v0.1 DSSE, Rekor dsse entry with promise only': sigstoreJs('bundleV01-dsse-no-proof.sigstore'),
  'v0.1 DSSE, Rekor dsse entry with proof': sigstoreJs('bundleV01-dsse-with-proof.sigstore'),
  'v0.1 DSSE, Rekor intoto entry with promise only': sigstoreJs('bundleV01-intoto-no-proof.sigstore'),
  'v0.1 DSSE, Rekor intoto entry with proof': sigstoreJs('bundleV01-intoto-with-proof.sigstore'),
  'v0.2 DSSE, dsse entry': sigstoreJs('bundleV02-dsse.sigstore'),
  'v0.2 DSSE, intoto entry': sigstoreJs('bundleV02-intoto.sigstore'),
  'v0.3 (…+json;version=0.3) DSSE': sigstoreJs('bundleV03-dsse.sigstore'),
  'v0.3 (….v0.3+json) DSSE': sigstoreJs('bundleV03-intoto.sigstore'),
  'v0.1 message signature, staging': {
    bundle: 'sigstore-python/bundle.txt.sigstore',
    artifact: 'sigstore-python/bundle.txt',
    root: STAGING,
    expect: identity('a@tny.town', GITHUB_OAUTH),
  },
  'v0.3 message signature, staging': {
    bundle: 'sigstore-python/bundle_v3.txt.sigstore',
    artifact: 'sigstore-python/bundle_v3.txt',
    root: STAGING,
    expect: identity('william@yossarian.net', GITHUB_OAUTH),
  },
  'v0.3 message signature, Rekor v2 hashedrekord + RFC 3161 timestamp, staging': {
    bundle: 'sigstore-python/staging-rekor-v2.txt.sigstore.json',
    artifact: 'sigstore-python/staging-rekor-v2.txt',
    root: STAGING,
    expect: identity('jku@goto.fi', GITHUB_OAUTH),
  },
  'v0.2 message signature of a wheel, GitHub Actions': {
    bundle: 'sigstore-python/bundle_v3_github.whl.sigstore',
    artifact: 'sigstore-python/bundle_v3_github.whl',
    root: PUBLIC_GOOD,
    expect: identity(
      'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
      GITHUB_ISSUER,
    ),
  },
  'v0.3 SLSA provenance, GitHub artifact attestation': {
    bundle: 'github/sigstore-js-2.1.0-bundle.json',
    artifact: 'github/sigstore-js-2.1.0.tgz',
    root: PUBLIC_GOOD,
    expect: identity(
      'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
      GITHUB_ISSUER,
    ),
  },
  'v0.1 SLSA provenance, GitHub artifact attestation': {
    bundle: 'github/sigstore-js-2.1.0-bundle-v0.1.json',
    artifact: 'github/sigstore-js-2.1.0.tgz',
    root: PUBLIC_GOOD,
    expect: identity(
      'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
      GITHUB_ISSUER,
    ),
  },
  'v0.3 attestation from a reusable workflow': {
    bundle: 'github/reusable-workflow-attestation.sigstore.json',
    artifact: 'github/reusable-workflow-artifact',
    root: PUBLIC_GOOD,
    expect: {
      kind: 'identity',
      policy: {
        github: {
          repository: 'malancas/attest-demo',
          workflow: '.github/workflows/shared.yml',
          signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.yml',
          ref: 'refs/heads/*',
        },
      },
    },
  },
  'v0.3 PyPI attestation (DSSE, dsse entry)': {
    bundle: 'pep740/pypi_attestation_models-0.0.4a2.tar.gz.sigstore',
    artifact: 'pep740/pypi_attestation_models-0.0.4a2.tar.gz',
    root: PUBLIC_GOOD,
    expect: identity(
      'https://github.com/trailofbits/pypi-attestation-models/.github/workflows/release.yml@refs/tags/v0.0.4a2',
      GITHUB_ISSUER,
    ),
  },
  'v0.3 key-signed message signature with an RFC 3161 timestamp': {
    bundle: 'sigstore-go/public-key-validity.sigstore.json',
    artifact: 'sha256',
    root: 'sigstore-go/public-key-validity.json',
    expect: {
      kind: 'key',
      publicKey: parsePublicKey(
        readFileSync(fixture('sigstore-go/public-key-validity.pem'), 'utf8'),
        'test key',
      ),
    },
  },
};

/** The artifact of a case: its file, or (`sha256`) the digest the bundle signs, for bundles shipped without one. */
function artifactOf(c: RealCase): ArtifactInput {
  if (c.artifact !== 'sha256') return fileArtifact(c.artifact);
  const bundle = readJson(c.bundle) as { messageSignature: { messageDigest: { digest: string } } };
  return {
    kind: 'digest',
    algorithm: 'sha256',
    hex: Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64').toString('hex'),
  };
}

describe('verifyBundle', () => {
  describe('when given real bundles with their artifacts', () => {
    for (const [name, c] of Object.entries(REAL)) {
      it(`verifies ${name}`, () => {
        const result = verifyJson(c.bundle, artifactOf(c), c.root, c.expect);
        assert.ok(result.tlogEntries.length + result.timestamps.length > 0 || c.expect.kind === 'key');
        if (c.expect.kind === 'identity') assert.equal(result.signer.kind, 'certificate');
      });
    }

    it('reports what was verified for a DSSE statement', () => {
      const result = verifyJson(
        'sigstore-js/bundleV02-intoto.sigstore',
        fileArtifact('sigstore-js/sigstore-1.0.0.tgz'),
        PUBLIC_GOOD,
        npmPublisher,
      );
      assert.equal(result.bundleVersion, '0.2');
      assert.equal(result.statement?.type, 'https://in-toto.io/Statement/v0.1');
      assert.equal(
        result.statement?.predicateType,
        'https://github.com/npm/attestation/tree/main/specs/publish/v0.1',
      );
      assert.equal(result.statement?.matchedSubject.name, 'pkg:npm/sigstore@1.0.0');
      assert.equal(result.tlogEntries[0]?.kind, 'intoto');
      assert.equal(result.tlogEntries[0]?.integratedTime, '2023-07-12T15:34:38.000Z');
      assert.deepEqual(result.timestamps, [{ source: 'transparency-log', time: '2023-07-12T15:34:38.000Z' }]);
      assert.ok(result.signer.kind === 'certificate' && result.signer.issuer === GITHUB_OAUTH);
    });

    it('reports the Fulcio extensions of a GitHub Actions certificate', () => {
      const c = REAL['v0.3 attestation from a reusable workflow']!;
      const result = verifyJson(c.bundle, artifactOf(c), c.root, c.expect);
      assert.ok(result.signer.kind === 'certificate');
      assert.equal(result.signer.extensions.sourceRepositoryURI, 'https://github.com/malancas/attest-demo');
      assert.equal(
        result.signer.extensions.buildConfigURI,
        'https://github.com/malancas/attest-demo/.github/workflows/shared.yml@refs/heads/main',
      );
      assert.equal(result.signer.extensions.runnerEnvironment, 'github-hosted');
    });

    it('checks the RFC 3161 time and the Rekor v2 entry of a v2 bundle', () => {
      const c = REAL['v0.3 message signature, Rekor v2 hashedrekord + RFC 3161 timestamp, staging']!;
      const result = verifyJson(c.bundle, artifactOf(c), c.root, c.expect);
      assert.equal(result.tlogEntries[0]?.version, '0.0.2');
      assert.equal(result.tlogEntries[0]?.integratedTime, null);
      assert.deepEqual(
        result.timestamps.map((t) => t.source),
        ['rfc3161'],
      );
    });
  });

  describe('when an artifact is given as its SHA-256 digest', () => {
    const c = REAL['v0.3 message signature, staging']!;
    const digest = createHash('sha256').update(readFixture(c.artifact)).digest('hex');

    it('verifies an ECDSA message signature over the digest alone', () => {
      const result = verifyJson(
        c.bundle,
        { kind: 'digest', algorithm: 'sha256', hex: digest },
        c.root,
        c.expect,
      );
      assert.equal(result.artifact.sha256, digest);
    });

    it('rejects another digest', async () => {
      const other = createHash('sha256').update('something else').digest('hex');
      await assertRejectsWithCode(
        () => verifyJson(c.bundle, { kind: 'digest', algorithm: 'sha256', hex: other }, c.root, c.expect),
        'BUNDLE_DIGEST_MISMATCH',
      );
    });

    it('matches a DSSE statement subject by its sha256', () => {
      const p = REAL['v0.3 PyPI attestation (DSSE, dsse entry)']!;
      const hex = createHash('sha256').update(readFixture(p.artifact)).digest('hex');
      const result = verifyJson(p.bundle, { kind: 'digest', algorithm: 'sha256', hex }, p.root, p.expect);
      assert.equal(result.statement?.matchedSubject.name, 'pypi_attestation_models-0.0.4a2.tar.gz');
    });
  });

  describe('when the artifact is not the one signed', () => {
    it('rejects a DSSE statement about another artifact (the library alone would accept it)', async () => {
      const error = await assertRejectsWithCode(
        () =>
          verifyJson(
            'sigstore-js/bundleV03-dsse.sigstore',
            fileArtifact('github/sigstore-js-2.1.0.tgz'),
            PUBLIC_GOOD,
            npmPublisher,
          ),
        'BUNDLE_SUBJECT_MISMATCH',
      );
      assert.equal(error.kind, 'verification');
    });

    it('rejects a message signature for another file', async () => {
      const c = REAL['v0.3 message signature, staging']!;
      await assertRejectsWithCode(
        () => verifyJson(c.bundle, fileArtifact('sigstore-python/bundle.txt'), c.root, c.expect),
        'BUNDLE_DIGEST_MISMATCH',
      );
    });

    it('rejects a text DSSE payload that is not the artifact', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            'github/sigstoreBundle-invalid-signature.json',
            fileArtifact('github/custom-issuer-artifact'),
            PUBLIC_GOOD,
            {
              kind: 'identity',
              policy: { identity: { pattern: /./ }, issuer: { pattern: /./ } },
            },
          ),
        'BUNDLE_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the signer is not the expected one', () => {
    const c = REAL['v0.2 message signature of a wheel, GitHub Actions']!;
    const artifact = fileArtifact(c.artifact);
    const policy = (p: object): SignerExpectation => ({ kind: 'identity', policy: p });

    it('rejects another identity', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            c.bundle,
            artifact,
            c.root,
            identity(
              'https://github.com/evil/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
              GITHUB_ISSUER,
            ),
          ),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });

    it('compares --certificate-identity exactly, never as a pattern', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            c.bundle,
            artifact,
            c.root,
            identity('https://github.com/trailofbits/rfc8785.py/', GITHUB_ISSUER),
          ),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });

    it('rejects another issuer', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            c.bundle,
            artifact,
            c.root,
            identity(
              'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
              GITHUB_OAUTH,
            ),
          ),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });

    it('accepts identity and issuer regular expressions', () => {
      verifyJson(
        c.bundle,
        artifact,
        c.root,
        policy({
          identity: { pattern: /^https:\/\/github\.com\/trailofbits\// },
          issuer: { pattern: /githubusercontent/ },
        }),
      );
    });

    it('checks the GitHub repository, workflow and ref extensions', async () => {
      verifyJson(
        c.bundle,
        artifact,
        c.root,
        policy({
          github: {
            repository: 'trailofbits/rfc8785.py',
            workflow: '.github/workflows/release.yml',
            ref: 'refs/tags/v*',
          },
        }),
      );
      for (const github of [
        { repository: 'trailofbits/rfc8785' },
        { repository: 'trailofbits/rfc8785.py', workflow: '.github/workflows/ci.yml' },
        { repository: 'trailofbits/rfc8785.py', ref: 'refs/heads/*' },
        {
          repository: 'trailofbits/rfc8785.py',
          signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.yml',
        },
      ]) {
        await assertRejectsWithCode(
          () => verifyJson(c.bundle, artifact, c.root, policy({ github })),
          'BUNDLE_IDENTITY_MISMATCH',
        );
      }
    });

    it('requires the GitHub Actions issuer with the GitHub shorthands', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            'github/custom-issuer.sigstore.json',
            fileArtifact('github/custom-issuer-artifact'),
            PUBLIC_GOOD,
            policy({ github: { repository: 'too-legit/attest' } }),
          ),
        'BUNDLE_IDENTITY_MISMATCH',
      );
      verifyJson(
        'github/custom-issuer.sigstore.json',
        fileArtifact('github/custom-issuer-artifact'),
        PUBLIC_GOOD,
        policy({
          github: { repository: 'too-legit/attest' },
          issuer: { exact: `${GITHUB_ISSUER}/hammer-time` },
        }),
      );
    });

    it('rejects a certificate bundle presented with --key', async () => {
      const key = parsePublicKey(readFileSync(fixture('sigstore-go/public-key-validity.pem'), 'utf8'), 'k');
      await assertRejectsWithCode(
        () => verifyJson(c.bundle, artifact, c.root, { kind: 'key', publicKey: key }),
        'BUNDLE_KEY_MISMATCH',
      );
    });

    it('rejects a key-signed bundle presented with an identity', async () => {
      const k = REAL['v0.3 key-signed message signature with an RFC 3161 timestamp']!;
      await assertRejectsWithCode(
        () => verifyJson(k.bundle, artifactOf(k), k.root, npmPublisher),
        'BUNDLE_IDENTITY_MISMATCH',
      );
    });
  });

  describe('when the bundle is malformed or against the rules', () => {
    const cases: [string, string, string][] = [
      [
        'a certificate chain that includes its root',
        'sigstore-js/bundleV01-full-cert-chain.sigstore',
        'BUNDLE_CERTIFICATE_INVALID',
      ],
      [
        'a v0.2 bundle without a checkpoint',
        'sigstore-python/bundle_no_checkpoint.txt.sigstore',
        'BUNDLE_MALFORMED',
      ],
      ['an unknown media type', 'sigstore-python/bundle_invalid_version.txt.sigstore', 'BUNDLE_MALFORMED'],
      ['an empty certificate chain', 'sigstore-python/bundle_no_cert_v1.txt.sigstore', 'BUNDLE_MALFORMED'],
      ['a DSSE envelope with two signatures', 'sigstore-go/dsse-2sigs.sigstore.json', 'BUNDLE_MALFORMED'],
    ];
    for (const [what, bundle, code] of cases) {
      it(`rejects ${what} with ${code}`, async () => {
        await assertRejectsWithCode(
          () => verifyJson(bundle, { kind: 'bytes', bytes: Buffer.from('x') }, PUBLIC_GOOD, npmPublisher),
          code,
        );
      });
    }

    it('rejects a keyless bundle with no log entry and no timestamp', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            'sigstore-python/bundle_no_log_entry.txt.sigstore',
            fileArtifact('sigstore-python/bundle_no_log_entry.txt'),
            STAGING,
            identity('william@yossarian.net', GITHUB_OAUTH),
          ),
        'BUNDLE_TIMESTAMP_INVALID',
      );
    });

    it('rejects a log entry that records another signature (CVE-2022-36056)', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            'sigstore-python/bundle_cve_2022_36056.txt.sigstore',
            fileArtifact('sigstore-python/bundle_cve_2022_36056.txt'),
            STAGING,
            { kind: 'identity', policy: { identity: { pattern: /./ }, issuer: { pattern: /./ } } },
          ),
        'BUNDLE_TLOG_BODY_MISMATCH',
      );
    });

    it('rejects text that is not JSON, and JSON that is not a bundle', async () => {
      await assertRejectsWithCode(
        () =>
          verifyJson(
            { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
            fileArtifact('sigstore-python/bundle.txt'),
            PUBLIC_GOOD,
            npmPublisher,
          ),
        'BUNDLE_MALFORMED',
      );
      const { parseBundle } = await import('../../src/attest/bundle.ts');
      await assertRejectsWithCode(() => parseBundle('{not json'), 'BUNDLE_MALFORMED');
      await assertRejectsWithCode(() => parseBundle('[]'), 'BUNDLE_MALFORMED');
      await assertRejectsWithCode(
        () => parseBundle(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.9+json' })),
        'BUNDLE_UNSUPPORTED',
      );
      await assertRejectsWithCode(() => parseBundle(Buffer.alloc(9 * 1024 * 1024, 0x20)), 'BUNDLE_MALFORMED');
    });
  });

  describe('when a real bundle has been tampered with', () => {
    for (const [name, c] of Object.entries(REAL)) {
      for (const tamper of Object.keys(TAMPERS) as TamperName[]) {
        const altered = TAMPERS[tamper](readJson(c.bundle));
        if (!altered) continue;
        const expected =
          tamper === 'payload' && !('dsseEnvelope' in altered)
            ? 'BUNDLE_DIGEST_MISMATCH'
            : EXPECTED_CODE[tamper];
        it(`${name}: ${tamper} → ${expected}`, async () => {
          const error = await assertRejectsWithCode(
            () => verifyJson(altered, artifactOf(c), c.root, c.expect),
            expected,
          );
          assert.equal(error.kind, 'verification');
        });
      }
    }
  });

  describe('when the trusted root limits validity in time', () => {
    const c = REAL['v0.3 message signature, staging']!;
    type Root = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const withRoot = (edit: (root: Root) => void) => {
      const root = readJson(STAGING) as Root;
      edit(root);
      return root;
    };

    it('rejects a certificate issued after its CA stopped being trusted', async () => {
      const { parseBundle } = await import('../../src/attest/bundle.ts');
      const { verifyBundle } = await import('../../src/attest/verify.ts');
      const { parseTrustedRoot, toTrust } = await import('../../src/attest/trusted-root.ts');
      const root = withRoot((r) => {
        for (const ca of r.certificateAuthorities)
          ca.validFor = { start: '2020-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' };
      });
      await assertRejectsWithCode(
        () =>
          verifyBundle(
            parseBundle(readFixture(c.bundle)),
            fileArtifact(c.artifact),
            toTrust(parseTrustedRoot(root)),
            c.expect,
          ),
        'BUNDLE_CERTIFICATE_INVALID',
      );
    });

    it('rejects a log entry integrated after the log key stopped being trusted', async () => {
      const { parseBundle } = await import('../../src/attest/bundle.ts');
      const { verifyBundle } = await import('../../src/attest/verify.ts');
      const { parseTrustedRoot, toTrust } = await import('../../src/attest/trusted-root.ts');
      const root = withRoot((r) => {
        for (const log of r.tlogs)
          log.publicKey.validFor = { start: '2020-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' };
      });
      const error = await assertRejectsWithCode(
        () =>
          verifyBundle(
            parseBundle(readFixture(c.bundle)),
            fileArtifact(c.artifact),
            toTrust(parseTrustedRoot(root)),
            c.expect,
          ),
        'BUNDLE_TLOG_PROMISE_INVALID',
      );
      assert.equal(error.details?.sigstoreCode, 'TLOG_INCLUSION_PROMISE_ERROR');
    });
  });
});
