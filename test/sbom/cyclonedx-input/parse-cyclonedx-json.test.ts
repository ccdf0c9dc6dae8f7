import assert from 'node:assert/strict';
import { parseCycloneDxJson } from '../../../src/sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import { purlToPackage } from '../../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';

describe('parseCycloneDxJson', () => {
  describe('when the BOM has nested components, properties and occurrences', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      metadata: { component: { type: 'container', name: 'rayproject/ray', version: '2.6.3-py310' } },
      components: [
        {
          type: 'library',
          'bom-ref': 'pkg:pypi/ray@2.6.3?package-id=1',
          name: 'ray',
          version: '2.6.3',
          purl: 'pkg:pypi/ray@2.6.3',
          evidence: {
            occurrences: [
              { location: '/home/ray/anaconda3/lib/python3.10/site-packages/ray-2.6.3.dist-info/METADATA' },
            ],
          },
          components: [
            { type: 'library', name: 'vendored-lib', version: '1.0', purl: 'pkg:pypi/Vendored_Lib@1.0' },
          ],
        },
        {
          type: 'library',
          name: 'libssl3',
          version: '3.0.11-1~deb12u2',
          purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
          properties: [
            { name: 'syft:metadata:source', value: 'openssl' },
            { name: 'syft:metadata:sourceVersion', value: '3.0.11-1~deb12u2' },
            { name: 'syft:location:0:path', value: '/var/lib/dpkg/status' },
          ],
        },
        { type: 'file', name: '/usr/local/bin/haproxy' },
        { type: 'library', name: 'bad', purl: 'not a purl' },
      ],
    };

    it('reads every component into a package, nested ones too', () => {
      const inventory = parseCycloneDxJson(bom, 'image.cdx.json');
      assert.deepEqual(
        inventory.packages.map((p) => [p.ecosystem, p.name, p.version]),
        [
          ['pypi', 'ray', '2.6.3'],
          ['pypi', 'vendored-lib', '1.0'],
          ['deb', 'libssl3', '3.0.11-1~deb12u2'],
          ['generic', '/usr/local/bin/haproxy', undefined],
          ['generic', 'bad', undefined],
        ],
      );
      assert.equal(inventory.packages[0]!.locations[0]!.path.endsWith('METADATA'), true);
      const ssl = inventory.packages[2]!;
      assert.deepEqual(ssl.metadata, {
        kind: 'dpkg',
        architecture: 'amd64',
        source: 'openssl',
        sourceVersion: '3.0.11-1~deb12u2',
      });
      assert.deepEqual(ssl.locations, [{ path: '/var/lib/dpkg/status' }]);
      assert.deepEqual(
        inventory.problems.map((p) => p.code),
        ['SBOM_PURL_INVALID'],
      );
      assert.equal(inventory.target.version, '2.6.3-py310');
      assert.equal(inventory.serialNumber, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    });
  });

  describe('when components declare licenses and hashes', () => {
    const inventory = parseCycloneDxJson(
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [
          {
            type: 'library',
            name: 'ghostscript-py',
            version: '1.0',
            purl: 'pkg:pypi/ghostscript-py@1.0',
            licenses: [{ license: { id: 'AGPL-3.0-only' } }, { license: { name: 'Some Custom Licence' } }],
            hashes: [
              { alg: 'SHA-256', content: 'A'.repeat(64) },
              { alg: 'SHA-256', content: 'not-hex' },
              { alg: 'BLAKE3', content: 'a'.repeat(64) },
            ],
          },
          {
            type: 'library',
            name: 'dual',
            version: '2.0',
            purl: 'pkg:pypi/dual@2.0',
            licenses: [{ expression: 'mit or apache-2.0' }],
          },
          { type: 'file', name: 'blob.bin', licenses: [{ license: { id: 'MIT' } }] },
        ],
      },
      'uploaded.cdx.json',
    );
    const byName = (name: string) => inventory.packages.find((p) => p.name === name)!;

    it('keeps SPDX ids and expressions as expressions and other names as text', () => {
      assert.deepEqual(byName('ghostscript-py').licenses, [
        { expression: 'AGPL-3.0-only' },
        { text: 'Some Custom Licence' },
      ]);
      assert.deepEqual(byName('dual').licenses, [{ expression: 'MIT OR Apache-2.0' }]);
      assert.deepEqual(byName('blob.bin').licenses, [{ expression: 'MIT' }]);
    });

    it('keeps well-formed hashes of known algorithms only, in lower case', () => {
      assert.deepEqual(byName('ghostscript-py').hashes, [{ algorithm: 'sha256', value: 'a'.repeat(64) }]);
      assert.deepEqual(byName('dual').hashes, []);
    });
  });

  describe('when the document is not CycloneDX', () => {
    it('refuses it with SBOM_INPUT_INVALID', async () => {
      await assertRejectsWithCode(
        () => parseCycloneDxJson({ spdxVersion: 'SPDX-2.3' }, 'x.json'),
        'SBOM_INPUT_INVALID',
      );
    });
  });
});

describe('purlToPackage', () => {
  it('reads a Debian source package from syft’s upstream qualifier', () => {
    const pkg = purlToPackage(
      'pkg:deb/debian/libc-bin@2.36-9+deb12u4?distro=debian-12&upstream=glibc%402.36-9%2Bdeb12u4',
    )!;
    assert.deepEqual(pkg.metadata, { kind: 'dpkg', source: 'glibc', sourceVersion: '2.36-9+deb12u4' });
  });

  it('returns undefined for text that is not a purl', () => {
    assert.equal(purlToPackage('ray==2.6.3'), undefined);
  });
});
