import type { Cataloger } from '../../src/sbom/catalogers/cataloger.ts';
import { CATALOGERS, PROCESSORS } from '../../src/sbom/catalogers/index.ts';
import type { ScanResult } from '../../src/sbom/model.ts';
import { type InventoryProcessor, scanSource } from '../../src/sbom/scan.ts';
import { directorySource } from '../../src/sbom/sources/directory-reader.ts';

/** Scans a folder on disk the way `raygate sbom dir:…` does, with all (or the given) catalogers. */
export function scanDirectory(
  dir: string,
  options: { catalogers?: readonly Cataloger[]; processors?: readonly InventoryProcessor[] } = {},
): Promise<ScanResult> {
  return scanSource(directorySource(dir, { type: 'directory', name: dir }), {
    catalogers: options.catalogers ?? CATALOGERS,
    processors: options.processors ?? PROCESSORS,
  });
}

/** `name@version` of every package, sorted: a compact form for exact expectations. */
export function nameVersions(result: ScanResult): string[] {
  return result.packages.map((p) => `${p.name}@${p.version ?? ''}`).sort();
}

/** `code path` of every problem, sorted. */
export function problemKeys(result: ScanResult): string[] {
  return result.problems.map((p) => `${p.code} ${p.path ?? ''}`).sort();
}
