import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { discoverAttachments } from '../../../src/attest/oci-referrers/discover.ts';
import { registryAttachmentStore } from '../../../src/attest/oci-referrers/registry-store-client.ts';
import { MEDIA_TYPES } from '../../../src/oci/media-types.ts';
import { referrersTag } from '../../../src/oci/referrers.ts';
import { HostGuard } from '../../../src/oci/host-policy.ts';
import { RegistryClient } from '../../../src/oci/registry-client.ts';
import { signToBundle } from '../../../src/attest/sign-client.ts';
import { pushOneLayerImage } from '../../support/push-image.ts';
import { startRegistry } from '../../support/registry.ts';
import type { RunningRegistry } from '../../support/registry.ts';
import { runCli } from '../../support/run-cli.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { startSigstoreStack } from '../sigstore-stack.ts';

function client(host: string, repository: string): RegistryClient {
  return new RegistryClient({
    registry: host,
    repository,
    insecure: true,
    hostGuard: new HostGuard({ allow: [host] }),
  });
}

/**
 * A registry front that implements the OCI 1.1 referrers API over distribution 2.8 (which has none): it
 * passes every request through, remembers manifests pushed with a `subject`, answers `OCI-Subject` on
 * those pushes, and serves `GET /v2/<name>/referrers/<digest>` from what it saw.
 */
