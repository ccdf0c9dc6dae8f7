import type { Package, ScanResult } from '../../sbom/model.ts';
import { compareStrings } from '../../sbom/scan.ts';
import { renderTable } from '../table.ts';

/**
 * The inventory for people: one table per ecosystem (with its count), columns NAME, VERSION, TYPE
 * (the metadata format, and whether another package vendors it) and LOCATION (the first place it was
 * found, `+N` when there are more).
 */
export function renderInventoryTable(result: ScanResult): string {
  if (result.packages.length === 0) return 'No packages found.\n';
  const vendored = new Set(result.relationships.filter((r) => r.type === 'vendors').map((r) => r.to));
  const groups = new Map<string, Package[]>();
  for (const pkg of result.packages) {
    if (!groups.has(pkg.ecosystem)) groups.set(pkg.ecosystem, []);
    groups.get(pkg.ecosystem)!.push(pkg);
  }
  const sections: string[] = [];
  for (const ecosystem of [...groups.keys()].sort(compareStrings)) {
    const rows = groups
      .get(ecosystem)!
      .map((pkg) => [pkg.name, versionOf(pkg), typeOf(pkg, vendored.has(pkg.id)), locationOf(pkg)])
      .sort(
        (a, b) =>
          compareStrings(a[0]!, b[0]!) || compareStrings(a[1]!, b[1]!) || compareStrings(a[3]!, b[3]!),
      );
    sections.push(
      `${ecosystem}: ${plural(rows.length, 'package')}\n` +
        renderTable(['NAME', 'VERSION', 'TYPE', 'LOCATION'], rows),
    );
  }
  const total = `${plural(result.packages.length, 'package')} in ${plural(groups.size, 'ecosystem')}.\n`;
  return `${sections.join('\n')}\n${total}`;
}

function versionOf(pkg: Package): string {
  if (pkg.version) return pkg.version;
  if (pkg.metadata.kind === 'python-declared' && pkg.metadata.specifier) return pkg.metadata.specifier;
  return '-';
}

function typeOf(pkg: Package, vendored: boolean): string {
  const m = pkg.metadata;
  const type =
    m.kind === 'python-installed' || m.kind === 'python-declared'
      ? m.format
      : m.kind === 'conda'
        ? (m.declared ?? 'conda-meta')
        : m.kind;
  return vendored ? `${type}, vendored` : type;
}

function locationOf(pkg: Package): string {
  const sorted = [...pkg.locations].sort(
    (a, b) => compareStrings(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0),
  );
  const first = sorted[0];
  if (!first) return '-';
  const where = first.line ? `${first.path}:${first.line}` : first.path;
  return sorted.length > 1 ? `${where} (+${sorted.length - 1})` : where;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
