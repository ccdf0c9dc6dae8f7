import { eventOf, type OsvAffected, type OsvEvent, type OsvRange, type OsvRecord } from './osv.ts';
import { advisoryKey, type AdvisoryQuery } from './package-query.ts';
import { recordSeverity, type AdvisorySeverity } from './severity.ts';
import { ecosystemOrder, rangeOrder, type VersionOrder } from './versions/index.ts';

/** The part of an affected entry that contains the installed version. */
export interface MatchedRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'versions';
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
  limit?: string;
}

/** One record that affects one queried version. */
export interface AdvisoryMatch {
  record: OsvRecord;
  /** The ecosystem of the affected entry that matched (`PyPI`, `Debian:12`). */
  ecosystem: string;
  severity: AdvisorySeverity;
  ranges: MatchedRange[];
  /** Fixed versions later than the installed one, in the ecosystem's order, lowest first. */
  fixedVersions: string[];
}

export interface MatchProblem {
  code: 'OSV_RANGE_NOT_EVALUABLE' | 'OSV_VERSION_NOT_COMPARABLE' | 'OSV_MATCH_UNCONFIRMED';
  advisory: string;
  message: string;
}

export interface QueryMatches {
  matches: AdvisoryMatch[];
  problems: MatchProblem[];
  /** Records skipped because they are withdrawn. */
  withdrawn: string[];
  /** False when the installed version cannot be ordered in the ecosystem: nothing could be decided. */
  comparable: boolean;
}

/**
 * Which of `records` affect `query` (pure). Follows the OSV evaluation algorithm: a version is affected
 * when an entry for the package lists it in `versions` or any range contains it; events are evaluated in
 * version order whatever order the record gives them in; `limit` events cap a range; withdrawn records
 * never match. A range raygate cannot evaluate (GIT, an unknown ecosystem, a version it cannot parse) is
 * reported, not silently taken as "not affected".
 */
export function matchQuery(query: AdvisoryQuery, records: readonly OsvRecord[]): QueryMatches {
  const out: QueryMatches = { matches: [], problems: [], withdrawn: [], comparable: true };
  const wanted = new Set(query.ecosystems.map((e) => advisoryKey(e, query.name)));
  const order = ecosystemOrder(query.ecosystems[0]!);
  if (order && !order.isValid(query.version)) {
    out.comparable = false;
  }
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const entries = (record.affected ?? []).filter(
      (a) => a.package && wanted.has(advisoryKey(a.package.ecosystem, a.package.name)),
    );
    if (entries.length === 0) continue;
    if (record.withdrawn) {
      out.withdrawn.push(record.id);
      continue;
    }
    const found: { affected: OsvAffected; ranges: MatchedRange[]; fixed: string[] }[] = [];
    for (const affected of entries) {
      const result = evaluateAffected(affected, query.version, record.id, out.problems);
      if (result.ranges.length > 0) found.push({ affected, ranges: result.ranges, fixed: result.fixed });
    }
    if (found.length === 0) continue;
    const first = found[0]!;
    const severity = recordSeverity(record, first.affected);
    const fixedOrder = order ?? rangeOrder('SEMVER', '');
    out.matches.push({
      record,
      ecosystem: first.affected.package!.ecosystem,
      severity,
      ranges: found.flatMap((f) => f.ranges),
      fixedVersions: sortUnique(
        found.flatMap((f) => f.fixed),
        fixedOrder,
      ),
    });
  }
  return out;
}

interface AffectedResult {
  ranges: MatchedRange[];
  fixed: string[];
}

function evaluateAffected(
  affected: OsvAffected,
  installed: string,
  advisory: string,
  problems: MatchProblem[],
): AffectedResult {
  const ecosystem = affected.package!.ecosystem;
  const ranges: MatchedRange[] = [];
  const fixed: string[] = [];
  const order = ecosystemOrder(ecosystem);

  if (affected.versions && affected.versions.length > 0 && listed(affected.versions, installed, order)) {
    ranges.push({ type: 'versions' });
  }
  let evaluable = (affected.versions?.length ?? 0) > 0;
  const unevaluable: string[] = [];
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue;
    const rangeOrd = rangeOrder(range.type, ecosystem);
    if (!rangeOrd) {
      unevaluable.push(`${range.type} ranges of ${ecosystem} cannot be ordered by raygate`);
      continue;
    }
    const version = rangeOrd.isValid(installed) ? rangeOrd.forMatching(installed) : undefined;
    if (version === undefined) {
      problems.push({
        code: 'OSV_VERSION_NOT_COMPARABLE',
        advisory,
        message: `installed version '${installed}' is not a ${rangeOrd.name} version; ${range.type} range of ${advisory} not evaluated`,
      });
      continue;
    }
    const bad = range.events.map(eventOf).find((e) => !isSpecial(e) && !rangeOrd.isValid(e.version));
    if (bad) {
      unevaluable.push(`${bad.kind} '${bad.version}' is not a ${rangeOrd.name} version`);
      continue;
    }
    evaluable = true;
    const hit = evaluateRange(range, version, rangeOrd);
    if (hit) ranges.push({ type: range.type as 'ECOSYSTEM' | 'SEMVER', ...hit });
    for (const e of range.events.map(eventOf)) {
      if (e.kind === 'fixed' && rangeOrd.compare(e.version, version) > 0) fixed.push(e.version);
    }
  }
  if (unevaluable.length > 0) {
    problems.push({
      code: 'OSV_RANGE_NOT_EVALUABLE',
      advisory,
      message: `${advisory}: ${unevaluable.join('; ')}${evaluable ? '' : ' — the record could not be evaluated at all'}`,
    });
  }
  return ranges.length > 0 ? { ranges, fixed } : { ranges, fixed: [] };
}

