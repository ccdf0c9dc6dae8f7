import cvssCalculator from 'ae-cvss-calculator';
import type { Severity } from '../shared/severity.ts';

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssCalculator;

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  /** The base score (CVSS v4: base metrics only, CVSS-B), 0.0–10.0. */
  score: number;
  /** The qualitative rating of that score, on raygate's scale (`none` is `info`). */
  severity: Severity;
  vector: string;
}

/**
 * Base score and rating of a CVSS vector, through ae-cvss-calculator (metaeffekt's implementation of
 * every CVSS version, checked against FIRST's calculators in test/advisories/cvss.test.ts). Undefined
 * for a vector that is malformed or does not define every base metric: a score is never guessed.
 */
export function scoreCvss(vector: string): CvssScore | undefined {
  // The same vectors recur across thousands of records; the calculator is the slow part of a scan.
  if (scores.has(vector)) return scores.get(vector);
  if (scores.size >= 50_000) scores.clear();
  const score = computeCvss(vector);
  scores.set(vector, score);
  return score;
}

const scores = new Map<string, CvssScore | undefined>();

function computeCvss(vector: string): CvssScore | undefined {
  const text = vector.trim();
  const version = versionOf(text);
  if (!version) return undefined;
  try {
    const calc =
      version === '4.0'
        ? new Cvss4P0(text)
        : version === '3.1'
          ? new Cvss3P1(text)
          : version === '3.0'
            ? new Cvss3P0(text)
            : new Cvss2(text);
    if (!calc.isBaseFullyDefined()) return undefined;
    const scores = calc.calculateScores();
    const base =
      version === '4.0'
        ? (scores as { baseMetricsOnly?: number }).baseMetricsOnly
        : (scores as { base?: number }).base;
    if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
    return { version, score: base, severity: ratingOf(version, base), vector: text };
  } catch {
    return undefined;
  }
}

function versionOf(vector: string): CvssVersion | undefined {
  if (vector.startsWith('CVSS:4.0/')) return '4.0';
  if (vector.startsWith('CVSS:3.1/')) return '3.1';
  if (vector.startsWith('CVSS:3.0/')) return '3.0';
  if (/^(\()?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) return '2.0';
  return undefined;
}

/** CVSS qualitative ratings: v3 and v4 share one table; v2 (NVD) has no critical band. */
export function ratingOf(version: CvssVersion, score: number): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'info';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}
