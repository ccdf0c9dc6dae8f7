import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzePins } from '../../../src/advisories/pins/analyze.ts';
import { CATALOGERS, PROCESSORS } from '../../../src/sbom/catalogers/index.ts';
import { scanSource } from '../../../src/sbom/scan.ts';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

async function pinsOf(fixture: string) {
  const { source, singleFile } = await openTarget(path.join(REPO_ROOT, 'test/fixtures/sbom', fixture));
  return analyzePins(
    await scanSource(source, { catalogers: CATALOGERS, processors: PROCESSORS, singleFile }),
  );
}

describe('pins of lock files', () => {
  // Lock files hash each wheel and sdist they accept, not the package: those hashes count.
  for (const fixture of ['uv-lock/syft/simple-deps/uv.lock', 'poetry-lock/syft/simple-deps/poetry.lock']) {
    it(`counts per-artifact hashes as hash coverage in ${fixture}`, async () => {
      const report = await pinsOf(fixture);
      assert.equal(report.requirements.length, 5);
      assert.ok(report.requirements.every((r) => r.pin === 'exact' && r.hashes > 0));
      assert.ok(!report.findings.some((f) => f.rule === 'PIN-002' || f.rule === 'PIN-003'));
    });
  }
});
