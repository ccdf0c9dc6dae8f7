import type { Severity } from '../../shared/severity.ts';

/** Identifies a snapshot file (`raygate digest --previous`) and the snapshots the service stores. */
export const SNAPSHOT_SCHEMA = 'https://raygate.dev/schemas/digest-snapshot/v1';
/** Identifies the digest document (webhook body, `--format json`, `/api/v1/digests/:id`). */
export const DIGEST_SCHEMA = 'https://raygate.dev/schemas/digest/v1';

export type DigestSeverity = Severity | 'unknown';

/** The package a finding is about, as a digest names it. */
export interface DigestPackage {
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
}

/** One vulnerability in one package of one artifact, as remembered between digests. */
export interface SnapshotFinding {
  /** The id shown (a CVE when known). */
  id: string;
  /** OSV record ids that matched. */
  advisories: string[];
  aliases: string[];
  package: DigestPackage;
  severity: DigestSeverity;
  score?: number;
  fixedIn?: string;
  summary?: string;
  published?: string;
  modified: string;
  references?: string[];
}

/** What was shipped: an image, a wheel, a file, with the findings its SBOM had. */
export interface SnapshotArtifact {
  name: string;
  kind?: string;
  /** `sha256:…` of the artifact (an image's manifest digest). */
  digest?: string;
  /** Where it lives: `registry/repository@sha256:…`. */
  reference?: string;
  findings: SnapshotFinding[];
}

/** A shipped release: the service's approved release, or one SBOM given to `raygate digest`. */
export interface SnapshotRelease {
  /** Stable across digests: the release id, or the SBOM's name. */
  key: string;
  /** How people name it: `ray-images 2.58.0`. */
  label: string;
  project?: string;
  version?: string;
  approvedAt?: string;
  artifacts: SnapshotArtifact[];
}

/** Where the advisories came from when a snapshot was taken. */
export interface SnapshotSource {
  kind: 'mirror' | 'online';
  location?: string;
  generation?: string;
  importedAt?: string;
}

/** Every shipped release's findings at one moment: what the next digest compares against. */
export interface DigestSnapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  takenAt: string;
  /** The project it covers (service), absent for a CLI snapshot. */
  scope?: string;
  source?: SnapshotSource;
  releases: SnapshotRelease[];
}

export type EntryStatus = 'new' | 'changed' | 'resolved';

/**
 * Why an entry is in the digest. New: `published` (the advisory was published since the last digest) or
 * `matched` (an older advisory now matches: it was imported, or its ranges changed). Changed:
 * `severity-raised`, `severity-lowered`, `fix-available`. Resolved: `withdrawn` (the advisory was
 * withdrawn) or `not-affected` (its ranges no longer include the version).
 */
export type EntryReason =
  | 'published'
  | 'matched'
  | 'severity-raised'
  | 'severity-lowered'
  | 'fix-available'
  | 'withdrawn'
  | 'not-affected';

/** One place a vulnerability applies: a package in an artifact of a release. */
export interface DigestAffected {
  release: { key: string; label: string; project?: string; version?: string };
  artifact: { name: string; kind?: string; digest?: string; reference?: string };
  package: DigestPackage;
  fixedIn?: string;
  /** Changed entries: what it was before. */
  previous?: { severity: DigestSeverity; score?: number; fixedIn?: string };
}

/** One vulnerability (records merged by alias) with one status, and everything it affects. */
export interface DigestEntry {
  id: string;
  advisories: string[];
  aliases: string[];
  status: EntryStatus;
  reasons: EntryReason[];
  severity: DigestSeverity;
  score?: number;
  summary?: string;
  published?: string;
  modified?: string;
  references: string[];
  affects: DigestAffected[];
}

export interface DigestReleaseSummary {
  key: string;
  label: string;
  project?: string;
  version?: string;
  /** Findings it had when it entered or left the digest's watch. */
  findings: number;
}

export interface DigestSummary {
  new: number;
  changed: number;
  resolved: number;
  /** Releases that new or changed entries affect. */
  releasesAffected: number;
  /** Releases the digest watches now. */
  releasesWatched: number;
  /** New and changed entries by severity. */
  bySeverity: Record<DigestSeverity, number>;
  /** Nothing new, changed or resolved (releases may still have come or gone). */
  nothingNew: boolean;
}

/** The digest document: what changed for the shipped releases between two snapshots. */
export interface Digest {
  schema: typeof DIGEST_SCHEMA;
  /** `sha256:` of the digest's content without this field: the same changes give the same id. */
  id: string;
  scope?: string;
  generatedAt: string;
  /** When the previous snapshot was taken; absent on the first (baseline) digest. */
  since?: string;
  /** No previous snapshot: every current finding is the baseline, none is reported as new. */
  baseline: boolean;
  source?: SnapshotSource;
  summary: DigestSummary;
  entries: DigestEntry[];
  releases: { added: DigestReleaseSummary[]; removed: DigestReleaseSummary[] };
}
