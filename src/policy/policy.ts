/**
 * A release policy: an ordered list of rules over the evidence, each of one family (`check`) and with an
 * action — what a violation does: `fail` denies the release, `warn` reports and lets it pass.
 *
 * This is the validated, normalised form that `evaluate()` reads: every default is filled in (see
 * `normalize.ts`), so two files meaning the same thing have the same canonical digest. The YAML form is
 * described by `schema.ts` and documented in `policies/README.md`.
 */
import type { Severity } from '../shared/severity.ts';
import type { ArtifactKind, AttestationKind } from './evidence.ts';

export const POLICY_API_VERSION = 'raygate.dev/policy/v1';

export const RULE_FAMILIES = [
  'vulnerabilities',
  'pins',
  'signatures',
  'provenance',
  'sbom',
  'licenses',
  'cooldown',
  'publisher-drift',
  'ray',
  'approvals',
] as const;
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** What a violation of the rule does. */
export type Action = 'fail' | 'warn';

/** How a secondary condition (unknown data, missing evidence) counts: as a violation, a warning, or not. */
export type Handling = 'fail' | 'warn' | 'ignore';

export interface Policy {
  apiVersion: typeof POLICY_API_VERSION;
  name: string;
  description?: string;
  rules: PolicyRule[];
}

export type PolicyRule =
  | VulnerabilitiesRule
  | PinsRule
  | SignaturesRule
  | ProvenanceRule
  | SbomRule
  | LicensesRule
  | CooldownRule
  | PublisherDriftRule
  | RayRule
  | ApprovalsRule;

interface RuleBase {
  /** Unique within the policy; names the rule in decisions and exceptions. */
  id: string;
  description?: string;
  action: Action;
}

/** Which artifacts an artifact rule applies to; every artifact when both lists are empty. */
export interface ArtifactSelector {
  kinds: ArtifactKind[];
  /** Globs over the artifact name: `*` within a `/`-separated segment, `**` across segments. */
  names: string[];
}

/** A signer the policy accepts. Every field given must match; `issuer` or `github` is always given. */
export interface IdentityRequirement {
  /** OIDC issuer, exactly. With `github` and no issuer: GitHub Actions' issuer. */
  issuer?: string;
  /** Regular expression the whole issuer must match. */
  issuerPattern?: string;
  /** A Subject Alternative Name, exactly. */
  san?: string;
  /** Regular expression a whole SAN must match. */
  sanPattern?: string;
  github?: {
    /** `owner/repo` or `https://github.com/owner/repo` (case-insensitive). */
    repository?: string;
    /** The workflow that started the run: `.github/workflows/release.yml`, optionally `@ref`. */
    workflow?: string;
    /** The workflow that signed: `owner/repo/.github/workflows/x.yml`, optionally `@ref`. */
    signerWorkflow?: string;
    /** Glob over the source ref: `refs/tags/v*`; `**` crosses `/`. */
    ref?: string;
  };
}

export interface VulnerabilityIgnore {
  /** An advisory id or alias. */
  id: string;
  reason: string;
  /** As written: `2026-12-31` (through that day, UTC) or a timestamp. */
  expires: string;
  /** Limits the ignore to one package (a purl, versioned or not). */
  purl?: string;
}

export interface VulnerabilitiesRule extends RuleBase {
  check: 'vulnerabilities';
  artifacts: ArtifactSelector;
  /** Findings rated at or above this severity violate. */
  severity?: Severity;
  /** Findings with a CVSS base score at or above this violate. */
  cvss?: number;
  /**
   * Which findings count by whether a fixed version exists: `available` (only fixable ones violate; the
   * others are reported as information), `unavailable` (only those without a fix), or `any`.
   */
  fix: 'any' | 'available' | 'unavailable';
  /** Findings no source rates. */
  unknownSeverity: Handling;
  /** Packages that could not be assessed. */
  notAssessed: Handling;
  /** A selected artifact without any assessment. */
  missing: Handling;
  /** Findings the deployment's Ray configuration is judged not affected by (RAY verdicts) pass. */
  rayVerdicts: boolean;
  ignore: VulnerabilityIgnore[];
}

