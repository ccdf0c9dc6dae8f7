import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { scanDirectory } from '../../support/scan-dir.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { metadata, writeTree } from '../../support/tree.ts';

const SP = '/venv/lib/python3.11/site-packages';

function dependsOn(result: ScanResult): string[] {
  const name = (id: string) => result.packages.find((p) => p.id === id)!.name;
  return result.relationships
    .filter((r) => r.type === 'depends-on')
    .map((r) => `${name(r.from)} -> ${name(r.to)}`)
    .sort();
}

describe('python dependency edges', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let result: ScanResult;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const installed = [
      'base',
      'extra-a',
      'extra-b',
      'extra-c',
      'win-only',
      'unknown-marker',
      'mac-dep',
      'old-py',
    ];
    const files: Record<string, string> = {
      '/venv/pyvenv.cfg': 'home = /usr/bin\nversion = 3.11.7\n',
      [`${SP}/app-1.0.dist-info/METADATA`]: metadata(
        'app',
        '1.0',
        'Requires-Dist: Base>=1',
        'Requires-Dist: win_only; sys_platform == "win32"',
        'Requires-Dist: old-py; python_version < "3.8"',
        // platform_release cannot be read from an environment on disk: unknown.
        'Requires-Dist: unknown-marker; platform_release >= "5"',
        'Requires-Dist: absent-unknown; platform_release >= "5"',
        'Provides-Extra: full',
        'Requires-Dist: extra-a; extra == "full"',
        'Requires-Dist: extra-b; python_version >= "3.8" and extra == "full"',
        'Provides-Extra: partial',
        'Requires-Dist: extra-a; extra == "partial"',
        'Requires-Dist: missing; extra == "partial"',
        'Provides-Extra: mac',
        'Requires-Dist: mac-dep; sys_platform == "darwin" and extra == "mac"',
        'Provides-Extra: all',
        'Requires-Dist: app[full,partial]; extra == "all"',
        'Requires-Dist: extra-c; extra == "all"',
      ),
    };
    for (const name of installed) files[`${SP}/${name}-1.0.dist-info/METADATA`] = metadata(name, '1.0');
    await writeTree(dir, files);
    result = await scanDirectory(dir);
  });
  after(() => cleanup());

  it('reads the environment the markers are evaluated in', () => {
    assert.equal(result.environments.length, 1);
    assert.equal(result.environments[0]!.markers.python_full_version, '3.11.7');
    assert.equal(result.environments[0]!.markers.sys_platform, 'linux');
  });

  it('draws edges for requirements whose markers hold and for installed extras only', () => {
    assert.deepEqual(dependsOn(result), [
      // base requirement
      'app -> base',
      // extra "full" is installed: all its requirements are
      'app -> extra-a',
      'app -> extra-b',
      // marker unknown, target installed
      'app -> unknown-marker',
    ]);
    // Not drawn: win-only and old-py (markers false), absent-unknown and missing (not installed),
    // mac-dep (the "mac" extra's requirement does not apply on Linux), extra-c ("all" needs "partial",
    // which is not installed because "missing" is not).
  });
});
