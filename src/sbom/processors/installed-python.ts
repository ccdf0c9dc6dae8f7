import type { Package, PythonInstalledMetadata } from '../model.ts';
import { dirnameOf } from '../sources/paths.ts';

export type InstalledPythonPackage = Package & { metadata: PythonInstalledMetadata };

export function isInstalledPython(pkg: Package): pkg is InstalledPythonPackage {
  return pkg.metadata.kind === 'python-installed';
}

/** The path of the metadata file the package was read from (METADATA, PKG-INFO or an egg-info file). */
export function metadataPathOf(pkg: Package): string {
  return pkg.locations[0]!.path;
}

/** The dist-info / egg-info folder, or the egg-info file itself. */
export function metadataDirOf(pkg: InstalledPythonPackage): string {
  const path = metadataPathOf(pkg);
  return path.endsWith('.egg-info') ? path : dirnameOf(path);
}

/** Groups items by a key, keeping input order inside each group. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}
