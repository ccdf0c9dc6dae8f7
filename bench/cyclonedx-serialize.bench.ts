// Times ScanResult → CycloneDX for synthetic inventories of N packages: conversion (toBom), the
// content-derived serial number, JSON and XML serialization, and schema validation (opt-in in the CLI).
// Usage: node bench/cyclonedx-serialize.bench.ts [N ...]   (default 1000 5000)
import { assignContentSerialNumber } from '../src/sbom/cyclonedx/serial-number.ts';
import { serializeBom } from '../src/sbom/cyclonedx/serialize.ts';
import { toBom } from '../src/sbom/cyclonedx/to-bom.ts';
import { validateBom } from '../src/sbom/cyclonedx/validate.ts';
import type { Package, Relationship, ScanResult } from '../src/sbom/model.ts';

function inventory(n: number): ScanResult {
  const sp = '/home/ray/anaconda3/lib/python3.11/site-packages';
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  for (let i = 0; i < n; i++) {
    const name = `package-${i}`;
    packages.push({
      id: `pypi:${name}@1.${i}.0:${sp}/${name}-1.${i}.0.dist-info`,
      ecosystem: 'pypi',
      name,
      version: `1.${i}.0`,
      purl: `pkg:pypi/${name}@1.${i}.0`,
      foundBy: 'python-installed-cataloger',
      locations: [{ path: `${sp}/${name}-1.${i}.0.dist-info/METADATA` }],
      hashes: [{ algorithm: 'sha256', value: i.toString(16).padStart(64, '0') }],
      licenses: [{ expression: i % 3 === 0 ? 'MIT' : 'Apache-2.0 OR BSD-3-Clause' }],
      metadata: {
        kind: 'python-installed',
        format: 'dist-info',
        rawName: name,
        summary: `Synthetic package number ${i}`,
        requiresDist: [],
        providesExtras: ['test'],
        installer: 'pip',
        wheelTags: ['py3-none-any'],
        recordedFiles: 42,
        installDir: sp,
      },
    });
  }
  for (let i = 0; i < n; i++) {
    for (const j of [i + 1, i + 2]) {
      if (j < n) relationships.push({ from: packages[i]!.id, to: packages[j]!.id, type: 'depends-on' });
    }
  }
  return {
    target: { type: 'directory', name: '/home/ray/anaconda3' },
    packages,
    relationships,
    problems: [],
    environments: [],
    indexes: [],
  };
}

async function time<T>(run: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [1000, 5000]) {
  const scan = inventory(n);
  const [{ bom }, convert] = await time(() =>
    toBom(scan, { tool: { name: 'raygate', version: 'bench' }, timestamp: new Date(0), reproducible: true }),
  );
  const [, serial] = await time(() => assignContentSerialNumber(bom));
  const [json, jsonMs] = await time(() => serializeBom(bom, 'json'));
  const [xml, xmlMs] = await time(() => serializeBom(bom, 'xml'));
  const [jsonErrors, jsonValidate] = await time(() => validateBom(json, 'json'));
  const [xmlErrors, xmlValidate] = await time(() => validateBom(xml, 'xml'));
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `${n} components: toBom ${ms(convert)}, content serial ${ms(serial)}, ` +
      `JSON ${ms(jsonMs)} (${(json.length / 1e6).toFixed(1)} MB), XML ${ms(xmlMs)} (${(xml.length / 1e6).toFixed(1)} MB), ` +
      `validate JSON ${ms(jsonValidate)} (${jsonErrors.length} errors), XML ${ms(xmlValidate)} (${xmlErrors.length} errors), ` +
      `RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
}
