import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { fixture, PUBLIC_GOOD, STAGING } from './fixtures.ts';
import { startSigstoreStack } from './sigstore-stack.ts';
import type { SigstoreStack } from './sigstore-stack.ts';

const OAUTH = 'https://github.com/login/oauth';

describe('raygate verify-bundle (conformance CLI protocol)', function () {
  this.timeout(60_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  before(async () => {
    temp = await makeTempDir();
  });
  after(() => temp.cleanup());
  const env = () => ({ RAYGATE_TUF_CACHE: path.join(temp.dir, 'tuf') });

  describe('when given --certificate-identity and --certificate-oidc-issuer', () => {
    it('exits 0 for a file that verifies', async () => {
      const run = await runCli(
        [
          'verify-bundle',
          '--bundle',
          fixture('sigstore-js/bundleV03-dsse.sigstore'),
          '--certificate-identity',
          'brian@dehamer.com',
          '--certificate-oidc-issuer',
          OAUTH,
          '--trusted-root',
          fixture(PUBLIC_GOOD),
          fixture('sigstore-js/sigstore-1.0.0.tgz'),
        ],
        { env: env() },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Verified OK/);
    });

    it('exits 0 for --staging with a digest instead of a file', async () => {
      const digest = createHash('sha256')
        .update(readFileSync(fixture('sigstore-python/bundle_v3.txt')))
        .digest('hex');
      const run = await runCli(
        [
          'verify-bundle',
          '--staging',
          '--bundle',
          fixture('sigstore-python/bundle_v3.txt.sigstore'),
          '--certificate-identity',
          'william@yossarian.net',
          '--certificate-oidc-issuer',
          OAUTH,
          '--trusted-root',
          fixture(STAGING),
          `sha256:${digest}`,
        ],
        { env: env() },
      );
      assert.equal(run.code, 0, run.stderr);
    });

    it('exits 1 with the failed check when the identity differs, and 2 when the bundle is malformed', async () => {
      const base = [
        'verify-bundle',
        '--bundle',
        fixture('sigstore-js/bundleV03-dsse.sigstore'),
        '--certificate-oidc-issuer',
        OAUTH,
        '--trusted-root',
        fixture(PUBLIC_GOOD),
      ];
      const wrong = await runCli([
        ...base,
        '--certificate-identity',
        'mallory@example.com',
        fixture('sigstore-js/sigstore-1.0.0.tgz'),
      ]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /BUNDLE_IDENTITY_MISMATCH/);
      assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
      const malformed = await runCli([
        'verify-bundle',
        '--bundle',
        fixture('sigstore-js/sigstore-1.0.0.tgz'),
        '--certificate-identity',
        'x',
        '--certificate-oidc-issuer',
        OAUTH,
        '--trusted-root',
        fixture(PUBLIC_GOOD),
        fixture('sigstore-js/sigstore-1.0.0.tgz'),
      ]);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /BUNDLE_MALFORMED/);
    });

    it('prints what was verified with --format json, and the failure as JSON too', async () => {
      const args = [
        'verify-bundle',
        '--bundle',
        fixture('sigstore-python/bundle_v3_github.whl.sigstore'),
        '--github-repository',
        'trailofbits/rfc8785.py',
        '--github-ref',
        'refs/tags/v*',
        '--trusted-root',
        fixture(PUBLIC_GOOD),
        '--format',
        'json',
        fixture('sigstore-python/bundle_v3_github.whl'),
      ];
      const ok = await runCli(args);
      assert.equal(ok.code, 0, ok.stderr);
      const report = JSON.parse(ok.stdout);
      assert.equal(report.verified, true);
      assert.equal(report.signer.issuer, 'https://token.actions.githubusercontent.com');
      assert.equal(report.signer.extensions.sourceRepositoryRef, 'refs/tags/v0.1.2');
      assert.equal(report.tlogEntries[0].integratedTime, '2024-03-19T22:41:16.000Z');
      assert.deepEqual(report.trust, { kind: 'file', path: fixture(PUBLIC_GOOD) });
      const bad = await runCli(args.map((a) => (a === 'refs/tags/v*' ? 'refs/heads/*' : a)));
      assert.equal(bad.code, 1);
      assert.equal(JSON.parse(bad.stdout).error.code, 'BUNDLE_IDENTITY_MISMATCH');
    });

    it('refuses a keyless check that names no identity', async () => {
      const run = await runCli([
        'verify-bundle',
        '--bundle',
        fixture('sigstore-js/bundleV03-dsse.sigstore'),
        '--certificate-oidc-issuer',
        OAUTH,
        fixture('sigstore-js/sigstore-1.0.0.tgz'),
      ]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /USAGE_IDENTITY_REQUIRED/);
    });
  });

  describe('when given --key', () => {
    it('exits 0 for a key-signed bundle with its key and trusted root, 1 with another key', async () => {
      const digest = Buffer.from(
        JSON.parse(readFileSync(fixture('sigstore-go/public-key-validity.sigstore.json'), 'utf8'))
          .messageSignature.messageDigest.digest,
        'base64',
      ).toString('hex');
      const args = [
        'verify-bundle',
        '--bundle',
        fixture('sigstore-go/public-key-validity.sigstore.json'),
        '--key',
        fixture('sigstore-go/public-key-validity.pem'),
        '--trusted-root',
        fixture('sigstore-go/public-key-validity.json'),
        `sha256:${digest}`,
      ];
      const ok = await runCli(args);
      assert.equal(ok.code, 0, ok.stderr);
      const other = path.join(temp.dir, 'other.pub');
      await writeFile(
        other,
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }),
      );
      const bad = await runCli(
        args.map((a) => (a === fixture('sigstore-go/public-key-validity.pem') ? other : a)),
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /BUNDLE_SIGNATURE_INVALID/);
    });
  });

  describe('when no --trusted-root is given and the network is unreachable', () => {
    it('uses the TUF root shipped with @sigstore/tuf while it is unexpired, and fails closed after', async () => {
      const seeds = JSON.parse(
        readFileSync(path.join(REPO_ROOT, 'node_modules/@sigstore/tuf/seeds.json'), 'utf8'),
      );
      const root = JSON.parse(
        Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev']['root.json'], 'base64').toString('utf8'),
      );
      const run = await runCli(
        [
          'verify-bundle',
          '--offline',
          '--bundle',
          fixture('sigstore-js/bundleV03-dsse.sigstore'),
          '--certificate-identity',
          'brian@dehamer.com',
          '--certificate-oidc-issuer',
          OAUTH,
          '--format',
          'json',
          fixture('sigstore-js/sigstore-1.0.0.tgz'),
        ],
        { env: env() },
      );
      if (new Date(root.signed.expires) > new Date()) {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(JSON.parse(run.stdout).trust.via, 'embedded');
      } else {
        assert.equal(run.code, 1);
        assert.match(run.stderr, /TRUST_EXPIRED/);
      }
    });
  });
});