export interface PinsRule extends RuleBase {
  check: 'pins';
  /** Globs over lock file paths; every lock file when empty. */
  files: string[];
  /** Every requirement pins exactly one version (or a constraints file does). */
  exact: boolean;
  /** Every requirement that can carry a hash carries one. */
  hashes: boolean;
  /** Pin findings that violate: at or above `severity`, or with an id in `ids`; never those in `exclude`. */
  findings: { severity?: Severity; ids: string[]; exclude: string[] };
  /** No lock file in the evidence. */
  missing: Handling;
}

export interface SignaturesRule extends RuleBase {
  check: 'signatures';
  artifacts: ArtifactSelector;
  /** Attestation kinds that count as a signature. */
  kinds: AttestationKind[];
  /** A selected artifact passes when a verified signature of one of these signers exists. */
  identities: IdentityRequirement[];
}

export interface ProvenanceRule extends RuleBase {
  check: 'provenance';
  artifacts: ArtifactSelector;
  kinds: AttestationKind[];
  /** Globs over the builder id; any builder when empty. */
  builders: string[];
  buildTypes: string[];
  /** Source repositories (`owner/repo` on GitHub or a URL); any when empty. */
  sourceRepositories: string[];
  /** Globs over the source ref; any when empty. */
  refs: string[];
  minLevel?: 0 | 1 | 2 | 3 | 4;
  /** The provenance's source commit must be the release's commit. */
  releaseCommit: boolean;
  /** Who must have signed the provenance; any verified signer when empty. */
  signers: IdentityRequirement[];
}

export interface SbomRule extends RuleBase {
  check: 'sbom';
  artifacts: ArtifactSelector;
  /** Accepted origins of the SBOM. */
  origins: ('generated' | 'uploaded')[];
  /** A verified SBOM attestation must exist for the artifact. */
  attested: boolean;
  /** Who must have signed the SBOM attestation; any verified signer when empty. */
  signers: IdentityRequirement[];
}

export interface LicensesRule extends RuleBase {
  check: 'licenses';
  artifacts: ArtifactSelector;
  /** SPDX license ids a package may not be under (unless its expression offers another choice). */
  deny: string[];
  /** When not empty: only these SPDX ids are acceptable. */
  allow: string[];
  /** A package without an SPDX license (none, or only free text). */
  unknown: Handling;
  /** Ecosystems judged; all when empty. */
  ecosystems: string[];
  /** Packages not judged: purls (versioned or not) or `ecosystem/name`. */
  exclude: string[];
}

export interface CooldownRule extends RuleBase {
  check: 'cooldown';
  /** Every pinned dependency was uploaded at least this many days before `now`. */
  days: number;
  /** A dependency whose upload time is unknown. */
  unknown: Handling;
  /** PEP 503 names exempt from the cooldown (your own packages). */
  exclude: string[];
}

export interface PublisherDriftRule extends RuleBase {
  check: 'publisher-drift';
  drift: ('unattested' | 'publisher-changed')[];
  /** Drift findings rated below this do not violate. */
  severity?: Severity;
  exclude: string[];
}

export interface RayRule extends RuleBase {
  check: 'ray';
  /** Findings at or above this severity violate. */
  severity?: Severity;
  /** Rule ids whose findings violate whatever their severity; each must also have run. */
  ids: string[];
  exclude: string[];
  /** A configuration-dependent advisory judged `affected` violates. */
  affectedAdvisories: boolean;
  /** No Ray evidence in the release. */
  missing: Handling;
}

export interface ApprovalsRule extends RuleBase {
  check: 'approvals';
  /** Distinct approvers needed. */
  count: number;
  /** Each role needs at least one approver holding it. */
  roles: string[];
  /** The submitter's own approval does not count. */
  separationOfDuties: boolean;
}
