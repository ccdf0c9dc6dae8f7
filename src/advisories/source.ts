import type { OsvRecord } from './osv.ts';
import type { AdvisoryQuery } from './package-query.ts';

/** What a report says about where its advisories came from. */
export interface AdvisorySourceInfo {
  kind: 'mirror' | 'online';
  /** The mirror folder or the API base URL. */
  location: string;
  /** Mirror only: the generation read and when it was imported. */
  generation?: string;
  importedAt?: string;
  /** Mirror only: the newest `modified` per ecosystem, i.e. how fresh the data is. */
  ecosystems?: Record<string, { records: number; newestModified?: string }>;
}

export interface SourceAnswer {
  /** Candidate records per query (by `queryId`); the matcher decides which really affect the version. */
  records: Map<string, OsvRecord[]>;
  /** Problems the source met that the report must show (a record it could not fetch, a stale mirror). */
  problems: { code: string; message: string }[];
  /**
   * True when the source already decided the records affect the queried version (the OSV API does); the
   * matcher then reports any record it cannot confirm, instead of dropping it silently.
   */
  asserted?: boolean;
}

/**
 * The port every advisory source implements: the local mirror (osv-mirror-reader.ts), the OSV API
 * (osv-api-client.ts), and later the service's store. Sources return candidates; matching stays in match.ts
 * so every source gives the same answer for the same records.
 */
export interface AdvisorySource {
  info(): AdvisorySourceInfo;
  query(queries: readonly AdvisoryQuery[]): Promise<SourceAnswer>;
}

/**
 * Remembers when each (advisory, package) pair was first seen, so digests can say "new since yesterday".
 * Keys come from `firstSeenKey`; `firstSeen` records every key it has not seen before at `now` and returns
 * the first-seen time of every key asked about. The mirror keeps it in its folder; the service's store will
 * implement the same port.
 */
export interface FirstSeenLedger {
  firstSeen(keys: readonly string[], now: Date): Promise<Map<string, string>>;
}

/** `GHSA-xxxx pkg:PyPI/ray@2.6.3` — the advisory id and the package as it was asked about. */
export function firstSeenKey(advisory: string, query: AdvisoryQuery): string {
  return `${advisory} ${query.ecosystems[0]}/${query.name}@${query.version}`;
}
