import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assignContentSerialNumber } from '../../../src/sbom/cyclonedx/serial-number.ts';
import { serializeBom, type BomFormat } from '../../../src/sbom/cyclonedx/serialize.ts';
import { toBom } from '../../../src/sbom/cyclonedx/to-bom.ts';
import { validateBom } from '../../../src/sbom/cyclonedx/validate.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { GOLDEN_CASES } from './scan-results.ts';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test/golden/cyclonedx');
const EXTENSIONS: Record<BomFormat, string> = { json: 'cdx.json', xml: 'cdx.xml' };

/** Serializes a case the way `raygate sbom --deterministic` does, with a fixed tool version. */
function render(name: string, format: BomFormat): string {
  const { bom } = toBom(GOLDEN_CASES[name]!(), {
    tool: { name: 'raygate', version: '0.0.0-golden' },
    timestamp: new Date('2026-01-02T03:04:05Z'),
    reproducible: true,
  });
  assignContentSerialNumber(bom);
  return serializeBom(bom, format);
}

describe('CycloneDX golden files', function () {
  // The first validation of each format compiles the schema.
  this.timeout(60_000);

  for (const name of Object.keys(GOLDEN_CASES)) {
    for (const format of ['json', 'xml'] as const) {
      describe(`when ${name} is written as ${format.toUpperCase()}`, () => {
        const file = path.join(GOLDEN_DIR, `${name}.${EXTENSIONS[format]}`);

        it('matches the golden file byte for byte and is valid CycloneDX 1.6', async () => {
          const actual = render(name, format);
          if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, actual);
          const expected = await readFile(file, 'utf8');
          assert.equal(
            actual,
            expected,
            `${path.relative(REPO_ROOT, file)} differs (UPDATE_GOLDEN=1 rewrites it)`,
          );
          assert.deepEqual(await validateBom(actual, format), []);
        });
      });
    }
  }
});
