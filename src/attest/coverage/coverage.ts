import type { EvidenceResult } from '../evidence/evidence-result.ts';
import { describePublisher, samePublisher } from '../pep740/publisher.ts';
import type { TrustedPublisher } from '../pep740/publisher.ts';

/**
 * Attestation coverage of an environment, per distribution, and publisher drift: pure judgements over
 * verified PEP 740 evidence. `not-checked` (offline, PyPI unreachable, not a PyPI project) is never
 * reported as clean.
 */
export type FileStatus = 'verified' | 'failing' | 'unattested' | 'not-checked';
export type DistributionStatus = 'verified' | 'failing' | 'partial' | 'unattested' | 'not-checked';

export interface FileCoverage {
  filename: string;
  sha256: string;
  status: FileStatus;
  publisher?: TrustedPublisher;
  /** Why it is failing or not checked. */
  reason?: string;
  evidence: EvidenceResult[];
}

export interface Drift {
  kind: 'unattested-after-attested' | 'publisher-changed';
  /** The earlier release whose Trusted Publisher the pinned one departs from. */
  earlier: { version: string; publisher: TrustedPublisher };
  current?: TrustedPublisher;
  message: string;
}

export interface DistributionCoverage {
  name: string;
  version: string;
  status: DistributionStatus;
  files: FileCoverage[];
  publishers: TrustedPublisher[];
  /** `not-checked` when earlier releases could not be read; absent when there is no drift. */
  drift?: Drift | 'not-checked';
  reason?: string;
}

/** What earlier releases of the project show: the publishers that verifiably published them. */
export interface ReleaseHistory {
  version: string;
  publishers: TrustedPublisher[];
}

export function fileCoverage(
  file: { filename: string; sha256: string },
  evidence: readonly EvidenceResult[],
): FileCoverage {
  const base = { filename: file.filename, sha256: file.sha256, evidence: [...evidence] };
  if (evidence.length === 0) return { ...base, status: 'unattested' };
  const verified = evidence.find((e) => e.status === 'verified');
  if (verified)
    return { ...base, status: 'verified', ...(verified.publisher ? { publisher: verified.publisher } : {}) };
  const first = evidence[0]!;
  return {
    ...base,
    status: 'failing',
    reason: first.error ? `${first.error.code}: ${first.error.message}` : first.status,
  };
}

export function distributionStatus(files: readonly FileCoverage[]): DistributionStatus {
  if (files.length === 0 || files.every((f) => f.status === 'not-checked')) return 'not-checked';
  if (files.some((f) => f.status === 'failing')) return 'failing';
  if (files.every((f) => f.status === 'verified')) return 'verified';
  if (files.some((f) => f.status === 'verified')) return 'partial';
  if (files.some((f) => f.status === 'not-checked')) return 'not-checked';
  return 'unattested';
}

export function publishersOf(files: readonly FileCoverage[]): TrustedPublisher[] {
  const out: TrustedPublisher[] = [];
  for (const file of files) {
    if (file.publisher && !out.some((p) => samePublisher(p, file.publisher!))) out.push(file.publisher);
  }
  return out;
}

/**
 * Publisher drift: an earlier release was published by a Trusted Publisher (and attested), but the pinned
 * release is unattested, or attested by a different repository or workflow: the shape of a release
 * uploaded with a stolen API token. History is the earlier releases, newest first.
 */
export function detectDrift(
  current: DistributionCoverage,
  history: readonly ReleaseHistory[],
): Drift | undefined {
  const earlier = history.find((release) => release.publishers.length > 0);
  if (!earlier) return undefined;
  const publisher = earlier.publishers[0]!;
  if (current.status === 'unattested' || (current.status === 'partial' && current.publishers.length === 0)) {
    return {
      kind: 'unattested-after-attested',
      earlier: { version: earlier.version, publisher },
      message: `${current.name} ${earlier.version} was published by ${describePublisher(publisher)} with attestations; ${current.version} has none`,
    };
  }
  const known = history.flatMap((release) => release.publishers);
  const stranger = current.publishers.find((p) => !known.some((k) => samePublisher(k, p)));
  if (stranger) {
    return {
      kind: 'publisher-changed',
      earlier: { version: earlier.version, publisher },
      current: stranger,
      message: `${current.name} ${current.version} was published by ${describePublisher(stranger)}; earlier releases by ${describePublisher(publisher)}`,
    };
  }
  return undefined;
}
