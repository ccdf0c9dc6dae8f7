import type { Location, Package } from '../sbom/model.ts';
import type { MatchedRange } from './match.ts';
import type { AdvisoryQuery, NotAssessedReason } from './package-query.ts';
import type { AdvisorySeverity } from './severity.ts';

/** The package a finding is about, with where it was found. */
export interface FindingPackage {
  id: string;
  ecosystem: Package['ecosystem'];
  name: string;
  version: string;
  purl?: string;
  locations: Location[];
  /** How it was asked about (OSV ecosystem and name, e.g. a conda package as its PyPI distribution). */
  query: AdvisoryQuery;
}

/** One vulnerability in one package: every record describing it (GHSA, PYSEC, CVE…) merged into one. */
export interface Finding {
  /** The id shown first: a CVE when one is known, else the most widely used id. */
  id: string;
  /** Ids of the OSV records that matched. */
  advisories: string[];
  /** Every other id those records give (aliases), without the advisory ids. */
  aliases: string[];
  package: FindingPackage;
  summary?: string;
  severity: AdvisorySeverity;
  malicious: boolean;
  ranges: { advisory: string; ecosystem: string; range: MatchedRange }[];
  /** The lowest fixed version above the installed one, when any record names one. */
  fixedIn?: string;
  references: string[];
  published?: string;
  modified: string;
  /** When raygate first saw this advisory affect this package (ISO 8601), from the first-seen ledger. */
  firstSeen?: string;
}

export interface IgnoredFinding {
  finding: Finding;
  rule: { id: string; reason: string; expires: string; purl?: string };
}

export interface NotAssessed {
  package: Omit<FindingPackage, 'query' | 'version'> & { version?: string };
  reason: NotAssessedReason;
  detail: string;
}
