import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { makeTestCa, makeTokenSigner } from '../../support/certs.ts';
import { digestOf, OciLayoutWriter } from '../../support/oci-layout-writer.ts';
import { startRegistry } from '../../support/registry.ts';
import type { RunningRegistry } from '../../support/registry.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { buildTar } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { run } from '../../support/test-cache.ts';
import { startTokenServer } from '../../support/token-server.ts';
import { debsOf, scanImage } from './scan-image.ts';

const STATUS = path.join(REPO_ROOT, 'test/fixtures/sbom/dpkg/debian12/var/lib/dpkg/status');
const OS_RELEASE = path.join(REPO_ROOT, 'test/fixtures/sbom/dpkg/debian12/etc/os-release');

/** A small image whose layer holds a real Debian 12 dpkg status and os-release. */
async function smallLayout(dir: string): Promise<string> {
  const tar = buildTar([
    { name: 'etc/os-release', content: await readFile(OS_RELEASE) },
    { name: 'var/lib/dpkg/status', content: await readFile(STATUS) },
  ]);
  const writer = new OciLayoutWriter(dir);
  await writer.init();
  await writer.image([{ bytes: gzipSync(tar), diffId: digestOf(tar) }], 'small');
  return dir;
}

async function push(layout: string, tag: string, dest: string, extra: string[] = []): Promise<void> {
  await run(
    'skopeo',
    ['copy', '--quiet', '--dest-tls-verify=false', ...extra, `oci:${layout}:${tag}`, `docker://${dest}`],
    {
      maxBuffer: 1 << 24,
    },
  );
}