function isSpecial(e: { kind: string; version: string }): boolean {
  return (e.kind === 'introduced' && e.version === '0') || (e.kind === 'limit' && e.version === '*');
}

function listed(versions: readonly string[], installed: string, order: VersionOrder | undefined): boolean {
  const mine = order && order.isValid(installed) ? order.forMatching(installed) : installed;
  if (versions.includes(installed) || versions.includes(mine)) return true;
  if (!order || !order.isValid(mine)) return false;
  if (order.equalityKey) {
    const key = order.equalityKey(mine);
    return versions.some((v) => order.equalityKey!(v) === key);
  }
  return versions.some((v) => order.isValid(v) && order.compare(v, mine) === 0);
}

/** OSV's IncludedInRanges for one range; returns the segment containing `version`, or undefined. */
export function evaluateRange(
  range: OsvRange,
  version: string,
  order: VersionOrder,
): Omit<MatchedRange, 'type'> | undefined {
  const events = range.events.map(eventOf);
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => l.version === '*' || order.compare(version, l.version) < 0)) {
    return undefined;
  }
  const sorted = sortEvents(range.events, order);
  let segment: Omit<MatchedRange, 'type'> | undefined;
  let vulnerable = false;
  for (const e of sorted) {
    if (e.kind === 'introduced' && (e.version === '0' || order.compare(version, e.version) >= 0)) {
      vulnerable = true;
      segment = { introduced: e.version };
    } else if (e.kind === 'fixed' && order.compare(version, e.version) >= 0) {
      vulnerable = false;
    } else if (e.kind === 'last_affected' && order.compare(version, e.version) > 0) {
      vulnerable = false;
    }
  }
  if (!vulnerable || !segment) return undefined;
  // Describe the segment: the first fixed / last_affected event after the introduced one that opened it.
  const start = sorted.findIndex((e) => e.kind === 'introduced' && e.version === segment!.introduced);
  for (const e of sorted.slice(start + 1)) {
    if (e.kind === 'fixed') return { ...segment, fixed: e.version, ...limitOf(limits) };
    if (e.kind === 'last_affected') return { ...segment, lastAffected: e.version, ...limitOf(limits) };
  }
  return { ...segment, ...limitOf(limits) };
}

function limitOf(limits: { version: string }[]): { limit?: string } {
  const finite = limits.filter((l) => l.version !== '*');
  return finite.length === 1 ? { limit: finite[0]!.version } : {};
}

/** Events in version order (stable, so equal versions keep the record's order); `introduced: 0` first. */
function sortEvents(events: readonly OsvEvent[], order: VersionOrder) {
  return events
    .map(eventOf)
    .filter((e) => e.kind !== 'limit')
    .map((e, index) => ({ ...e, index }))
    .sort((a, b) => {
      if (a.kind === 'introduced' && a.version === '0')
        return b.kind === 'introduced' && b.version === '0' ? a.index - b.index : -1;
      if (b.kind === 'introduced' && b.version === '0') return 1;
      return order.compare(a.version, b.version) || a.index - b.index;
    });
}

function sortUnique(versions: string[], order: VersionOrder | undefined): string[] {
  const unique = [...new Set(versions)];
  if (!order) return unique.sort();
  return unique.filter((v) => order.isValid(v)).sort((a, b) => order.compare(a, b));
}

/** Describes a matched range the way people read ranges: `>=0, <2.8.1`, `<=2.6.3`, `listed`. */
export function describeRange(range: MatchedRange): string {
  if (range.type === 'versions') return 'version listed as affected';
  const parts: string[] = [];
  if (range.introduced && range.introduced !== '0') parts.push(`>=${range.introduced}`);
  if (range.fixed) parts.push(`<${range.fixed}`);
  if (range.lastAffected) parts.push(`<=${range.lastAffected}`);
  if (range.limit) parts.push(`<${range.limit} (limit)`);
  return parts.length > 0 ? parts.join(', ') : 'all versions';
}
