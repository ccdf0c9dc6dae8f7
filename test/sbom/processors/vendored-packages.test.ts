import assert from 'node:assert/strict';
import path from 'node:path';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { scanDirectory } from '../../support/scan-dir.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { metadata, writeTree } from '../../support/tree.ts';

const DEBIAN = path.join(
  REPO_ROOT,
  'test/fixtures/sbom/python-installed/debian12/usr/lib/python3/dist-packages',
);
const SP = '/venv/lib/python3.11/site-packages';

function edges(result: ScanResult, type: string): string[] {
  const name = (id: string) => {
    const pkg = result.packages.find((p) => p.id === id)!;
    return `${pkg.name}@${pkg.version}`;
  };
  return result.relationships
    .filter((r) => r.type === type)
    .map((r) => `${name(r.from)} -> ${name(r.to)}`)
    .sort();
}

describe('vendored packages', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let result: ScanResult;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await writeTree(dir, {
      // Listed by its owner's RECORD (how Ray lists ray/thirdparty_files/*).
      [`${SP}/owner-1.0.dist-info/METADATA`]: metadata('owner', '1.0', 'Requires-Dist: six'),
      [`${SP}/owner-1.0.dist-info/RECORD`]: [
        'owner/__init__.py,sha256=AAAA,10',
        'owner/_vendor/six-1.16.0.dist-info/METADATA,sha256=BBBB,20',
        'owner-1.0.dist-info/RECORD,,',
      ].join('\n'),
      [`${SP}/owner/_vendor/six-1.16.0.dist-info/METADATA`]: metadata('six', '1.16.0'),
      [`${SP}/six-1.17.0.dist-info/METADATA`]: metadata('six', '1.17.0'),
      // Not listed by any RECORD: found through the owner's top_level.txt (Debian's real pip metadata).
      [`${SP}/pip-23.0.1.dist-info/`]: { copy: `${DEBIAN}/pip-23.0.1.dist-info/` },
      [`${SP}/pip/_vendor/distro-1.8.0.dist-info/`]: { copy: `${DEBIAN}/distro-1.8.0.dist-info/` },
      // Inside site-packages but in a folder no installed distribution owns: an ordinary package.
      [`${SP}/stray/toml-0.10.2.egg-info/`]: { copy: `${DEBIAN}/toml-0.10.2.egg-info/` },
      // Outside any site-packages (pip install --target): an ordinary package.
      ['/opt/app/lib/yq-3.1.0.egg-info/']: { copy: `${DEBIAN}/yq-3.1.0.egg-info/` },
    });
    result = await scanDirectory(dir);
  });
  after(() => cleanup());

  it('links each vendored copy to its owner and nothing else', () => {
    assert.deepEqual(edges(result, 'vendors'), ['owner@1.0 -> six@1.16.0', 'pip@23.0.1 -> distro@1.8.0']);
  });

  it('keeps each vendored copy as its own package at its own location', () => {
    const sixes = result.packages.filter((p) => p.name === 'six').map((p) => p.locations[0]!.path);
    assert.deepEqual(sixes, [
      `${SP}/owner/_vendor/six-1.16.0.dist-info/METADATA`,
      `${SP}/six-1.17.0.dist-info/METADATA`,
    ]);
    assert.equal(result.packages.length, 7);
  });

  it('resolves the owner’s dependency in site-packages, not to the copy it vendors', () => {
    assert.deepEqual(edges(result, 'depends-on'), ['owner@1.0 -> six@1.17.0']);
  });
});
