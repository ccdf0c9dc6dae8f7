import { isPypiChannel } from '../catalogers/conda-meta/channel.ts';
import type { CondaMetadata, Package, Relationship } from '../model.ts';
import type { InventoryProcessor } from '../scan.ts';
import {
  groupBy,
  type InstalledPythonPackage,
  isInstalledPython,
  metadataDirOf,
  metadataPathOf,
} from './installed-python.ts';

type CondaPackage = Package & { metadata: CondaMetadata };

/**
 * One inventory for a conda prefix, where conda-meta and dist-info can describe the same thing twice:
 * - a record conda wrote for something pip installed (channel `pypi`) and that distribution's dist-info
 *   are one package: the pip package (`pkg:pypi`), with the conda record linked;
 * - a conda package that installs a dist-info (conda-forge numpy) is one package: the conda package
 *   (`pkg:conda`), carrying the PyPI distribution it installs so advisories can match it by that name.
 * Records and dist-infos are matched through the record's file list; a pip record without one is
 * matched by name and version within its prefix. Relationships follow the package that remains.
 */
export const condaReconciliationProcessor: InventoryProcessor = {
  name: 'conda-reconciliation',
  process(result) {
    const conda = result.packages.filter(
      (p): p is CondaPackage => p.metadata.kind === 'conda' && p.metadata.prefix !== undefined,
    );
    if (conda.length === 0) return result;
    const python = result.packages.filter(isInstalledPython);
    const byMetadataDir = new Map(python.map((p) => [metadataDirOf(p), p]));
    const byNameVersion = groupBy(python, (p) => `${p.name}@${p.version}`);
    const claimed = new Set<InstalledPythonPackage>();
    const removed = new Set<string>();
    const renamed = new Map<string, string>();
    const updated = new Map<string, Package>();

    for (const record of conda) {
      const matches = record.metadata.pythonMetadataDirs
        .map((dir) => byMetadataDir.get(joinPrefix(record.metadata.prefix!, dir)))
        .filter((p): p is InstalledPythonPackage => p !== undefined && !claimed.has(p));
      const pypi = isPypiChannel({ channel: record.metadata.channel, subdir: record.metadata.subdir });
      if (pypi && matches.length === 0) {
        const byName = (byNameVersion.get(`${record.name}@${record.version}`) ?? []).find(
          (p) => !claimed.has(p) && isUnder(p.metadata.installDir, record.metadata.prefix!),
        );
        if (byName) matches.push(byName);
      }
      const dist = matches[0];
      if (!dist) continue;
      claimed.add(dist);
      if (pypi) {
        const condaRecord: NonNullable<Package['condaRecord']> = { location: record.locations[0]! };
        if (record.metadata.channel) condaRecord.channel = record.metadata.channel;
        if (record.metadata.build) condaRecord.build = record.metadata.build;
        updated.set(dist.id, { ...(updated.get(dist.id) ?? dist), condaRecord });
        removed.add(record.id);
        renamed.set(record.id, dist.id);
      } else {
        const location = { path: metadataPathOf(dist) };
        const withLayer = dist.locations[0]?.layer
          ? { ...location, layer: dist.locations[0].layer }
          : location;
        updated.set(
          record.id,
          dist.version === undefined
            ? record
            : {
                ...record,
                pythonDistribution: { name: dist.name, version: dist.version, location: withLayer },
              },
        );
        removed.add(dist.id);
        renamed.set(dist.id, record.id);
      }
    }
    if (removed.size === 0) return result;

    const packages = result.packages.filter((p) => !removed.has(p.id)).map((p) => updated.get(p.id) ?? p);
    const relationships: Relationship[] = [];
    for (const r of result.relationships) {
      const from = renamed.get(r.from) ?? r.from;
      const to = renamed.get(r.to) ?? r.to;
      if (from !== to) relationships.push({ ...r, from, to });
    }
    return { ...result, packages, relationships };
  },
};

function joinPrefix(prefix: string, relative: string): string {
  return prefix === '/' ? `/${relative}` : `${prefix}/${relative}`;
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path.startsWith(`${dir}/`);
}
