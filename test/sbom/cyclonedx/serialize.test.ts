import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  assignContentSerialNumber,
  randomSerialNumber,
  uuidV5,
} from '../../../src/sbom/cyclonedx/serial-number.ts';
import { serializeBom } from '../../../src/sbom/cyclonedx/serialize.ts';
import { toBom } from '../../../src/sbom/cyclonedx/to-bom.ts';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { installed, pkg, pythonEnvironment } from './scan-results.ts';

const OPTIONS = { tool: { name: 'raygate', version: '1.0.0' }, timestamp: new Date(0), reproducible: true };

describe('BOM serial numbers', () => {
  it('computes RFC 4122 version 5 UUIDs (the RFC test vector)', () => {
    assert.equal(
      uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('derives the same serial from the same content, whatever serial the BOM had', () => {
    const first = toBom(pythonEnvironment(), OPTIONS).bom;
    const second = toBom(pythonEnvironment(), { ...OPTIONS, serialNumber: randomSerialNumber() }).bom;
    const serial = assignContentSerialNumber(first);
    assert.match(serial, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(assignContentSerialNumber(second), serial);
    assert.match(serializeBom(first, 'xml'), new RegExp(`serialNumber="${serial}"`));
  });

  it('derives another serial when anything in the content changes', () => {
    const scan = pythonEnvironment();
    const base = assignContentSerialNumber(toBom(scan, OPTIONS).bom);
    const later = assignContentSerialNumber(toBom(scan, { ...OPTIONS, timestamp: new Date(1000) }).bom);
    scan.packages[0]!.version = '2.58.1';
    const changed = assignContentSerialNumber(toBom(scan, OPTIONS).bom);
    assert.equal(new Set([base, later, changed]).size, 3);
  });

  it('draws random serials otherwise', () => {
    assert.notEqual(randomSerialNumber(), randomSerialNumber());
  });
});

describe('serializeBom', () => {
  it('gives byte-identical output for the same scan', () => {
    for (const format of ['json', 'xml'] as const) {
      const a = toBom(pythonEnvironment(), OPTIONS).bom;
      const b = toBom(pythonEnvironment(), OPTIONS).bom;
      assignContentSerialNumber(a);
      assignContentSerialNumber(b);
      assert.equal(serializeBom(a, format), serializeBom(b, format));
    }
  });

  describe('when the process locale sorts differently', () => {
    // Under da_DK `aa` collates after `z`; under tr_TR `i` and `I` differ. The output must not care.
    const names = ['zope-interface', 'aafigure', 'idna', 'Imagesize', 'a-b', 'a.b', 'a_b', 'ab'];
    const scan = (): ScanResult => ({
      target: { type: 'directory', name: 'venv' },
      packages: names.map((name) =>
        pkg({
          id: `pypi:${name}`,
          name,
          version: '1',
          purl: `pkg:pypi/${name.toLowerCase()}@1`,
          metadata: installed({ providesExtras: names }),
        }),
      ),
      relationships: names
        .slice(1)
        .map((name) => ({ from: `pypi:${names[0]}`, to: `pypi:${name}`, type: 'depends-on' })),
      problems: [],
      environments: [],
      indexes: [],
    });

    it('writes components, dependencies and properties in code-point order', () => {
      const doc = JSON.parse(serializeBom(toBom(scan(), OPTIONS).bom, 'json')) as {
        components: { name: string; properties: { name: string; value: string }[] }[];
        dependencies: { ref: string; dependsOn?: string[] }[];
      };
      const sorted = [...names].map((n) => `pkg:pypi/${n.toLowerCase()}@1`).sort();
      assert.deepEqual(
        doc.components.map((c) => `pkg:pypi/${c.name.toLowerCase()}@1`),
        sorted,
      );
      const extras = doc.components[0]!.properties.filter((p) => p.name === 'raygate:python:provides-extra');
      assert.deepEqual(
        extras.map((p) => p.value),
        [...names].sort(),
      );
      const zope = doc.dependencies.find((d) => d.ref === 'pkg:pypi/zope-interface@1')!;
      assert.deepEqual(
        zope.dependsOn,
        sorted.filter((r) => r !== 'pkg:pypi/zope-interface@1'),
      );
    });

    it('is byte-identical under C, da_DK and tr_TR', async function () {
      this.timeout(60_000);
      const { dir, cleanup } = await makeTempDir();
      try {
        await writeFile(path.join(dir, 'scan.json'), JSON.stringify(scan()));
        const script = path.join(dir, 'render.ts');
        const src = (p: string) => pathToFileURL(path.join(REPO_ROOT, p)).href;
        await writeFile(
          script,
          [
            `import { readFileSync } from 'node:fs';`,
            `import { toBom } from '${src('src/sbom/cyclonedx/to-bom.ts')}';`,
            `import { serializeBom } from '${src('src/sbom/cyclonedx/serialize.ts')}';`,
            `import { assignContentSerialNumber } from '${src('src/sbom/cyclonedx/serial-number.ts')}';`,
            `const scan = JSON.parse(readFileSync(process.argv[2], 'utf8'));`,
            `const { bom } = toBom(scan, { tool: { name: 'raygate', version: '1' }, timestamp: new Date(0), reproducible: true });`,
            `assignContentSerialNumber(bom);`,
            `process.stdout.write(serializeBom(bom, 'json') + serializeBom(bom, 'xml'));`,
          ].join('\n'),
        );
        const outputs = ['C', 'da_DK.UTF-8', 'tr_TR.UTF-8'].map((locale) => {
          const run = spawnSync(process.execPath, [script, path.join(dir, 'scan.json')], {
            cwd: REPO_ROOT,
            env: { ...process.env, LANG: locale, LC_ALL: locale },
            encoding: 'utf8',
          });
          assert.equal(run.status, 0, run.stderr);
          return run.stdout;
        });
        // The check is only meaningful if the locales really collate differently in this Node.
        const collated = ['C', 'da_DK.UTF-8'].map(
          (locale) =>
            spawnSync(
              process.execPath,
              ['-e', `process.stdout.write(['z','aa'].sort((a,b)=>a.localeCompare(b)).join())`],
              {
                env: { ...process.env, LANG: locale, LC_ALL: locale },
                encoding: 'utf8',
              },
            ).stdout,
        );
        assert.deepEqual(collated, ['aa,z', 'z,aa']);
        assert.equal(outputs[1], outputs[0]);
        assert.equal(outputs[2], outputs[0]);
      } finally {
        await cleanup();
      }
    });
  });
});
