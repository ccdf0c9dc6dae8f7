import assert from 'node:assert/strict';
import type { Cataloger } from '../../src/sbom/catalogers/cataloger.ts';
import type { Package } from '../../src/sbom/model.ts';
import { packageId } from '../../src/sbom/package-id.ts';
import { scanSource } from '../../src/sbom/scan.ts';
import type { Source } from '../../src/sbom/sources/file-tree.ts';

/** A one-file in-memory source: enough to drive the orchestrator without a disk. */
function memorySource(files: Record<string, string>): Source {
  const description = { type: 'directory' as const, name: 'memory' };
  return {
    description,
    open: async (want) => {
      const kept = Object.keys(files)
        .filter(want)
        .sort()
        .map((path) => ({ path, size: files[path]!.length }));
      return {
        description,
        problems: [],
        files: () => kept,
        get: (p) => kept.find((f) => f.path === p),
        read: async (p) => Buffer.from(files[p]!),
        close: async () => {},
      };
    },
  };
}

function manyPackages(count: number): Package[] {
  return Array.from({ length: count }, (_, i) => ({
    id: packageId('pypi', `p${i}`, '1', '/x'),
    ecosystem: 'pypi',
    name: `p${i}`,
    version: '1',
    foundBy: '',
    locations: [{ path: '/x' }],
    hashes: [],
    licenses: [],
    metadata: { kind: 'generic' },
  }));
}

describe('scanSource', () => {
  it('keeps every package of a cataloger that returns 200,000 of them', async () => {
    const cataloger: Cataloger = {
      name: 'many',
      tags: ['declared'],
      fileRequired: (p) => p === '/x',
      parse: () => ({ packages: manyPackages(200_000), relationships: [], problems: [] }),
    };
    const result = await scanSource(memorySource({ '/x': '' }), { catalogers: [cataloger] });
    assert.equal(result.packages.length, 200_000);
    assert.equal(result.packages[0]!.foundBy, 'many');
  });

  it('reports a processor that throws and keeps the packages found', async () => {
    const cataloger: Cataloger = {
      name: 'one',
      tags: ['declared'],
      fileRequired: (p) => p === '/x',
      parse: () => ({ packages: manyPackages(1), relationships: [], problems: [] }),
    };
    const result = await scanSource(memorySource({ '/x': '' }), {
      catalogers: [cataloger],
      processors: [
        {
          name: 'broken',
          process: () => {
            throw new Error('boom');
          },
        },
      ],
    });
    assert.equal(result.packages.length, 1);
    assert.deepEqual(
      result.problems.map((p) => p.code),
      ['SBOM_PROCESSOR_FAILED'],
    );
  });

  it('reports a cataloger that throws and goes on with the others', async () => {
    const broken: Cataloger = {
      name: 'broken',
      tags: ['declared'],
      fileRequired: () => true,
      parse: () => {
        throw new Error('bug');
      },
    };
    const fine: Cataloger = {
      ...broken,
      name: 'fine',
      parse: () => ({ packages: manyPackages(1), relationships: [], problems: [] }),
    };
    const result = await scanSource(memorySource({ '/x': '' }), { catalogers: [broken, fine] });
    assert.equal(result.packages.length, 1);
    assert.equal(result.problems[0]!.code, 'SBOM_CATALOGER_FAILED');
  });
});
