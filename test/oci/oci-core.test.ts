import assert from 'node:assert/strict';
import { HostGuard } from '../../src/oci/host-policy.ts';
import { parseManifestDocument } from '../../src/oci/manifest.ts';
import { parsePlatform, selectPlatform } from '../../src/oci/platform.ts';
import { parseImageReference } from '../../src/oci/reference.ts';
import { parseWwwAuthenticate } from '../../src/oci/www-authenticate.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('image references', () => {
  describe('when a name has no registry', () => {
    it('means Docker Hub, with library/ for official images and latest for no tag', () => {
      assert.deepEqual(parseImageReference('ubuntu'), {
        registry: 'docker.io',
        repository: 'library/ubuntu',
        tag: 'latest',
      });
      assert.deepEqual(parseImageReference('rayproject/ray:2.9.0-py311-cpu'), {
        registry: 'docker.io',
        repository: 'rayproject/ray',
        tag: '2.9.0-py311-cpu',
      });
    });
  });
  describe('when a registry, port and digest are given', () => {
    it('splits them', () => {
      assert.deepEqual(parseImageReference(`127.0.0.1:5000/ray/base:v1@${D(1)}`), {
        registry: '127.0.0.1:5000',
        repository: 'ray/base',
        tag: 'v1',
        digest: D(1),
      });
      assert.equal(parseImageReference('localhost/x').registry, 'localhost');
    });
    it('rejects malformed references', async () => {
      await assertRejectsWithCode(() => parseImageReference('UPPER/case'), 'OCI_REFERENCE_INVALID');
      await assertRejectsWithCode(() => parseImageReference('x@sha256:abc'), 'OCI_REFERENCE_INVALID');
    });
  });
});

describe('platform selection', () => {
  const index = [
    { mediaType: 'm', digest: D(1), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: 'm',
      digest: D(2),
      size: 1,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    {
      mediaType: 'm',
      digest: D(3),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
  ];
  describe('when the index has the platform', () => {
    it('picks it, treating arm64 and arm64/v8 alike', () => {
      assert.equal(selectPlatform(index, parsePlatform('linux/amd64'), 'x').digest, D(1));
      assert.equal(selectPlatform(index, parsePlatform('linux/arm64'), 'x').digest, D(2));
    });
  });
  describe('when it does not', () => {
    it('fails with OCI_PLATFORM_NOT_FOUND naming what is there (attestations left out)', async () => {
      const error = await assertRejectsWithCode(
        () => selectPlatform(index, parsePlatform('linux/s390x'), 'img'),
        'OCI_PLATFORM_NOT_FOUND',
      );
      assert.match(error.message, /linux\/amd64, linux\/arm64\b/);
      assert.doesNotMatch(error.message, /unknown/);
    });
    it('rejects a malformed platform', async () => {
      await assertRejectsWithCode(() => parsePlatform('amd64'), 'OCI_PLATFORM_INVALID');
    });
  });
});

describe('host guard', () => {
  describe('when the host is a literal private, loopback or link-local address', () => {
    it('refuses it unless allowed', async () => {
      const guard = new HostGuard();
      for (const host of [
        '127.0.0.1:5000',
        '10.1.2.3',
        '169.254.169.254',
        '[::1]:5000',
        '192.168.1.1',
        '[fe80::1]',
        '[::ffff:10.0.0.1]',
      ]) {
        await assertRejectsWithCode(() => guard.checkHost(host), 'OCI_HOST_DENIED');
      }
      assert.equal(new HostGuard({ allow: ['127.0.0.1:5000'] }).checkHost('127.0.0.1:5000'), true);
      assert.equal(new HostGuard({ allow: ['127.0.0.0/8'] }).checkHost('127.0.0.1:5000'), true);
      await assertRejectsWithCode(
        () => new HostGuard({ allow: ['127.0.0.1:5000'] }).checkHost('127.0.0.1:6000'),
        'OCI_HOST_DENIED',
      );
    });
  });
  describe('when a name resolves to a private address', () => {
    it('refuses the address unless the name was allowed', async () => {
      const guard = new HostGuard({ allow: ['registry.internal:5000'] });
      guard.checkAddress('93.184.216.34', 'example.org');
      await assertRejectsWithCode(() => guard.checkAddress('10.0.0.5', 'evil.example'), 'OCI_HOST_DENIED');
      guard.checkAddress('10.0.0.5', 'registry.internal', guard.isNameAllowed('registry.internal'));
    });
  });
  describe('when a host is on the deny list', () => {
    it('refuses it even if public', async () => {
      await assertRejectsWithCode(
        () => new HostGuard({ deny: ['ghcr.io'] }).checkHost('ghcr.io'),
        'OCI_HOST_DENIED',
      );
      await assertRejectsWithCode(
        () => new HostGuard({ deny: ['93.184.216.0/24'] }).checkAddress('93.184.216.34', 'x'),
        'OCI_HOST_DENIED',
      );
    });
  });
});

describe('WWW-Authenticate', () => {
  describe('when a registry sends a Bearer challenge', () => {
    it('reads realm, service and scope', () => {
      const [c] = parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
      );
      assert.deepEqual(c, {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/ubuntu:pull',
        },
      });
    });
    it('reads several challenges and escapes', () => {
      const cs = parseWwwAuthenticate(
        'Basic realm="a \\"b\\"", Bearer realm="https://x/t",error="invalid_token"',
      );
      assert.deepEqual(
        cs.map((c) => c.scheme),
        ['basic', 'bearer'],
      );
      assert.equal(cs[0]!.params.realm, 'a "b"');
      assert.equal(cs[1]!.params.error, 'invalid_token');
    });
  });
});

describe('manifest documents', () => {
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D(1), size: 2 };
  const enc = (o: object) => Buffer.from(JSON.stringify(o));
  describe('when the document is an index or a manifest', () => {
    it('tells them apart by media type or shape', () => {
      assert.equal(parseManifestDocument(enc({ schemaVersion: 2, manifests: [] }), undefined).kind, 'index');
      const m = parseManifestDocument(
        enc({
          schemaVersion: 2,
          config,
          layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D(2), size: 3 }],
        }),
        'application/vnd.docker.distribution.manifest.v2+json',
      );
      assert.equal(m.kind, 'manifest');
    });
  });
  describe('when it is something else', () => {
    it('refuses schema 1 and non-layer artifacts with OCI_UNSUPPORTED_MEDIA_TYPE', async () => {
      await assertRejectsWithCode(
        () =>
          parseManifestDocument(
            enc({ schemaVersion: 1 }),
            'application/vnd.docker.distribution.manifest.v1+prettyjws',
          ),
        'OCI_UNSUPPORTED_MEDIA_TYPE',
      );
      await assertRejectsWithCode(
        () =>
          parseManifestDocument(
            enc({
              schemaVersion: 2,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
              config,
              layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: D(2), size: 3 }],
            }),
            undefined,
          ),
        'OCI_UNSUPPORTED_MEDIA_TYPE',
      );
    });
    it('refuses invalid digests and non-JSON', async () => {
      await assertRejectsWithCode(
        () =>
          parseManifestDocument(
            enc({ schemaVersion: 2, config: { ...config, digest: 'md5:x' }, layers: [] }),
            undefined,
          ),
        'OCI_MANIFEST_INVALID',
      );
      await assertRejectsWithCode(
        () => parseManifestDocument(Buffer.from('<html>'), undefined),
        'OCI_MANIFEST_INVALID',
      );
    });
  });
});
