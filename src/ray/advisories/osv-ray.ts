import { severityRank, type Severity } from '../../shared/severity.ts';
import { normalizePythonName } from '../../sbom/python/names.ts';
import type { RayProblem } from '../model.ts';
import { compareVersions, isVersion } from '../versions.ts';
import type { RayAdvisory, RayAdvisoryLookup } from './port.ts';

/**
 * A narrow OSV matcher for the PyPI package `ray`: `ECOSYSTEM` ranges with `introduced`, `fixed`,
 * `last_affected` and `limit` events ordered by PEP 440, explicit `versions` lists, withdrawn records skipped,
 * and records that describe one vulnerability under several ids (GHSA, PYSEC, the PyPA mirror's
 * `PYSEC-0000-*` copies) merged by alias. The project's full matcher replaces it through `RayAdvisoryLookup`.
 */

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

interface RayRecord {
  id: string;
  aliases: string[];
  summary?: string;
  severity?: Severity;
  url?: string;
  ranges: OsvEvent[][];
  versions: string[];
}

const GITHUB_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

export interface OsvRayIndex {
  lookup: RayAdvisoryLookup;
  /** Records that describe `ray` (after merging duplicates). */
  count: number;
  problems: RayProblem[];
}

export function osvRayLookup(records: readonly { value: unknown; source: string }[]): OsvRayIndex {
  const problems: RayProblem[] = [];
  const rayRecords: RayRecord[] = [];
  for (const { value, source } of records) {
    const record = toRayRecord(value);
    if (record === 'invalid') {
      problems.push({
        code: 'RAY_OSV_RECORD_INVALID',
        severity: 'warning',
        message: `${source} is not an OSV record (no string id); it was skipped.`,
        file: source,
      });
      continue;
    }
    if (record) rayRecords.push(record);
  }
  const lookup: RayAdvisoryLookup = async (version) => matchVersion(rayRecords, version);
  return { lookup, count: rayRecords.length, problems };
}

function toRayRecord(value: unknown): RayRecord | undefined | 'invalid' {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'invalid';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string') return 'invalid';
  if (typeof r.withdrawn === 'string' && r.withdrawn !== '') return undefined;
  const ranges: OsvEvent[][] = [];
  const versions: string[] = [];
  let mentionsRay = false;
  for (const affected of Array.isArray(r.affected) ? r.affected : []) {
    const a = affected as Record<string, unknown> | null;
    const pkg = a?.package as Record<string, unknown> | undefined;
    if (typeof pkg?.name !== 'string' || typeof pkg.ecosystem !== 'string') continue;
    if (pkg.ecosystem !== 'PyPI' || normalizePythonName(pkg.name) !== 'ray') continue;
    mentionsRay = true;
    for (const range of Array.isArray(a?.ranges) ? (a!.ranges as unknown[]) : []) {
      const rr = range as Record<string, unknown> | null;
      if (rr?.type !== 'ECOSYSTEM' && rr?.type !== 'SEMVER') continue;
      const events = (Array.isArray(rr.events) ? rr.events : []).map((e) => {
        const ev = (e ?? {}) as Record<string, unknown>;
        const out: OsvEvent = {};
        for (const k of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
          const v = ev[k];
          if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
        }
        return out;
      });
      ranges.push(events);
    }
    for (const v of Array.isArray(a?.versions) ? (a!.versions as unknown[]) : []) {
      if (typeof v === 'string' || typeof v === 'number') versions.push(String(v));
    }
  }
  if (!mentionsRay) return undefined;
  const db = r.database_specific as Record<string, unknown> | undefined;
  const severity = typeof db?.severity === 'string' ? GITHUB_SEVERITY[db.severity.toUpperCase()] : undefined;
  const references = Array.isArray(r.references) ? (r.references as Record<string, unknown>[]) : [];
  const advisoryUrl = references.find((ref) => ref?.type === 'ADVISORY' && typeof ref.url === 'string')?.url;
  return {
    id: r.id,
    aliases: (Array.isArray(r.aliases) ? r.aliases : []).filter((a): a is string => typeof a === 'string'),
    ...(typeof r.summary === 'string'
      ? { summary: r.summary }
      : typeof r.details === 'string'
        ? { summary: firstSentence(r.details) }
        : {}),
    ...(severity ? { severity } : {}),
    ...(typeof advisoryUrl === 'string' ? { url: advisoryUrl } : {}),
    ranges,
    versions,
  };
}