async function dockerConfig(dir: string, config: object): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('registry images (CNCF distribution on 127.0.0.1)', function () {
  this.timeout(180_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  let layout: string;
  const expectedDebs = async () => {
    const result = await scanImage(`oci-dir:${layout}:small`);
    return debsOf(result);
  };

  before(async () => {
    temp = await makeTempDir('raygate-registry-test-');
    layout = await smallLayout(path.join(temp.dir, 'layout'));
  });
  after(async () => {
    await temp.cleanup();
  });

  describe('when the registry is plain HTTP without auth', () => {
    let registry: RunningRegistry;
    before(async () => {
      registry = await startRegistry();
      await push(layout, 'small', `${registry.host}/raygate/small:v1`);
    });
    after(async () => {
      await registry.stop();
    });
    const insecure = () => ({
      registry: { insecureRegistries: [registry.host], dockerConfigDir: path.join(temp.dir, 'no-config') },
    });

    it('pulls, verifies and scans the image like the layout it came from', async () => {
      const result = await scanImage(`image:${registry.host}/raygate/small:v1`, insecure());
      assert.deepEqual(debsOf(result), await expectedDebs());
      assert.equal(result.target.type, 'image');
      assert.equal(result.target.name, `${registry.host}/raygate/small`);
      assert.equal(result.target.version, 'v1');
      assert.match(
        result.target.purl!,
        /^pkg:oci\/small@sha256:[0-9a-f]{64}\?arch=amd64&repository_url=127\.0\.0\.1%3A\d+%2Fraygate%2Fsmall&tag=v1$/,
      );
    });

    it('reads Docker v2 schema 2 manifests (skopeo --format v2s2) as well as OCI ones', async () => {
      await push(layout, 'small', `${registry.host}/raygate/docker:v1`, ['--format', 'v2s2']);
      const { source } = await openTarget(`image:${registry.host}/raygate/docker:v1`, insecure());
      const manifest = await fetch(`http://${registry.host}/v2/raygate/docker/manifests/v1`, {
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
      assert.equal(
        manifest.headers.get('content-type'),
        'application/vnd.docker.distribution.manifest.v2+json',
      );
      assert.equal(source.description.digest, manifest.headers.get('docker-content-digest'));
      const result = await scanImage(`image:${registry.host}/raygate/docker:v1`, insecure());
      assert.deepEqual(debsOf(result), await expectedDebs());
    });

    it('refuses an artifact that is not a container image with OCI_UNSUPPORTED_MEDIA_TYPE', async () => {
      // Pushed over the distribution API itself: blobs by monolithic upload, then the manifest.
      const base = `http://${registry.host}/v2/raygate/artifact`;
      const upload = async (bytes: Buffer) => {
        const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
        const location = new URL(start.headers.get('location')!, base);
        location.searchParams.set('digest', digestOf(bytes));
        const put = await fetch(location, {
          method: 'PUT',
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
        });
        assert.equal(put.status, 201);
        return { digest: digestOf(bytes), size: bytes.length };
      };
      const config = await upload(Buffer.from('{}'));
      const bundle = await upload(
        Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'),
      );
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...bundle }],
      };
      const put = await fetch(`${base}/manifests/sig`, {
        method: 'PUT',
        body: JSON.stringify(manifest),
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(put.status, 201);
      await assertRejectsWithCode(
        () => openTarget(`image:${registry.host}/raygate/artifact:sig`, insecure()),
        'OCI_UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('pulls by digest', async () => {
      const { source } = await openTarget(`image:${registry.host}/raygate/small:v1`, insecure());
      const byDigest = await scanImage(
        `image:${registry.host}/raygate/small@${source.description.digest}`,
        insecure(),
      );
      assert.equal(byDigest.target.digest, source.description.digest);
    });

    it('refuses the loopback registry unless it is allowed, before any request', async () => {
      await assertRejectsWithCode(
        () =>
          openTarget(`image:${registry.host}/raygate/small:v1`, { registry: { dockerConfigDir: temp.dir } }),
        'OCI_HOST_DENIED',
      );
    });

    it('checks the addresses a host name resolves to (localhost is loopback)', async () => {
      const port = registry.host.split(':')[1];
      const error = await assertRejectsWithCode(
        () =>
          openTarget(`image:localhost:${port}/raygate/small:v1`, { registry: { dockerConfigDir: temp.dir } }),
        'OCI_HOST_DENIED',
      );
      assert.match(error.message, /resolves to (127\.0\.0\.1|::1)/);
      const allowed = await scanImage(`image:localhost:${port}/raygate/small:v1`, {
        registry: { insecureRegistries: [`localhost:${port}`], dockerConfigDir: temp.dir },
      });
      assert.ok(allowed.packages.length > 600);
    });

    it('says the image is unknown', async () => {
      await assertRejectsWithCode(
        () => openTarget(`image:${registry.host}/raygate/small:nope`, insecure()),
        'OCI_MANIFEST_UNKNOWN',
      );
      await assertRejectsWithCode(
        () => openTarget(`image:${registry.host}/raygate/absent:v1`, insecure()),
        'OCI_MANIFEST_UNKNOWN',
      );
    });

    it('selects the platform from a multi-arch index and names the ones it has', async () => {
      const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
        manifests: { digest: string; size: number; mediaType: string }[];
      };
      const m = index.manifests[0]!;
      const writer = new OciLayoutWriter(layout);
      const multi = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: m.mediaType,
              digest: m.digest,
              size: m.size,
              platform: { os: 'linux', architecture: 'amd64' },
            },
            {
              mediaType: m.mediaType,
              digest: m.digest,
              size: m.size,
              platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
            },
          ],
        }),
      );
      const blob = await writer.blob(multi, 'application/vnd.oci.image.index.v1+json');
      await writer.index([
        ...index.manifests,
        { ...blob, annotations: { 'org.opencontainers.image.ref.name': 'multi' } },
      ]);
      await push(layout, 'multi', `${registry.host}/raygate/small:multi`, ['--all']);
      const arm = await scanImage(`image:${registry.host}/raygate/small:multi`, {
        ...insecure(),
        platform: 'linux/arm64',
      });
      assert.equal(arm.target.digest, m.digest);
      const error = await assertRejectsWithCode(
        () =>
          openTarget(`image:${registry.host}/raygate/small:multi`, {
            ...insecure(),
            platform: 'linux/s390x',
          }),
        'OCI_PLATFORM_NOT_FOUND',
      );
      assert.match(error.message, /linux\/amd64, linux\/arm64/);
    });

    it('fails with OCI_DIGEST_MISMATCH when the stored blob was altered', async () => {
      await push(layout, 'small', `${registry.host}/raygate/tampered:v1`);
      const { source } = await openTarget(`image:${registry.host}/raygate/tampered:v1`, insecure());
      const layer = source.description.properties!['raygate:image:layers']!;
      const data = path.join(
        registry.storage,
        'docker/registry/v2/blobs/sha256',
        layer.slice(7, 9),
        layer.slice(7),
        'data',
      );
      const bytes = await readFile(data);
      bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
      await writeFile(data, bytes);
      await assertRejectsWithCode(() => source.open(() => true), 'OCI_DIGEST_MISMATCH');
    });
  });

  describe('when the registry uses token auth (auth: token with a local issuer)', () => {
    let registry: RunningRegistry;
    let tokens: Awaited<ReturnType<typeof startTokenServer>>;
    // The token realm is another loopback server: the host guard must be told it may be contacted too.
    const tokenHost = () => new URL(tokens.realm).host;
    before(async () => {
      const signer = await makeTokenSigner(temp.dir);
      tokens = await startTokenServer({
        ...signer,
        issuer: 'raygate-test-issuer',
        service: 'raygate-test',
        users: { alice: 's3cret' },
      });
      registry = await startRegistry({
        token: {
          realm: tokens.realm,
          service: 'raygate-test',
          issuer: 'raygate-test-issuer',
          rootCertBundle: signer.cert,
        },
      });
      await push(layout, 'small', `${registry.host}/private/small:v1`, ['--dest-creds', 'alice:s3cret']);
    });
    after(async () => {
      await registry.stop();
      await tokens.close();
    });

    it('gets a token for the repository with the credentials of ~/.docker/config.json (auths, base64)', async () => {
      const configDir = await dockerConfig(path.join(temp.dir, 'docker-auths'), {
        auths: { [registry.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } },
      });
      tokens.requests.length = 0;
      const result = await scanImage(`image:${registry.host}/private/small:v1`, {
        registry: {
          insecureRegistries: [registry.host],
          allowHosts: [tokenHost()],
          dockerConfigDir: configDir,
        },
      });
      assert.deepEqual(debsOf(result), await expectedDebs());
      assert.ok(
        tokens.requests.some(
          (r) =>
            r.user === 'alice' && r.scope === 'repository:private/small:pull' && r.service === 'raygate-test',
        ),
      );
    });

    it('asks a credential helper named in credHelpers', async () => {
      const bin = path.join(temp.dir, 'bin');
      await mkdir(bin, { recursive: true });
      const helper = path.join(bin, 'docker-credential-raygate-test');
      await writeFile(
        helper,
        `#!/bin/sh\nread server\nprintf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret"}' "$server"\n`,
      );
      await chmod(helper, 0o755);
      const configDir = await dockerConfig(path.join(temp.dir, 'docker-helper'), {
        credHelpers: { [registry.host]: 'raygate-test' },
      });
      const saved = process.env.PATH;
      process.env.PATH = `${bin}:${saved}`;
      try {
        const result = await scanImage(`image:${registry.host}/private/small:v1`, {
          registry: {
            insecureRegistries: [registry.host],
            allowHosts: [tokenHost()],
            dockerConfigDir: configDir,
          },
        });
        assert.ok(result.packages.length > 600);
      } finally {
        process.env.PATH = saved;
      }
    });

    it('is unauthorized without credentials, and with wrong ones', async () => {
      await assertRejectsWithCode(
        () =>
          openTarget(`image:${registry.host}/private/small:v1`, {
            registry: {
              insecureRegistries: [registry.host],
              allowHosts: [tokenHost()],
              dockerConfigDir: path.join(temp.dir, 'none'),
            },
          }),
        'OCI_UNAUTHORIZED',
      );
      const wrong = await dockerConfig(path.join(temp.dir, 'docker-wrong'), {
        auths: { [registry.host]: { auth: Buffer.from('alice:nope').toString('base64') } },
      });
      await assertRejectsWithCode(
        () =>
          openTarget(`image:${registry.host}/private/small:v1`, {
            registry: {
              insecureRegistries: [registry.host],
              allowHosts: [tokenHost()],
              dockerConfigDir: wrong,
            },
          }),
        'OCI_UNAUTHORIZED',
      );
    });
  });

  describe('when the registry uses basic auth over TLS with its own CA', () => {
    let registry: RunningRegistry;
    let caCert: string;
    let configDir: string;
    before(async () => {
      const ca = await makeTestCa(temp.dir);
      caCert = ca.caCert;
      const htpasswd = path.join(temp.dir, 'htpasswd');
      await run('htpasswd', ['-Bbc', htpasswd, 'bob', 'hunter2']);
      registry = await startRegistry({
        htpasswdFile: htpasswd,
        tls: { certificate: ca.serverCert, key: ca.serverKey },
      });
      await run('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        '--dest-creds',
        'bob:hunter2',
        `oci:${layout}:small`,
        `docker://${registry.host}/tls/small:v1`,
      ]);
      configDir = await dockerConfig(path.join(temp.dir, 'docker-basic'), {
        auths: { [`https://${registry.host}`]: { auth: Buffer.from('bob:hunter2').toString('base64') } },
      });
    });
    after(async () => {
      await registry.stop();
    });

    it('trusts the CA it is given and answers the Basic challenge', async () => {
      const result = await scanImage(`image:${registry.host}/tls/small:v1`, {
        registry: { allowHosts: [registry.host], caFile: caCert, dockerConfigDir: configDir },
      });
      assert.deepEqual(debsOf(result), await expectedDebs());
    });

    it('refuses the unknown certificate without the CA', async () => {
      await assertRejectsWithCode(
        () =>
          openTarget(`image:${registry.host}/tls/small:v1`, {
            registry: { allowHosts: [registry.host], dockerConfigDir: configDir },
          }),
        'OCI_REGISTRY_UNREACHABLE',
      );
    });
  });

  describe('when a registry rate-limits or sends a huge manifest (a local server speaking the wire format)', () => {
    let server: http.Server;
    let host: string;
    before(async () => {
      server = http.createServer((req, res) => {
        if (req.url?.includes('/limited/')) {
          res.writeHead(429, { 'retry-after': '42', 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'pull rate limit' }] }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        const chunk = Buffer.alloc(1 << 20, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 50 && res.write(chunk)) sent++;
          if (sent >= 50) res.end();
          else res.once('drain', pump);
        };
        res.on('error', () => {});
        pump();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('reports the rate limit with the retry-after the registry sent', async () => {
      const error = await assertRejectsWithCode(
        () =>
          openTarget(`image:${host}/limited/x:v1`, {
            registry: { insecureRegistries: [host], dockerConfigDir: temp.dir },
          }),
        'OCI_RATE_LIMITED',
      );
      assert.match(error.message, /retry after 42 seconds/);
      assert.equal(error.details?.retryAfter, '42');
    });

    it('stops reading a 50 MB manifest at the bound', async () => {
      await assertRejectsWithCode(
        () =>
          openTarget(`image:${host}/huge/x:v1`, {
            registry: { insecureRegistries: [host], dockerConfigDir: temp.dir },
          }),
        'OCI_MANIFEST_TOO_LARGE',
      );
    });
  });
});
