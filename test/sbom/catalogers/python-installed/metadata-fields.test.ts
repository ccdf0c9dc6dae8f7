import assert from 'node:assert/strict';
import type { Package, PythonInstalledMetadata, ScanResult } from '../../../../src/sbom/model.ts';
import { problemKeys, scanDirectory } from '../../../support/scan-dir.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';
import { metadata, writeTree } from '../../../support/tree.ts';

const SP = '/lib/python3.12/site-packages';
const SHA = 'ab'.repeat(32);

describe('installed distribution fields', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let result: ScanResult;
  const at = (folder: string) =>
    result.packages.find((p) => p.locations[0]!.path === `${SP}/${folder}/METADATA`) as Package & {
      metadata: PythonInstalledMetadata;
    };

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await writeTree(dir, {
      [`${SP}/spdx-1.0.dist-info/METADATA`]: metadata('spdx', '1.0', 'License-Expression: mit or apache-2.0'),
      [`${SP}/badexpr-1.0.dist-info/METADATA`]: metadata(
        'badexpr',
        '1.0',
        'License-Expression: MIT OR Not-A-License',
        'Requires-Dist: ok>=1',
        'Requires-Dist: broken (>=',
      ),
      [`${SP}/fromurl-2.0.dist-info/METADATA`]: metadata(
        'FromURL',
        '2.0',
        'Project-URL: Homepage, https://example.org/fromurl',
      ),
      [`${SP}/fromurl-2.0.dist-info/direct_url.json`]: JSON.stringify({
        url: 'https://files.example.org/fromurl-2.0-py3-none-any.whl',
        archive_info: { hashes: { sha256: SHA } },
      }),
      [`${SP}/fromurl-2.0.dist-info/INSTALLER`]: 'uv\n',
      [`${SP}/fromurl-2.0.dist-info/WHEEL`]: 'Wheel-Version: 1.0\nTag: py3-none-any\n',
      [`${SP}/future-1.0.dist-info/METADATA`]: 'Metadata-Version: 3.0\nName: future\nVersion: 1.0\n',
    });
    result = await scanDirectory(dir);
  });
  after(() => cleanup());

  it('normalises a PEP 639 License-Expression, and keeps an invalid one as text with a warning', () => {
    assert.deepEqual(at('spdx-1.0.dist-info').licenses, [{ expression: 'MIT OR Apache-2.0' }]);
    assert.deepEqual(at('badexpr-1.0.dist-info').licenses, [{ text: 'MIT OR Not-A-License' }]);
  });

  it('skips a requirement that is not PEP 508 and keeps the others', () => {
    assert.deepEqual(
      at('badexpr-1.0.dist-info').metadata.requiresDist.map((d) => d.name),
      ['ok'],
    );
  });

  it('uses the hash of the archive a PEP 610 install came from as the distribution’s hash', () => {
    const pkg = at('fromurl-2.0.dist-info');
    assert.deepEqual(pkg.hashes, [{ algorithm: 'sha256', value: SHA }]);
    assert.equal(pkg.metadata.directUrl?.archiveHash, `sha256=${SHA}`);
    assert.equal(pkg.metadata.installer, 'uv');
    assert.deepEqual(pkg.metadata.wheelTags, ['py3-none-any']);
    assert.equal(pkg.metadata.homepage, 'https://example.org/fromurl');
    assert.equal(pkg.metadata.rawName, 'FromURL');
    assert.equal(pkg.name, 'fromurl');
  });

  it('reads a newer major Metadata-Version with a warning', () => {
    assert.equal(at('future-1.0.dist-info').version, '1.0');
    assert.deepEqual(problemKeys(result), [
      `SBOM_LICENSE_EXPRESSION_INVALID ${SP}/badexpr-1.0.dist-info/METADATA`,
      `SBOM_PYTHON_METADATA_VERSION_UNKNOWN ${SP}/future-1.0.dist-info/METADATA`,
      `SBOM_PYTHON_REQUIREMENT_INVALID ${SP}/badexpr-1.0.dist-info/METADATA`,
    ]);
  });
});
