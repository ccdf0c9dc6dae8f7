import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle } from '../../../src/attest/bundle.ts';
import { trustInstance } from '../../../src/attest/evidence/trust.ts';
import { verifyEvidence } from '../../../src/attest/evidence/verify-evidence.ts';
import { signToBundle } from '../../../src/attest/sign-client.ts';
import { parseTrustedRoot } from '../../../src/attest/trusted-root.ts';
import { EMPTY_RULES } from '../../../src/attest/verify-policy.ts';
import { runCli } from '../../support/run-cli.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { fixture, PUBLIC_GOOD, readFixture, trustedRoot } from '../fixtures.ts';
import { startSigstoreStack } from '../sigstore-stack.ts';

const WHEEL = 'github/github_provenance_demo-0.0.12-py3-none-any.whl';
const BUNDLE = 'github/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl';

describe("GitHub's private Sigstore instance (no transparency log, one RFC 3161 timestamp)", function () {
  this.timeout(60_000);

  describe('when the real bundle from cli/cli is checked', () => {
    it('is the private shape, and fails at its timestamp without the GitHub instance in the trusted roots', () => {
      const parsed = parseBundle(readFixture(BUNDLE));
      const material = parsed.bundle.verificationMaterial;
      assert.equal(material.tlogEntries.length, 0);
      assert.equal(material.timestampVerificationData?.rfc3161Timestamps.length, 1);
      assert.equal(material.content.$case, 'certificate');
      const leaf = new X509Certificate(
        Buffer.from(material.content.$case === 'certificate' ? material.content.certificate.rawBytes : []),
      );
      assert.match(leaf.issuer, /O=GitHub\\?, Inc\.\nCN=Fulcio Intermediate l2/);
      // Neither public-good nor any trusted root in the fixtures holds GitHub's instance (its Fulcio CA and
      // the TSA that stamped this bundle), so the first check, the signed time, cannot be made.
      const result = verifyEvidence(
        {
          id: 'gh',
          origin: { kind: 'file', path: BUNDLE },
          format: 'sigstore-bundle',
          subjectSha256: '',
          content: { kind: 'bundle', bundle: parsed, artifact: { kind: 'bytes', bytes: readFixture(WHEEL) } },
        },
        {
          instances: [trustInstance('public-good', trustedRoot(PUBLIC_GOOD))],
          keys: [],
          identities: [{ github: { repository: 'actions/attest-demo' } }],
          rules: EMPTY_RULES,
        },
      );
      assert.equal(result.status, 'failed');
      assert.equal(result.error?.code, 'BUNDLE_TIMESTAMP_INVALID', JSON.stringify(result.error));
    });

    it('exits 1 through the CLI, naming the failed check', async () => {
      const run = await runCli([
        'verify',
        fixture(WHEEL),
        '--bundle',
        fixture(BUNDLE),
        '--trusted-root',
        fixture(PUBLIC_GOOD),
        '--github-repository',
        'actions/attest-demo',
        '--offline',
      ]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /BUNDLE_TIMESTAMP_INVALID.*\n.*signing time cannot be established/);
    });
  });

  describe('when a private instance signs (the local stack without its log)', () => {
    it('verifies a bundle with only a timestamp against the instance that has no log, and not against a public one', async () => {
      const stack = await startSigstoreStack();
      const dir = await makeTempDir('raygate-private-');
      try {
        const artifact = path.join(dir.dir, 'ray-2.58.0-py3-none-any.whl');
        await writeFile(artifact, 'a wheel built in a private repository');
        const bundle = await signToBundle({
          data: Buffer.from('a wheel built in a private repository'),
          content: { kind: 'message' },
          identity: {
            kind: 'keyless',
            identityToken: stack.token({ iss: 'https://issuer.example.test', sub: 'builder@acme.example' }),
          },
          services: { fulcioUrl: stack.url, tsaUrl: stack.url },
          retries: 0,
        });
        const bundleFile = path.join(dir.dir, 'bundle.json');
        await writeFile(bundleFile, JSON.stringify(bundle));
        const privateRoot = { ...stack.trustedRoot, tlogs: [] };
        const privateFile = path.join(dir.dir, 'private.json');
        const publicFile = path.join(dir.dir, 'public.json');
        await writeFile(privateFile, JSON.stringify(privateRoot));
        await writeFile(publicFile, JSON.stringify(stack.trustedRoot));
        assert.deepEqual(trustInstance('private', parseTrustedRoot(privateRoot)).thresholds, {
          tlog: 0,
          ctlog: 1,
          timestamp: 1,
        });
        const args = (root: string) => [
          'verify',
          artifact,
          '--bundle',
          bundleFile,
          '--trusted-root',
          root,
          '--certificate-identity',
          'builder@acme.example',
          '--certificate-oidc-issuer',
          'https://issuer.example.test',
          '--offline',
        ];
        const ok = await runCli(args(privateFile));
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        const strict = await runCli(args(publicFile));
        assert.equal(strict.code, 1, strict.stdout + strict.stderr);
        assert.match(strict.stdout, /BUNDLE_TLOG_INSUFFICIENT/);
      } finally {
        await stack.close();
        await dir.cleanup();
      }
    });
  });
});
