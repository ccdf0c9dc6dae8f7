import type { Package } from '../sbom/model.ts';
import { compareSeverity, type Severity } from '../shared/severity.ts';
import type { Finding, FindingPackage } from './finding.ts';
import type { AdvisoryMatch } from './match.ts';
import type { AdvisoryQuery } from './package-query.ts';
import { bestOf, isMaliciousId } from './severity.ts';
import { ecosystemOrder } from './versions/index.ts';

/**
 * Turns the records that matched one package into findings, one per vulnerability: records that share
 * an id or an alias (transitively, as OSV defines aliases) are one finding, so a GHSA, its PYSEC twin and
 * the CVE they both name are reported once. Pure.
 */
export function toFindings(pkg: Package, query: AdvisoryQuery, matches: readonly AdvisoryMatch[]): Finding[] {
  const groups = groupByAlias(matches);
  const subject: FindingPackage = {
    id: pkg.id,
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version ?? query.version,
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    locations: pkg.locations,
    query,
  };
  const order = ecosystemOrder(query.ecosystems[0]!);
  return groups.map((group) => {
    const advisories = group.map((m) => m.record.id).sort();
    const aliasSet = new Set<string>();
    for (const m of group) for (const a of m.record.aliases ?? []) aliasSet.add(a);
    for (const id of advisories) aliasSet.delete(id);
    const aliases = [...aliasSet].sort();
    const malicious = advisories.some(isMaliciousId);
    const severity = malicious
      ? { severity: 'critical' as const, method: 'malicious' as const }
      : bestOf(group.map((m) => m.severity));
    const fixed = group.flatMap((m) => m.fixedVersions);
    const fixedIn = order
      ? fixed.filter((v) => order.isValid(v)).sort((a, b) => order.compare(a, b))[0]
      : fixed.sort()[0];
    const primary = preferredRecord(group);
    const references = [
      ...new Set(
        group.flatMap((m) =>
          (m.record.references ?? []).filter((r) => r.type === 'ADVISORY').map((r) => r.url),
        ),
      ),
    ].sort();
    return {
      id: displayId(advisories, aliases),
      advisories,
      aliases,
      package: subject,
      ...(primary.record.summary || firstSummary(group)
        ? { summary: primary.record.summary ?? firstSummary(group) }
        : {}),
      severity,
      malicious,
      ranges: group.flatMap((m) =>
        m.ranges.map((range) => ({ advisory: m.record.id, ecosystem: m.ecosystem, range })),
      ),
      ...(fixedIn ? { fixedIn } : {}),
      references,
      ...(primary.record.published ? { published: primary.record.published } : {}),
      modified: group
        .map((m) => m.record.modified)
        .sort()
        .at(-1)!,
    };
  });
}

function firstSummary(group: readonly AdvisoryMatch[]): string | undefined {
  return group.map((m) => m.record.summary).find((s) => s && s.trim() !== '');
}

/** Union-find over record ids and aliases. */
function groupByAlias(matches: readonly AdvisoryMatch[]): AdvisoryMatch[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string) => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const m of matches) {
    add(m.record.id);
    for (const alias of m.record.aliases ?? []) union(m.record.id, alias);
  }
  const groups = new Map<string, AdvisoryMatch[]>();
  for (const m of matches) {
    const root = find(m.record.id);
    const list = groups.get(root) ?? [];
    list.push(m);
    groups.set(root, list);
  }
  return [...groups.values()];
}

const ID_PREFERENCE = ['CVE-', 'GHSA-', 'PYSEC-', 'MAL-'];

function preference(id: string): number {
  const i = ID_PREFERENCE.findIndex((p) => id.startsWith(p));
  return i < 0 ? ID_PREFERENCE.length : i;
}

/** A CVE id when one is known (people search for those), else GHSA, PYSEC, MAL, then anything. */
export function displayId(advisories: readonly string[], aliases: readonly string[]): string {
  if (advisories.some(isMaliciousId)) return advisories.filter(isMaliciousId).sort()[0]!;
  let best: string | undefined;
  let bestRank = Infinity;
  for (const id of [...advisories, ...aliases]) {
    const rank = preference(id);
    if (rank < bestRank || (rank === bestRank && id < best!)) {
      best = id;
      bestRank = rank;
    }
  }
  return best!;
}

/** The record whose summary and dates represent the group: GHSA first (they are reviewed), then PYSEC. */
function preferredRecord(group: readonly AdvisoryMatch[]): AdvisoryMatch {
  return [...group].sort(
    (a, b) => preference(a.record.id) - preference(b.record.id) || (a.record.id < b.record.id ? -1 : 1),
  )[0]!;
}

/** Most severe first, unknown last, then by package and id, so reports read the same every run. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (s: Severity | 'unknown') => (s === 'unknown' ? 'info' : s);
  return findings.sort(
    (a, b) =>
      (a.severity.severity === 'unknown' ? 1 : 0) - (b.severity.severity === 'unknown' ? 1 : 0) ||
      compareSeverity(rank(a.severity.severity), rank(b.severity.severity)) ||
      (b.severity.score ?? -1) - (a.severity.score ?? -1) ||
      cmp(a.package.name, b.package.name) ||
      cmp(a.package.version, b.package.version) ||
      cmp(a.package.id, b.package.id) ||
      cmp(a.id, b.id),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