function firstSentence(text: string): string {
  const line =
    text
      .replace(/^#.*\n+/gm, '')
      .trim()
      .split(/\n/)[0] ?? '';
  const end = line.search(/\.\s/);
  return (end > 0 ? line.slice(0, end + 1) : line).slice(0, 200);
}

/** OSV's range semantics: events sorted by version, `introduced: 0` first, each one switching the state. */
function inRange(events: readonly OsvEvent[], version: string): { affected: boolean; fixed?: string } {
  const key = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
  const sorted = [...events]
    .filter((e) => key(e) === '0' || isVersion(key(e)))
    .sort((a, b) => {
      if (key(a) === '0') return -1;
      if (key(b) === '0') return 1;
      return compareVersions(key(a), key(b)) ?? 0;
    });
  let affected = false;
  for (const e of sorted) {
    if (
      e.introduced !== undefined &&
      (e.introduced === '0' || (compareVersions(version, e.introduced) ?? -1) >= 0)
    )
      affected = true;
    else if (e.fixed !== undefined && (compareVersions(version, e.fixed) ?? -1) >= 0) affected = false;
    else if (e.last_affected !== undefined && (compareVersions(version, e.last_affected) ?? -1) > 0)
      affected = false;
    else if (e.limit !== undefined && (compareVersions(version, e.limit) ?? -1) >= 0) affected = false;
  }
  const fixed = affected
    ? sorted
        .map((e) => e.fixed)
        .filter((f): f is string => f !== undefined && (compareVersions(f, version) ?? 0) > 0)
        .sort((a, b) => compareVersions(a, b) ?? 0)[0]
    : undefined;
  return { affected, ...(fixed ? { fixed } : {}) };
}

function matchVersion(records: readonly RayRecord[], version: string): RayAdvisory[] {
  if (!isVersion(version)) return [];
  const hits: RayAdvisory[] = [];
  for (const record of records) {
    let affected = record.versions.some((v) => compareVersions(v, version) === 0);
    let fixed: string | undefined;
    for (const events of record.ranges) {
      const r = inRange(events, version);
      if (r.affected) {
        affected = true;
        if (r.fixed && (!fixed || (compareVersions(r.fixed, fixed) ?? 0) < 0)) fixed = r.fixed;
      }
    }
    if (!affected) continue;
    hits.push({
      id: record.id,
      aliases: record.aliases.filter((a) => a !== record.id),
      ...(record.summary ? { summary: record.summary } : {}),
      ...(record.severity ? { severity: record.severity } : {}),
      ...(fixed ? { fixed } : {}),
      ...(record.url ? { url: record.url } : {}),
    });
  }
  return mergeByAlias(hits);
}

const ID_PREFERENCE = ['GHSA-', 'PYSEC-2', 'CVE-', 'PYSEC-'];

/** One advisory per vulnerability: records sharing any id are merged, keeping the most specific data. */
export function mergeByAlias(advisories: readonly RayAdvisory[]): RayAdvisory[] {
  const groups: RayAdvisory[][] = [];
  for (const a of advisories) {
    const ids = new Set([a.id, ...a.aliases]);
    const matching = groups.filter((g) => g.some((b) => [b.id, ...b.aliases].some((i) => ids.has(i))));
    const merged = [a, ...matching.flat()];
    for (const m of matching) groups.splice(groups.indexOf(m), 1);
    groups.push(merged);
  }
  return groups
    .map((group) => {
      const rank = (id: string) => {
        const i = ID_PREFERENCE.findIndex((p) => id.startsWith(p));
        return i < 0 ? ID_PREFERENCE.length : i;
      };
      const sorted = [...group].sort((x, y) => rank(x.id) - rank(y.id) || (x.id < y.id ? -1 : 1));
      const primary = sorted[0]!;
      const ids = new Set(group.flatMap((g) => [g.id, ...g.aliases]));
      ids.delete(primary.id);
      const fixedVersions = group.map((g) => g.fixed).filter((f): f is string => f !== undefined);
      const fixed = fixedVersions.sort((a, b) => compareVersions(a, b) ?? 0)[0];
      const severity = group
        .map((g) => g.severity)
        .filter((s): s is Severity => s !== undefined)
        .sort((a, b) => severityRank(b) - severityRank(a))[0];
      const summary = sorted.map((g) => g.summary).find((s) => s !== undefined);
      const url = sorted.map((g) => g.url).find((s) => s !== undefined);
      return {
        id: primary.id,
        aliases: [...ids].filter((i) => !i.startsWith('PYSEC-0000-')).sort(),
        ...(summary ? { summary } : {}),
        ...(severity ? { severity } : {}),
        ...(fixed ? { fixed } : {}),
        ...(url ? { url } : {}),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
