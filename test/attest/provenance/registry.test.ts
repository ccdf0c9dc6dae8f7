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
import { startRegistry } from '../../support/registry.ts';
import type { RunningRegistry } from '../../support/registry.ts';
import { runCli } from '../../support/run-cli.ts';
import { buildTarGz } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

function client(host: string, repository: string): RegistryClient {
  return new RegistryClient({
    registry: host,
    repository,
    insecure: true,
    hostGuard: new HostGuard({ allow: [host] }),
  });
}

/** Pushes a one-layer image built here; returns its manifest digest. */
async function pushImage(host: string, repository: string, tag: string, content: string): Promise<string> {
  const c = client(host, repository);
  try {
    const layer = buildTarGz([{ name: 'hello.txt', content }]);
    const layerDigest = await c.pushBlob(layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
        config: {},
      }),
    );
    const configDigest = await c.pushBlob(config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: config.length },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: layerDigest,
            size: layer.length,
          },
        ],
      }),
    );
    return (await c.putManifest(tag, manifest, MEDIA_TYPES.ociManifest)).digest;
  } finally {
    await c.close();
  }
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
});
