/**
 * OSV records (https://ossf.github.io/osv-schema/), as raygate reads them. Only the fields raygate uses are
 * typed; a record keeps every other field it had, so what is stored or re-emitted is what the source said.
 */
export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: OsvReference[] | null;
  database_specific?: Record<string, unknown>;
  [field: string]: unknown;
}

export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu';

export interface OsvSeverity {
  type: OsvSeverityType;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export type OsvRangeType = 'GIT' | 'SEMVER' | 'ECOSYSTEM';

export interface OsvRange {
  type: OsvRangeType;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export type OsvEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface OsvReference {
  type: string;
  url: string;
}

/** The kind and version of one event, whichever of the four it is. */
export function eventOf(event: OsvEvent): {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
} {
  if ('introduced' in event) return { kind: 'introduced', version: event.introduced };
  if ('fixed' in event) return { kind: 'fixed', version: event.fixed };
  if ('last_affected' in event) return { kind: 'last_affected', version: event.last_affected };
  return { kind: 'limit', version: event.limit };
}

/** Every (ecosystem, name) a record names in `affected`, in record order without repeats. */
export function affectedPackages(record: OsvRecord): { ecosystem: string; name: string }[] {
  const seen = new Set<string>();
  const out: { ecosystem: string; name: string }[] = [];
  for (const affected of record.affected ?? []) {
    const pkg = affected.package;
    if (!pkg) continue;
    const key = `${pkg.ecosystem}\u0000${pkg.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ecosystem: pkg.ecosystem, name: pkg.name });
  }
  return out;
}

/** Milliseconds since the epoch of an OSV timestamp, for ordering `modified` values. */
export function timestampMs(value: string): number {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}
