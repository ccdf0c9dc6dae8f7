/**
 * The evidence a release candidate's decision is made from: plain JSON data, produced from the engines'
 * outputs by the pure adapters in `adapters/` and evaluated by `evaluate()`. Nothing here refers to an
 * engine's live objects, so a decision can be replayed from a stored evidence file alone.
 *
 * Conventions:
 * - times are ISO 8601 strings in UTC (`2026-11-25T10:00:00.000Z`);
 * - digests are `<algorithm>:<lower-case hex>` (`sha256:9f86d0…`);
 * - severities use the one scale of `shared/severity.ts`;
 * - lists carry no meaning in their order (evaluation sorts what it reports).
 *
 * Absence has one meaning per field and it is documented: an artifact without `vulnerabilities` was not
 * assessed (a policy that asks for an assessment fails it), whereas an empty `findings` list means
 * "assessed and clean".
 */
import type { Severity } from '../shared/severity.ts';

/** Identifies this shape in stored files; bumped only on an incompatible change. */
export const EVIDENCE_SCHEMA = 'raygate.dev/evidence/v1';

/** `sha256:<hex>` (or another algorithm the source used, same form). */
export type Digest = string;

/** ISO 8601 time, UTC. */
export type Timestamp = string;

export interface ReleaseEvidence {
  schema: typeof EVIDENCE_SCHEMA;
  release: ReleaseInfo;
  /** What is being shipped: images and files, each with its SBOM, findings and attestations. */
  artifacts: ArtifactEvidence[];
  /** Lock and requirements files of the release's source, judged by `raygate pins`. */
  lockFiles: LockFileEvidence[];
  /** Pinned dependencies with the time their release was uploaded to its index (the cooldown rule). */
  dependencies: DependencyEvidence[];
  /** Projects whose pinned release was published by someone other than its earlier releases' publisher. */
  publisherDrift: PublisherDriftEvidence[];
  /** Ray deployment hardening (`raygate ray lint`) over the deployment files shipped with the release. */
  ray?: RayEvidence;
  /** People who approved the release so far. */
  approvals: ApprovalEvidence[];
  /** Accepted risks that may turn failing results into passes-with-exception. */
  exceptions: ExceptionEvidence[];
  /** The advisory data and the Sigstore trust material the evidence was gathered with, for replay. */
  snapshots: SnapshotEvidence;
}

export interface ReleaseInfo {
  project: string;
  version: string;
  git?: {
    /** `https://github.com/acme/ray-images` (or `owner/repo` as submitted). */
    repository?: string;
    /** Full ref: `refs/heads/main`, `refs/tags/v1.2.0`. */
    ref?: string;
    /** Full commit id. */
    commit?: string;
  };
  /** The actor that submitted the candidate (token subject, CI identity): separation of duties. */
  submittedBy?: string;
  submittedAt?: Timestamp;
}

/** Container images, Python wheels and source distributions, or any other file shipped. */
export type ArtifactKind = 'image' | 'wheel' | 'sdist' | 'file';

export interface ArtifactEvidence {
  kind: ArtifactKind;
  /**
   * What people call it: an image repository without tag or digest (`ghcr.io/acme/ray-ml`), or a file name
   * (`acme_ray_udf-1.2.0-py3-none-any.whl`). Policies select artifacts by kind and by glob over this name.
   */
  name: string;
  /** The content digest that identifies it: the manifest digest of an image, the sha256 of a file. */
  digest: Digest;
  /** The reference as submitted (`ghcr.io/acme/ray-ml:2.58.0-gpu`), when it had one. */
  reference?: string;
  /** The SBOM the checks ran on; absent when there is none. */
  sbom?: SbomEvidence;
  /** The advisory assessment of the SBOM's packages; absent when none ran. */
  vulnerabilities?: VulnerabilityEvidence;
  /** Every signature and attestation found for this digest, verified or not. Empty: none was found. */
  attestations: AttestationEvidence[];
}

// --- SBOM and licenses ---------------------------------------------------------------------------------

export interface SbomEvidence {
  /** `generated` by raygate from the artifact, or `uploaded` with the candidate. */
  origin: 'generated' | 'uploaded';
  format: 'cyclonedx-json' | 'cyclonedx-xml' | 'spdx-json' | 'raygate-scan';
  /** Digest of the SBOM document as stored. */
  digest?: Digest;
  /** Inventory the SBOM lists (what license rules judge). */
  packages: PackageEvidence[];
}

export interface PackageEvidence {
  ecosystem: string;
  name: string;
  version?: string;
  purl?: string;
  /** SPDX expressions, or the free text a package gave when it named no SPDX license. Empty: none known. */
  licenses: LicenseEvidence[];
}

export type LicenseEvidence = { expression: string } | { text: string };

// --- vulnerabilities ----------------------------------------------------------------------------------