describe('raygate sign, sign-bundle and attest', function () {
  this.timeout(60_000);
  let stack: SigstoreStack;
  let temp: { dir: string; cleanup: () => Promise<void> };
  before(async () => {
    stack = await startSigstoreStack();
    temp = await makeTempDir();
  });
  after(async () => {
    await stack.close();
    await temp.cleanup();
  });

  it('signs keylessly with the conformance sign-bundle form and a signing config, then verifies', async () => {
    const artifact = path.join(temp.dir, 'a.txt');
    const config = path.join(temp.dir, 'signing_config.json');
    const root = path.join(temp.dir, 'trusted_root.json');
    await writeFile(artifact, 'hello, ray\n');
    await writeFile(root, JSON.stringify(stack.trustedRoot));
    const service = (url: string) => [
      { url, majorApiVersion: 1, validFor: { start: '2020-01-01T00:00:00Z' }, operator: 'test' },
    ];
    await writeFile(
      config,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: service(stack.url),
        oidcUrls: [],
        rekorTlogUrls: service(stack.url),
        tsaUrls: service(stack.url),
        rekorTlogConfig: { selector: 'ANY' },
        tsaConfig: { selector: 'ANY' },
      }),
    );
    const token = stack.token({ iss: 'https://issuer.example.test', sub: 'ci@example.test' });
    const bundle = path.join(temp.dir, 'a.sigstore.json');
    const signed = await runCli([
      'sign-bundle',
      '--identity-token',
      token,
      '--bundle',
      bundle,
      '--trusted-root',
      root,
      '--signing-config',
      config,
      artifact,
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const verified = await runCli([
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      'ci@example.test',
      '--certificate-oidc-issuer',
      'https://issuer.example.test',
      '--trusted-root',
      root,
      artifact,
    ]);
    assert.equal(verified.code, 0, verified.stderr);
    const other = await runCli([
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      'other@example.test',
      '--certificate-oidc-issuer',
      'https://issuer.example.test',
      '--trusted-root',
      root,
      artifact,
    ]);
    assert.equal(other.code, 1);
  });

  it('attests an SBOM keylessly and the attestation verifies for its subject only', async () => {
    const wheel = path.join(temp.dir, 'ray.whl');
    const sbom = path.join(temp.dir, 'sbom.cdx.json');
    const root = path.join(temp.dir, 'root.json');
    await writeFile(wheel, 'wheel bytes');
    await writeFile(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6' }));
    await writeFile(root, JSON.stringify(stack.trustedRoot));
    const bundle = path.join(temp.dir, 'sbom.sigstore.json');
    const token = stack.token({ iss: 'https://issuer.example.test', sub: 'ci@example.test' });
    const attested = await runCli([
      'attest',
      '--predicate',
      sbom,
      '--type',
      'cyclonedx',
      '--subject',
      wheel,
      '--identity-token',
      token,
      '--fulcio-url',
      stack.url,
      '--rekor-url',
      stack.url,
      '--tsa-url',
      stack.url,
      '--rekor-entry-type',
      'intoto',
      '--bundle',
      bundle,
    ]);
    assert.equal(attested.code, 0, attested.stderr);
    const verify = (file: string) =>
      runCli([
        'verify-bundle',
        '--bundle',
        bundle,
        '--certificate-identity',
        'ci@example.test',
        '--certificate-oidc-issuer',
        'https://issuer.example.test',
        '--trusted-root',
        root,
        '-f',
        'json',
        file,
      ]);
    const ok = await verify(wheel);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).statement.predicateType, 'https://cyclonedx.org/bom');
    const other = await verify(sbom);
    assert.equal(other.code, 1);
    assert.equal(JSON.parse(other.stdout).error.code, 'BUNDLE_SUBJECT_MISMATCH');
  });

  it('signs with a P-256 or Ed25519 key file and verifies with the public key', async () => {
    for (const kind of ['ec', 'ed25519'] as const) {
      const pair =
        kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
      const key = path.join(temp.dir, `${kind}.pem`);
      const pub = path.join(temp.dir, `${kind}.pub`);
      const artifact = path.join(temp.dir, `${kind}.txt`);
      const bundle = path.join(temp.dir, `${kind}.sigstore.json`);
      await writeFile(key, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
      await writeFile(pub, pair.publicKey.export({ format: 'pem', type: 'spki' }));
      await writeFile(artifact, `signed with ${kind}`);
      const signed = await runCli(['sign', '--key', key, '--bundle', bundle, artifact]);
      assert.equal(signed.code, 0, signed.stderr);
      const verified = await runCli(['verify-bundle', '--bundle', bundle, '--key', pub, artifact]);
      assert.equal(verified.code, 0, verified.stderr);
    }
  });
});
