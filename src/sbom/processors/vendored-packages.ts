import type { Relationship } from '../model.ts';
import { enclosingSitePackages, isSitePackagesDir } from '../python/environment.ts';
import type { InventoryProcessor } from '../scan.ts';
import { type InstalledPythonPackage, isInstalledPython, metadataPathOf } from './installed-python.ts';

/**
 * Distributions that another distribution ships inside itself (Ray's `ray/thirdparty_files/*.dist-info`):
 * invisible to pip, real code nonetheless. A distribution whose metadata is not directly in a
 * site-packages folder is vendored by the distribution whose RECORD lists its metadata file; failing that,
 * by the one whose top-level package folder contains it. Each keeps its own location and gets a `vendors`
 * relationship from its owner.
 */
export const vendoredPackagesProcessor: InventoryProcessor = {
  name: 'python-vendored-packages',
  process(result) {
    const installed = result.packages.filter(isInstalledPython);
    if (installed.length === 0) return result;
    const listedBy = new Map<string, InstalledPythonPackage>();
    for (const pkg of installed) {
      for (const path of pkg.metadata.vendoredMetadata ?? [])
        if (!listedBy.has(path)) listedBy.set(path, pkg);
    }
    const owners = ownersByImportName(installed.filter((p) => isSitePackagesDir(p.metadata.installDir)));
    const relationships: Relationship[] = [];
    for (const pkg of installed) {
      if (isSitePackagesDir(pkg.metadata.installDir)) continue;
      const owner = listedBy.get(metadataPathOf(pkg)) ?? ownerByFolder(pkg, owners);
      if (owner && owner.id !== pkg.id) relationships.push({ from: owner.id, to: pkg.id, type: 'vendors' });
    }
    if (relationships.length === 0) return result;
    return { ...result, relationships: [...result.relationships, ...relationships] };
  },
};

/** Distributions directly in a site-packages folder, by `<site-packages>/<import name>`. */
function ownersByImportName(
  packages: readonly InstalledPythonPackage[],
): Map<string, InstalledPythonPackage[]> {
  const owners = new Map<string, InstalledPythonPackage[]>();
  for (const pkg of packages) {
    for (const name of importNames(pkg)) {
      const key = `${pkg.metadata.installDir}/${name}`;
      const list = owners.get(key);
      if (list) list.push(pkg);
      else owners.set(key, [pkg]);
    }
  }
  return owners;
}

/** The one distribution in the enclosing site-packages whose import package folder holds `pkg`. */
function ownerByFolder(
  pkg: InstalledPythonPackage,
  owners: Map<string, InstalledPythonPackage[]>,
): InstalledPythonPackage | undefined {
  const site = enclosingSitePackages(pkg.metadata.installDir);
  if (site === undefined || site === pkg.metadata.installDir) return undefined;
  const folder = pkg.metadata.installDir.slice(site.length + 1).split('/')[0]!;
  const candidates = (owners.get(`${site}/${folder}`) ?? []).filter((o) => o !== pkg);
  return candidates.length === 1 ? candidates[0] : undefined;
}

function importNames(pkg: InstalledPythonPackage): Set<string> {
  if (pkg.metadata.topLevel) return new Set(pkg.metadata.topLevel);
  const guess = pkg.metadata.rawName.replace(/[-.]/g, '_');
  return new Set([guess, guess.toLowerCase()]);
}