export interface VulnerabilityEvidence {
  source: { kind: 'mirror' | 'online'; location: string; generation?: string };
  findings: VulnerabilityFinding[];
  /** Packages that could not be assessed (no advisory identity, incomparable version, unpinned). */
  notAssessed: NotAssessedEvidence[];
  /** Problems the source met (a record it could not fetch, a stale mirror). */
  problems: { code: string; message: string }[];
}

export interface VulnerabilityFinding {
  /** The id shown first (a CVE when one is known). */
  id: string;
  /** Ids of the OSV records that matched. */
  advisories: string[];
  /** Every other id of the same vulnerability. */
  aliases: string[];
  package: FindingPackageEvidence;
  severity: Severity | 'unknown';
  /** CVSS base score, when a vector gave one. */
  score?: number;
  vector?: string;
  /** OSV `MAL-` record: installing the package is a compromise. */
  malicious: boolean;
  /** The lowest fixed version above the installed one, when any record names one. */
  fixedIn?: string;
  summary?: string;
  published?: Timestamp;
  modified?: Timestamp;
  firstSeen?: Timestamp;
}

export interface FindingPackageEvidence {
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
  /** Paths inside the artifact where the package was found. */
  locations: string[];
}

export interface NotAssessedEvidence {
  package: Omit<FindingPackageEvidence, 'version'> & { version?: string };
  reason: string;
  detail: string;
}

// --- signatures and provenance ------------------------------------------------------------------------

export type AttestationKind = 'signature' | 'slsa-provenance' | 'pep740' | 'sbom-attestation' | 'vsa';

export interface AttestationEvidence {
  kind: AttestationKind;
  /** Where it was found: `uploaded`, `oci-referrers`, `oci-tag`, `pypi-integrity`, `github-attestations`. */
  source: string;
  /** Digest of the bundle or signature document, to name it in reasons. */
  bundleDigest?: Digest;
  /** Verified against the artifact digest and the trusted root, or failed with a stable code. */
  verification: { status: 'verified' } | { status: 'failed'; code: string; message: string };
  /** Who signed (from the verified certificate or key). Present when it could be read. */
  signer?: SignerEvidence;
  /** in-toto predicate type of a DSSE statement. */
  predicateType?: string;
  /** What a provenance (SLSA, PEP 740 publish attestation) says about the build. */
  provenance?: ProvenanceEvidence;
  /** Verified times the signature existed at. */
  signedAt?: Timestamp[];
}

export interface SignerEvidence {
  kind: 'certificate' | 'public-key';
  /** Subject Alternative Names of the certificate: URIs, emails. */
  san: string[];
  /** OIDC issuer (Fulcio extension 1.8 or 1.1). */
  issuer?: string;
  /** GitHub Actions facts from Fulcio's extensions. */
  github?: {
    /** `https://github.com/owner/repo` (1.12). */
    repository?: string;
    /** The workflow that started the run, `https://github.com/owner/repo/.github/workflows/x.yml@ref` (1.18). */
    workflow?: string;
    /** The workflow that signed (1.9); differs from `workflow` for reusable workflows. */
    signerWorkflow?: string;
    /** `refs/heads/main` (1.14). */
    ref?: string;
    /** Commit the run built (1.13). */
    commit?: string;
    /** `push`, `workflow_dispatch`, … (1.20). */
    trigger?: string;
    /** `github-hosted` or `self-hosted` (1.11). */
    runnerEnvironment?: string;
  };
  /** Key-signed bundles: the key hint. */
  keyHint?: string;
}

export interface ProvenanceEvidence {
  /** SLSA `runDetails.builder.id` (v1) or `builder.id` (v0.2); PEP 740: the Trusted Publisher kind. */
  builderId?: string;
  buildType?: string;
  /** Canonical `https://host/owner/repo`, no `.git` suffix, no `git+`. */
  sourceRepository?: string;
  sourceRef?: string;
  sourceCommit?: string;
  /** The SLSA Build level the evidence supports (0 when none can be claimed). */
  slsaLevel?: 0 | 1 | 2 | 3 | 4;
}

// --- pins, release ages, publisher drift --------------------------------------------------------------

export interface LockFileEvidence {
  /** Path in the source tree, `/`-separated. */
  path: string;
  digest?: Digest;
  requirements: RequirementEvidence[];
  /** `raygate pins` findings (PIN-001 …). */
  findings: PinFindingEvidence[];
  /** `all` | `partial` | `none` | `not-applicable` (no hashable requirement). */
  hashCoverage: 'all' | 'partial' | 'none' | 'not-applicable';
  /** Set when the file could not be read or recognised at all. */
  unreadable?: { code: string; message: string };
}

