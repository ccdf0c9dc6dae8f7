/**
 * What `evaluate()` returns: a verdict, every rule's result with the reasons behind it, and the digests of
 * everything it was made from so it can be replayed. Deterministic: the same policy, evidence and `now`
 * give byte-identical canonical JSON (rules in policy order, reasons sorted).
 */
import type { Digest, Timestamp } from './evidence.ts';
import type { RuleFamily } from './policy.ts';

export const DECISION_SCHEMA = 'raygate.dev/decision/v1';

/**
 * `allow`: every rule passes (possibly with exceptions or warnings) and approvals are complete.
 * `deny`: a rule fails, or an expired exception applies to the release.
 * `needs-approval`: nothing fails, but approval rules still wait for approvers.
 */
export type Verdict = 'allow' | 'deny' | 'needs-approval';

/**
 * `pass-with-exception`: the rule failed for some subjects, each covered by an active exception — never
 * reported as a plain pass. `pending`: an approval rule whose approvers are still missing.
 * Precedence when a rule has several reasons: fail > pending > warn > pass-with-exception > pass.
 */
export type RuleStatus = 'pass' | 'pass-with-exception' | 'warn' | 'fail' | 'pending';

/**
 * One reason of a rule result. `fail`/`warn` are violations (by the rule's action), `excepted` a violation
 * an active exception covers, `pending` an approval still missing, `info` context that changes nothing
 * (a finding left out because it has no fix, an approval that does not count).
 */
export type ReasonStatus = 'fail' | 'warn' | 'excepted' | 'pending' | 'info';

/** What a reason is about, precise enough to act on and to match exceptions against. */
export interface ReasonSubject {
  /** Artifact digest, when the reason is about one artifact. */
  artifact?: Digest;
  /** Artifact name (image repository, file name), for people. */
  artifactName?: string;
  /** Package URL, or `ecosystem/name@version` when the package has none. */
  package?: string;
  /** Vulnerability id (and aliases go into `advisoryAliases`). */
  advisory?: string;
  advisoryAliases?: string[];
  /** Attestation kind and bundle digest, for signature and provenance reasons. */
  attestation?: string;
  /** Lock or deployment file and line. */
  file?: string;
  line?: number;
  /** The evidence field a reason checks (`provenance.builderId`, `sbom`, `spec.headGroupSpec…`). */
  field?: string;
  /** Rule id of an engine finding (`PIN-003`, `RAY-AUTH-002`). */
  finding?: string;
  /** Approving actor, for approval reasons. */
  actor?: string;
}

export interface Reason {
  status: ReasonStatus;
  /** Stable code per kind of reason (`VULN_SEVERITY`, `SIGNATURE_MISSING`, `APPROVALS_MISSING`, …). */
  code: string;
  /** One sentence naming the exact package, advisory, signature or field. */
  message: string;
  subject: ReasonSubject;
  /** The exception that covers this reason (status `excepted`), or that expired (status `fail`). */
  exception?: AppliedException;
}

export interface AppliedException {
  id: string;
  reason: string;
  owner: string;
  expiresAt: Timestamp;
  approvedBy?: string;
}

export interface RuleResult {
  /** The rule's id in the policy. */
  rule: string;
  family: RuleFamily;
  /** `fail` or `warn`: what a violation of this rule does. */
  action: 'fail' | 'warn';
  status: RuleStatus;
  /** One line for tables: what the rule checked and how it came out. */
  summary: string;
  /** Sorted: by status (fail first), then code, then subject, then message. */
  reasons: Reason[];
}

export interface ExceptionReport {
  id: string;
  state: 'applied' | 'unused' | 'expired' | 'unapproved';
  /** Number of reasons it covered (applied) or would have covered (expired, unapproved). */
  matches: number;
  message: string;
}

export interface Decision {
  schema: typeof DECISION_SCHEMA;
  verdict: Verdict;
  /** One sentence: why this verdict. */
  summary: string;
  release: { project: string; version: string; commit?: string };
  /** `now` as given to evaluate(). */
  evaluatedAt: Timestamp;
  /** In the policy's rule order. */
  rules: RuleResult[];
  /** Every exception in the evidence and what became of it, sorted by id. */
  exceptions: ExceptionReport[];
  counts: Record<RuleStatus, number>;
  /** Everything the decision was made from: replaying with the same inputs gives the same decision. */
  inputs: DecisionInputs;
}

export interface DecisionInputs {
  policy: { name: string; digest: Digest };
  /** sha256 of the canonical JSON of the evidence. */
  evidence: Digest;
  advisories?: { kind: 'mirror' | 'online'; generation?: string; digest?: Digest };
  trustedRoot?: { source: string; digest: Digest };
}