async function startReferrersFront(
  upstream: string,
): Promise<{ host: string; referrerCalls: number; close(): Promise<void> }> {
  const referrers = new Map<string, object[]>();
  const state = { referrerCalls: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '';
      const ref = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})/.exec(url);
      if (req.method === 'GET' && ref) {
        state.referrerCalls++;
        const list = referrers.get(`${ref[1]}@${ref[2]}`) ?? [];
        res.writeHead(200, { 'content-type': MEDIA_TYPES.ociIndex });
        res.end(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: list }));
        return;
      }
      const proxied = http.request(
        `http://${upstream}${url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          const headers = { ...up.headers };
          const put = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url);
          if (req.method === 'PUT' && put && up.statusCode === 201) {
            const json = JSON.parse(body.toString('utf8')) as {
              subject?: { digest: string };
              artifactType?: string;
              annotations?: object;
            };
            if (json.subject) {
              const key = `${put[1]}@${json.subject.digest}`;
              referrers.set(key, [
                ...(referrers.get(key) ?? []),
                {
                  mediaType: MEDIA_TYPES.ociManifest,
                  digest: up.headers['docker-content-digest'],
                  size: body.length,
                  artifactType: json.artifactType,
                  annotations: json.annotations,
                },
              ]);
              headers['oci-subject'] = json.subject.digest;
            }
          }
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
        },
      );
      proxied.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get referrerCalls() {
      return state.referrerCalls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A pass-through front that holds the first `parties` GETs of one tag until all of them have arrived,
 * so that concurrent writers all read the same (old) referrers index before any of them writes: the
 * lost-update race, made certain rather than likely.
 */
async function startBarrierFront(
  upstream: string,
  tag: () => string,
  parties: number,
): Promise<{ host: string; held: number; close(): Promise<void> }> {
  const waiting: (() => void)[] = [];
  const state = { held: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        const proxied = http.request(
          `http://${upstream}${req.url ?? ''}`,
          { method: req.method, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        proxied.end(Buffer.concat(chunks));
      };
      if (req.method === 'GET' && req.url?.endsWith(`/manifests/${tag()}`) && state.held < parties) {
        state.held++;
        waiting.push(forward);
        if (waiting.length === parties) waiting.splice(0).forEach((go) => go());
        else setTimeout(() => waiting.splice(0).forEach((go) => go()), 5_000);
        return;
      }
      forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return state.held;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const pem = (der: string) =>
  `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/**
 * cosign's legacy signature for an image (`sha256-<hex>.sig`): the simple-signing payload as the only
 * layer, signed keylessly through the local Sigstore stack, with the signature, certificate, chain and
 * Rekor entry (SET) in the layer's annotations, exactly where `cosign sign` puts them.
 */
async function pushCosignSignature(
  host: string,
  repository: string,
  digest: string,
  stack: Awaited<ReturnType<typeof startSigstoreStack>>,
  claims: Record<string, unknown>,
): Promise<void> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': `${host}/${repository}` },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const bundle = (await signToBundle({
    data: payload,
    content: { kind: 'message' },
    identity: { kind: 'keyless', identityToken: stack.token(claims) },
    services: { fulcioUrl: stack.url, rekor: { url: stack.url, majorApiVersion: 1 } },
    retries: 0,
  })) as unknown as {
    verificationMaterial: {
      certificate?: { rawBytes: string };
      x509CertificateChain?: { certificates: { rawBytes: string }[] };
      tlogEntries: {
        logIndex: string;
        logId: { keyId: string };
        integratedTime: string;
        inclusionPromise: { signedEntryTimestamp: string };
        canonicalizedBody: string;
      }[];
    };
    messageSignature: { signature: string };
  };
  const entry = bundle.verificationMaterial.tlogEntries[0]!;
  const root = (
    stack.trustedRoot.certificateAuthorities as { certChain: { certificates: { rawBytes: string }[] } }[]
  )[0]!.certChain.certificates[0]!.rawBytes;
  const c = client(host, repository);
  try {
    const layerDigest = await c.pushBlob(payload);
    const config = Buffer.from(
      JSON.stringify({
        architecture: '',
        os: '',
        rootfs: { type: 'layers', diff_ids: [layerDigest] },
        config: {},
      }),
    );
    const configDigest = await c.pushBlob(config);
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: config.length },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          digest: layerDigest,
          size: payload.length,
          annotations: {
            'dev.cosignproject.cosign/signature': bundle.messageSignature.signature,
            'dev.sigstore.cosign/certificate': pem(
              bundle.verificationMaterial.certificate?.rawBytes ??
                bundle.verificationMaterial.x509CertificateChain!.certificates[0]!.rawBytes,
            ),
            'dev.sigstore.cosign/chain': pem(root),
            'dev.sigstore.cosign/bundle': JSON.stringify({
              SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
              Payload: {
                body: entry.canonicalizedBody,
                integratedTime: Number(entry.integratedTime),
                logIndex: Number(entry.logIndex),
                logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
              },
            }),
          },
        },
      ],
    };
    await c.putManifest(
      `${referrersTag(digest)}.sig`,
      Buffer.from(JSON.stringify(manifest)),
      MEDIA_TYPES.ociManifest,
    );
  } finally {
    await c.close();
  }
}

describe('image signatures and attestations in a registry', function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let dir: { dir: string; cleanup(): Promise<void> };
  let keyFile: string;
  let publicKeyFile: string;
  let otherPublicKeyFile: string;
  let predicateFile: string;
  before(async () => {
    registry = await startRegistry();
    dir = await makeTempDir('raygate-verify-registry-');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyFile = path.join(dir.dir, 'key.pem');
    publicKeyFile = path.join(dir.dir, 'key.pub');
    otherPublicKeyFile = path.join(dir.dir, 'other.pub');
    predicateFile = path.join(dir.dir, 'sbom.json');
    await writeFile(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await writeFile(publicKeyFile, publicKey.export({ format: 'pem', type: 'spki' }));
    await writeFile(
      otherPublicKeyFile,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }),
    );
    await writeFile(
      predicateFile,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }),
    );
  });
  after(async () => {
    await registry?.stop();
    await dir?.cleanup();
  });

  const registryFlags = (host: string) => ['--insecure-registry', host];

  describe('when the registry has no referrers API (distribution 2.8)', () => {
    it('signs and attests, keeps the sha256-<hex> tag index, and verify finds both through it', async () => {
      const digest = await pushImage(registry.host, 'ray', 'v1', 'signed image');
      const ref = `image:${registry.host}/ray:v1`;
      const sign = await runCli([
        'sign',
        ref,
        '--key',
        keyFile,
        '--no-tlog',
        '--bundle',
        path.join(dir.dir, 'sig.json'),
        '--push',
        ...registryFlags(registry.host),
      ]);
      assert.equal(sign.code, 0, sign.stderr);
      assert.match(sign.stderr, /referrers tag/);
      const attest = await runCli([
        'attest',
        '--subject',
        ref,
        '--predicate',
        predicateFile,
        '--type',
        'cyclonedx',
        '--key',
        keyFile,
        '--no-tlog',
        '--bundle',
        path.join(dir.dir, 'att.json'),
        '--push',
        ...registryFlags(registry.host),
      ]);
      assert.equal(attest.code, 0, attest.stderr);

      const c = client(registry.host, 'ray');
      const index = JSON.parse(
        Buffer.from((await c.getManifest(referrersTag(digest), 1 << 20)).bytes).toString('utf8'),
      ) as { manifests: unknown[] };
      assert.equal(index.manifests.length, 2);
      const discovery = await discoverAttachments(registryAttachmentStore(c), digest);
      await c.close();
      assert.equal(discovery.referrersVia, 'referrers-tag');
      assert.equal(discovery.evidence.length, 2);

      const verify = await runCli([
        'verify',
        ref,
        '--key',
        publicKeyFile,
        '--require',
        'signature',
        '--require',
        'sbom',
        '--format',
        'json',
        ...registryFlags(registry.host),
      ]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const report = JSON.parse(verify.stdout) as {
        artifacts: { verdict: string; evidence: { kind: string; status: string }[] }[];
      };
      assert.equal(report.artifacts[0]!.verdict, 'pass');
      assert.deepEqual(report.artifacts[0]!.evidence.map((e) => `${e.kind}:${e.status}`).sort(), [
        'sbom:verified',
        'signature:verified',
      ]);
    });

    it('fails an image signed by another key, and says no evidence for an image nobody signed', async () => {
      await pushImage(registry.host, 'ray', 'v2', 'another image');
      const ref = `image:${registry.host}/ray:v1`;
      const wrongKey = await runCli([
        'verify',
        ref,
        '--key',
        otherPublicKeyFile,
        ...registryFlags(registry.host),
      ]);
      assert.equal(wrongKey.code, 1, wrongKey.stdout + wrongKey.stderr);
      assert.match(wrongKey.stdout, /BUNDLE_SIGNATURE_INVALID/);
      const unsigned = await runCli([
        'verify',
        `image:${registry.host}/ray:v2`,
        '--key',
        publicKeyFile,
        ...registryFlags(registry.host),
      ]);
      assert.equal(unsigned.code, 5, unsigned.stdout + unsigned.stderr);
      assert.match(unsigned.stdout, /NO-EVIDENCE/);
    });

    it('refuses a referrer whose subject is another image', async () => {
      const victim = await pushImage(registry.host, 'ray', 'victim', 'victim');
      const c = client(registry.host, 'ray');
      try {
        // A referrer made for v1, listed in the victim's fallback index.
        const v1 = await c.getManifest('v1', 1 << 20);
        const index = JSON.parse(
          Buffer.from((await c.getManifest(referrersTag(v1.digest), 1 << 20)).bytes).toString('utf8'),
        ) as { manifests: { digest: string }[] };
        await c.putManifest(
          referrersTag(victim),
          Buffer.from(
            JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index.manifests }),
          ),
          MEDIA_TYPES.ociIndex,
        );
        const discovery = await discoverAttachments(registryAttachmentStore(c), victim);
        assert.equal(discovery.evidence.length, 2);
        for (const e of discovery.evidence) {
          assert.equal(e.content.kind, 'malformed');
          assert.equal(e.content.kind === 'malformed' && e.content.code, 'BUNDLE_SUBJECT_MISMATCH');
        }
      } finally {
        await c.close();
      }
    });
  });

  describe('when a registry front serves the referrers API', () => {
    it('pushes without the fallback tag and discovers through the API', async () => {
      const front = await startReferrersFront(registry.host);
      try {
        const digest = await pushImage(front.host, 'api', 'v1', 'api image');
        const ref = `image:${front.host}/api:v1`;
        const sign = await runCli([
          'sign',
          ref,
          '--key',
          keyFile,
          '--no-tlog',
          '--bundle',
          path.join(dir.dir, 'sig2.json'),
          '--push',
          ...registryFlags(front.host),
        ]);
        assert.equal(sign.code, 0, sign.stderr);
        assert.match(sign.stderr, /indexed by the registry/);
        const c = client(registry.host, 'api');
        await assert.rejects(
          c.getManifest(referrersTag(digest), 1 << 20),
          /OCI_MANIFEST_UNKNOWN|no manifest/,
        );
        await c.close();
        const verify = await runCli([
          'verify',
          ref,
          '--key',
          publicKeyFile,
          '--format',
          'json',
          ...registryFlags(front.host),
        ]);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
        assert.ok(front.referrerCalls > 0);
        assert.match(verify.stdout, /"via": "referrers-api"/);
      } finally {
        await front.close();
      }
    });
  });

  describe('when an image carries a keyless cosign signature (the legacy .sig tag)', () => {
    it('finds it by the sha256-<hex>.sig tag, verifies it for the right identity and rejects another', async () => {
      const stack = await startSigstoreStack();
      const root = path.join(dir.dir, 'mock-root.json');
      try {
        await writeFile(root, JSON.stringify(stack.trustedRoot));
        const digest = await pushImage(registry.host, 'cosigned', 'v1', 'cosign-signed image');
        const signer = 'https://github.com/acme/ray-images/.github/workflows/release.yml@refs/tags/v1';
        await pushCosignSignature(registry.host, 'cosigned', digest, stack, {
          iss: 'https://token.actions.githubusercontent.com',
          sub: signer,
          repository: 'acme/ray-images',
          ref: 'refs/tags/v1',
          workflow_ref: 'acme/ray-images/.github/workflows/release.yml@refs/tags/v1',
          job_workflow_ref: 'acme/ray-images/.github/workflows/release.yml@refs/tags/v1',
        });
        const ref = `image:${registry.host}/cosigned:v1`;
        const common = ['--trusted-root', root, ...registryFlags(registry.host), '--require', 'signature'];
        const ok = await runCli([
          'verify',
          ref,
          '--github-repository',
          'acme/ray-images',
          '--format',
          'json',
          ...common,
        ]);
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        const report = JSON.parse(ok.stdout) as {
          artifacts: {
            evidence: {
              format: string;
              status: string;
              origin: { via: string };
              signer: { identity: string };
            }[];
          }[];
        };
        const [evidence] = report.artifacts[0]!.evidence;
        assert.equal(evidence!.format, 'cosign-simple-signing');
        assert.equal(evidence!.origin.via, 'cosign-tag');
        assert.equal(evidence!.signer.identity, signer);
        const other = await runCli(['verify', ref, '--github-repository', 'acme/other', ...common]);
        assert.equal(other.code, 1, other.stdout + other.stderr);
        assert.match(other.stdout, /BUNDLE_IDENTITY_MISMATCH/);
        const email = await runCli([
          'verify',
          ref,
          '--certificate-identity',
          signer,
          '--certificate-oidc-issuer',
          'https://accounts.google.com',
          ...common,
        ]);
        assert.equal(email.code, 1, 'the issuer must match too');
      } finally {
        await stack.close();
      }
    });
  });

  describe('when two writers update the referrers tag at once', () => {
    it('keeps both entries: each merges, writes, and checks its entry survived', async () => {
      const digest = await pushImage(registry.host, 'race', 'v1', 'raced image');
      const front = await startBarrierFront(registry.host, () => referrersTag(digest), 2);
      try {
        const ref = `image:${front.host}/race:v1`;
        const attest = (n: number, type: string) =>
          runCli([
            'attest',
            '--subject',
            ref,
            '--predicate',
            predicateFile,
            '--type',
            type,
            '--key',
            keyFile,
            '--no-tlog',
            '--bundle',
            path.join(dir.dir, `race-${n}.json`),
            '--push',
            ...registryFlags(front.host),
          ]);
        const [a, b] = await Promise.all([attest(1, 'cyclonedx'), attest(2, 'https://example.com/other/v1')]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(b.code, 0, b.stderr);
        assert.equal(front.held, 2, 'both writers read the index before either wrote it');
        const c = client(registry.host, 'race');
        const index = JSON.parse(
          Buffer.from((await c.getManifest(referrersTag(digest), 1 << 20)).bytes).toString('utf8'),
        ) as { manifests: { annotations?: Record<string, string> }[] };
        await c.close();
        assert.deepEqual(
          index.manifests.map((m) => m.annotations?.['dev.sigstore.bundle.predicateType']).sort(),
          ['https://cyclonedx.org/bom', 'https://example.com/other/v1'],
        );
      } finally {
        await front.close();
      }
    });
  });
});

/** Pushes a one-layer image built here; returns its manifest digest. */
function pushImage(host: string, repository: string, tag: string, content: string): Promise<string> {
  return pushOneLayerImage(host, repository, tag, [{ name: 'hello.txt', content }]);
}