export interface RequirementEvidence {
  /** PEP 503-normalised. */
  name: string;
  version?: string;
  /** `exact` | `range` | `unpinned` | `url` | `vcs` | `path`. */
  pin: 'exact' | 'range' | 'unpinned' | 'url' | 'vcs' | 'path';
  /** The version specifier as written (`==1.2.3`, `>=1,<2`), empty for any version. */
  specifier: string;
  /** Exactly pinned by a constraints file although the requirement itself is a range. */
  pinnedByConstraint: boolean;
  hashes: number;
  /** The installer can check a hash for it (not a VCS checkout, a local folder or an editable install in a lock). */
  hashable: boolean;
  /** Where the requirement is written (`path:line`). */
  location: { path: string; line?: number };
}

export interface PinFindingEvidence {
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  package?: string;
  subject?: string;
  location?: { path: string; line?: number };
}

export interface DependencyEvidence {
  /** `pypi` (the only index with upload times raygate reads today), `conda`, … */
  ecosystem: string;
  /** Ecosystem-normalised (PEP 503 for PyPI). */
  name: string;
  version: string;
  /** Lock files that pin it. */
  lockFiles: string[];
  /** Earliest upload time of the release's files on its index; absent when the index did not say. */
  uploadedAt?: Timestamp;
  /** The index asked (`https://pypi.org`). */
  index?: string;
  /** Why the upload time is missing (not found on the index, index unreachable). */
  unknownReason?: string;
}

export interface PublisherIdentity {
  /** `github`, `gitlab`, `google`, `activestate`, … (PEP 740 Trusted Publisher kind). */
  kind: string;
  repository?: string;
  workflow?: string;
  environment?: string;
}

export interface PublisherDriftEvidence {
  ecosystem: string;
  name: string;
  version: string;
  /** `unattested`: earlier releases were attested, this one is not; `publisher-changed`: a different publisher. */
  drift: 'unattested' | 'publisher-changed';
  /** Publisher of the earlier releases. */
  previous: PublisherIdentity;
  /** Publisher of the pinned release, when it has one. */
  current?: PublisherIdentity;
  /** The earlier releases compared with. */
  comparedWith: string[];
  severity: Severity;
}

// --- Ray deployment -----------------------------------------------------------------------------------

export interface RayEvidence {
  /** Ids of the rules that ran: a rule that did not run cannot pass. */
  rules: string[];
  /** Deployment files read (path and kind). */
  files: { path: string; kind: string }[];
  findings: RayFindingEvidence[];
  /** Configuration-dependent advisories (ShadowRay class) judged against the deployment. */
  verdicts: RayVerdictEvidence[];
  problems: { code: string; severity: 'error' | 'warning'; message: string; file?: string }[];
}

export interface RayFindingEvidence {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  field?: string;
  cluster?: string;
  fingerprint: string;
}

export interface RayVerdictEvidence {
  vulnerability: string;
  aliases: string[];
  status: 'not_affected' | 'affected' | 'under_investigation';
  cluster?: string;
  rayVersion?: string;
  /** Rules that fail for the cluster, with what to change. */
  failing: { ruleId: string; reason: string }[];
}

// --- people -------------------------------------------------------------------------------------------

export interface ApprovalEvidence {
  /** Stable actor id (token subject, user name) compared for separation of duties. */
  actor: string;
  /** Roles the actor held when approving (`security`, `release-manager`, …). */
  roles: string[];
  at: Timestamp;
  comment?: string;
}

/** What an exception covers. `rules` (policy rule ids) narrows any scope to those rules. */
export type ExceptionScope =
  /** One vulnerability (any of its ids or aliases), optionally only in one package (a purl, versioned or not). */
  | { kind: 'advisory'; id: string; purl?: string }
  /** Every result about one package (a purl, versioned or not). */
  | { kind: 'purl'; purl: string }
  /** Every result about one artifact, by digest. */
  | { kind: 'artifact'; digest: Digest }
  /** Every result of one release of a project (a version, or every version when absent). */
  | { kind: 'release'; project: string; version?: string };

export interface ExceptionEvidence {
  id: string;
  scope: ExceptionScope;
  /** Policy rule ids the exception is limited to; every waivable rule when absent. */
  rules?: string[];
  reason: string;
  owner: string;
  createdAt?: Timestamp;
  /** First instant the exception no longer applies. An expired exception fails the gate. */
  expiresAt: Timestamp;
  /** Who approved it; an exception nobody approved is inactive. */
  approvedBy?: string;
  approvedAt?: Timestamp;
}

// --- replay -------------------------------------------------------------------------------------------

export interface SnapshotEvidence {
  /** The advisory data the assessments used. `digest` is absent for the live API (not replayable). */
  advisories?: { kind: 'mirror' | 'online'; location: string; generation?: string; digest?: Digest };
  /** The Sigstore trusted root verification used. */
  trustedRoot?: { source: string; digest: Digest };
}
