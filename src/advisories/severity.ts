import type { Severity } from '../shared/severity.ts';
import { scoreCvss, type CvssVersion } from './cvss.ts';
import type { OsvAffected, OsvRecord, OsvSeverity } from './osv.ts';

/** Where an advisory's severity came from, best first. */
export type SeverityMethod = 'malicious' | 'CVSS_V4' | 'CVSS_V3' | 'CVSS_V2' | 'Ubuntu' | 'database' | 'none';

export interface AdvisorySeverity {
  /** `unknown` when no source gave one: it is reported as unknown, never guessed. */
  severity: Severity | 'unknown';
  score?: number;
  vector?: string;
  cvssVersion?: CvssVersion;
  method: SeverityMethod;
}

export const UNKNOWN_SEVERITY: AdvisorySeverity = { severity: 'unknown', method: 'none' };

const METHOD_RANK: Record<SeverityMethod, number> = {
  malicious: 6,
  CVSS_V4: 5,
  CVSS_V3: 4,
  CVSS_V2: 3,
  Ubuntu: 2,
  database: 1,
  none: 0,
};

/** OSV `MAL-` ids name malicious packages: installing one is a compromise, whatever else the record says. */
export function isMaliciousId(id: string): boolean {
  return id.startsWith('MAL-');
}

/**
 * The severity of one record for one affected entry: a malicious-package record is critical; otherwise
 * the entry's own `severity` (OSV lets a package override the record), else the record's, preferring CVSS
 * v4, then v3, then v2 vectors, then an Ubuntu priority, then `database_specific.severity`.
 */
export function recordSeverity(record: OsvRecord, affected?: OsvAffected): AdvisorySeverity {
  if (isMaliciousId(record.id)) return { severity: 'critical', method: 'malicious' };
  const own = affected?.severity && affected.severity.length > 0 ? affected.severity : record.severity;
  const fromScores = bestOf((own ?? []).map(fromOsvSeverity));
  if (fromScores.method !== 'none') return fromScores;
  const fromDatabase =
    databaseSeverity(affected?.database_specific) ?? databaseSeverity(record.database_specific);
  return fromDatabase ? { severity: fromDatabase, method: 'database' } : UNKNOWN_SEVERITY;
}

/** The strongest of several severities: best method first, then the highest score or rating. */
export function bestOf(severities: readonly AdvisorySeverity[]): AdvisorySeverity {
  let best = UNKNOWN_SEVERITY;
  for (const s of severities) {
    const byMethod = METHOD_RANK[s.method] - METHOD_RANK[best.method];
    if (byMethod > 0 || (byMethod === 0 && rank(s) > rank(best))) best = s;
  }
  return best;
}

function rank(s: AdvisorySeverity): number {
  if (s.score !== undefined) return s.score;
  return { critical: 9.5, high: 8, medium: 5.5, low: 2, info: 0, unknown: -1 }[s.severity];
}

function fromOsvSeverity(entry: OsvSeverity): AdvisorySeverity {
  if (entry.type === 'Ubuntu') {
    const severity = UBUNTU_PRIORITY[entry.score.trim().toLowerCase()];
    return severity ? { severity, method: 'Ubuntu' } : UNKNOWN_SEVERITY;
  }
  const cvss = scoreCvss(entry.score);
  if (!cvss) return UNKNOWN_SEVERITY;
  const method: SeverityMethod =
    cvss.version === '4.0' ? 'CVSS_V4' : cvss.version === '2.0' ? 'CVSS_V2' : 'CVSS_V3';
  if (method !== entry.type) return UNKNOWN_SEVERITY;
  return {
    severity: cvss.severity,
    score: cvss.score,
    vector: cvss.vector,
    cvssVersion: cvss.version,
    method,
  };
}

const UBUNTU_PRIORITY: Record<string, Severity> = {
  negligible: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

const DATABASE_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
  NEGLIGIBLE: 'info',
  NONE: 'info',
};

function databaseSeverity(specific: Record<string, unknown> | undefined): Severity | undefined {
  const value = specific?.severity;
  return typeof value === 'string' ? DATABASE_SEVERITY[value.trim().toUpperCase()] : undefined;
}
