import { canonicalJson } from '../shared/canonical-json.ts';
import type { EvaluatePolicy } from './context.ts';
import {
  DECISION_SCHEMA,
  type ExceptionReport,
  type Reason,
  type ReasonStatus,
  type RuleResult,
  type RuleStatus,
  type Verdict,
} from './decision.ts';
import { evidenceDigest, policyDigest } from './digest.ts';
import type { ExceptionEvidence, ReleaseEvidence } from './evidence.ts';
import {
  applied,
  describeScope,
  exceptionCovers,
  exceptionState,
  type ExceptionState,
} from './exceptions.ts';
import type { PolicyRule, RuleFamily } from './policy.ts';
import { checkApprovals } from './rules/approvals.ts';
import { checkCooldown } from './rules/cooldown.ts';
import type { Draft, FamilyInput, FamilyOutcome } from './rules/draft.ts';
import { checkLicenses } from './rules/licenses.ts';
import { checkPins } from './rules/pins.ts';
import { checkProvenance } from './rules/provenance.ts';
import { checkPublisherDrift } from './rules/publisher-drift.ts';
import { checkRay } from './rules/ray.ts';
import { checkSbom } from './rules/sbom.ts';
import { checkSignatures } from './rules/signatures.ts';
import { checkVulnerabilities } from './rules/vulnerabilities.ts';

type Families = {
  [F in RuleFamily]: (input: FamilyInput<Extract<PolicyRule, { check: F }>>) => FamilyOutcome;
};

const FAMILIES: Families = {
  vulnerabilities: checkVulnerabilities,
  pins: checkPins,
  signatures: checkSignatures,
  provenance: checkProvenance,
  sbom: checkSbom,
  licenses: checkLicenses,
  cooldown: checkCooldown,
  'publisher-drift': checkPublisherDrift,
  ray: checkRay,
  approvals: checkApprovals,
};

/** Families whose results no exception may cover: who approves is not a risk to accept. */
const UNWAIVABLE = new Set<RuleFamily>(['approvals']);

/**
 * Evaluates a policy over a release's evidence at `context.now`. Pure and deterministic: rules in policy
 * order, reasons sorted, no clock, no I/O. See decision.ts for the verdict's meaning.
 */
export const evaluate: EvaluatePolicy = (policy, evidence, context) => {
  const { now } = context;
  const exceptions = [...evidence.exceptions]
    .sort((a, b) => compare(a.id, b.id))
    .map((exception) => ({ exception, state: exceptionState(exception, now), matches: 0 }));

  const rules = policy.rules.map((rule): RuleResult => {
    const run = FAMILIES[rule.check] as (input: FamilyInput<PolicyRule>) => FamilyOutcome;
    const outcome = run({ rule, evidence, now });
    const reasons = dedupe(outcome.drafts.map((draft) => toReason(draft, rule, evidence, exceptions))).sort(
      compareReasons,
    );
    const status = statusOf(reasons);
    return {
      rule: rule.id,
      family: rule.check,
      action: rule.action,
      status,
      summary: `${outcome.checked}: ${describeCounts(status, reasons)}`,
      reasons,
    };
  });

  const exceptionReports = exceptions.map(reportOf);
  const expired = exceptionReports.filter((e) => e.state === 'expired');
  const counts = { pass: 0, 'pass-with-exception': 0, warn: 0, fail: 0, pending: 0 } as Record<
    RuleStatus,
    number
  >;
  for (const r of rules) counts[r.status]++;
  const verdict: Verdict =
    counts.fail > 0 || expired.length > 0 ? 'deny' : counts.pending > 0 ? 'needs-approval' : 'allow';

  return {
    schema: DECISION_SCHEMA,
    verdict,
    summary: summarize(verdict, rules, expired),
    release: {
      project: evidence.release.project,
      version: evidence.release.version,
      ...(evidence.release.git?.commit ? { commit: evidence.release.git.commit } : {}),
    },
    evaluatedAt: now.toISOString(),
    rules,
    exceptions: exceptionReports,
    counts,
    inputs: {
      policy: { name: policy.name, digest: policyDigest(policy) },
      evidence: evidenceDigest(evidence),
      ...(evidence.snapshots.advisories
        ? {
            advisories: {
              kind: evidence.snapshots.advisories.kind,
              ...(evidence.snapshots.advisories.generation
                ? { generation: evidence.snapshots.advisories.generation }
                : {}),
              ...(evidence.snapshots.advisories.digest
                ? { digest: evidence.snapshots.advisories.digest }
                : {}),
            },
          }
        : {}),
      ...(evidence.snapshots.trustedRoot ? { trustedRoot: { ...evidence.snapshots.trustedRoot } } : {}),
    },
  };
};

interface TrackedException {
  exception: ExceptionEvidence;
  state: ExceptionState;
  matches: number;
}

function toReason(
  draft: Draft,
  rule: PolicyRule,
  evidence: ReleaseEvidence,
  exceptions: TrackedException[],
): Reason {
  const base = { code: draft.code, message: draft.message, subject: draft.subject };
  switch (draft.kind) {
    case 'fail':
    case 'warn':
    case 'info':
      return { status: draft.kind, ...base };
    case 'pending':
      return { status: rule.action === 'fail' ? 'pending' : 'warn', ...base };
    case 'violation':
      break;
  }
  const status: ReasonStatus = rule.action;
  if (draft.waivable === false || UNWAIVABLE.has(rule.check)) return { status, ...base };
  const matching = exceptions.filter((e) =>
    exceptionCovers(e.exception, rule.id, draft.subject, evidence.release),
  );
  for (const e of matching) e.matches++;
  const active = matching.find((e) => e.state === 'active');
  if (active) {
    return {
      status: 'excepted',
      ...base,
      message: `${draft.message} Excepted by ${active.exception.id} until ${active.exception.expiresAt} (owner ${active.exception.owner}): ${active.exception.reason}`,
      exception: applied(active.exception),
    };
  }
  const expired = matching.find((e) => e.state === 'expired');
  if (expired) {
    return {
      status,
      ...base,
      message: `${draft.message} The exception ${expired.exception.id} that covered this expired at ${expired.exception.expiresAt}.`,
      exception: applied(expired.exception),
    };
  }
  return { status, ...base };
}

function reportOf({ exception, state, matches }: TrackedException): ExceptionReport {
  const scope = describeScope(exception);
  const covers = `${matches} reason${matches === 1 ? '' : 's'}`;
  switch (state) {
    case 'expired':
      return {
        id: exception.id,
        state,
        matches,
        message: `The exception for ${scope} (owner ${exception.owner}) expired at ${exception.expiresAt}; it would cover ${covers}. An expired exception fails the gate until it is renewed or removed.`,
      };
    case 'unapproved':
      return {
        id: exception.id,
        state,
        matches,
        message: `The exception for ${scope} (owner ${exception.owner}) is not approved; it covers nothing (it would cover ${covers}).`,
      };
    case 'active':
      return matches > 0
        ? {
            id: exception.id,
            state: 'applied',
            matches,
            message: `The exception for ${scope} (owner ${exception.owner}, until ${exception.expiresAt}) covers ${covers}: ${exception.reason}`,
          }
        : {
            id: exception.id,
            state: 'unused',
            matches,
            message: `The exception for ${scope} (owner ${exception.owner}, until ${exception.expiresAt}) covers nothing in this release.`,
          };
  }
}

const STATUS_ORDER: Record<ReasonStatus, number> = { fail: 0, pending: 1, warn: 2, excepted: 3, info: 4 };

function statusOf(reasons: readonly Reason[]): RuleStatus {
  const has = (s: ReasonStatus) => reasons.some((r) => r.status === s);
  if (has('fail')) return 'fail';
  if (has('pending')) return 'pending';
  if (has('warn')) return 'warn';
  if (has('excepted')) return 'pass-with-exception';
  return 'pass';
}

function describeCounts(status: RuleStatus, reasons: readonly Reason[]): string {
  const count = (s: ReasonStatus) => reasons.filter((r) => r.status === s).length;
  const parts = [
    [count('fail'), 'failing'],
    [count('pending'), 'pending'],
    [count('warn'), 'warning'],
    [count('excepted'), 'excepted'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, word]) => `${n as number} ${word as string}${word === 'warning' && n !== 1 ? 's' : ''}`);
  return parts.length > 0 ? parts.join(', ') : status;
}

function summarize(
  verdict: Verdict,
  rules: readonly RuleResult[],
  expired: readonly ExceptionReport[],
): string {
  const ids = (status: RuleStatus) => rules.filter((r) => r.status === status).map((r) => r.rule);
  if (verdict === 'deny') {
    const parts: string[] = [];
    const failing = ids('fail');
    if (failing.length > 0)
      parts.push(`${failing.length} rule${failing.length === 1 ? '' : 's'} fail (${failing.join(', ')})`);
    if (expired.length > 0) {
      parts.push(
        `${expired.length} exception${expired.length === 1 ? '' : 's'} expired (${expired.map((e) => e.id).join(', ')})`,
      );
    }
    return `Denied: ${parts.join('; ')}.`;
  }
  if (verdict === 'needs-approval') {
    const waiting = rules
      .filter((r) => r.status === 'pending')
      .flatMap((r) => r.reasons.filter((x) => x.status === 'pending').map((x) => x.message));
    return `Needs approval: ${waiting.join(' ')}`;
  }
  const extras = [
    ids('pass-with-exception').length > 0
      ? `${ids('pass-with-exception').length} with exceptions`
      : undefined,
    ids('warn').length > 0 ? `${ids('warn').length} with warnings` : undefined,
  ].filter(Boolean);
  return `Allowed: ${rules.length} rule${rules.length === 1 ? '' : 's'} pass${extras.length > 0 ? ` (${extras.join(', ')})` : ''}.`;
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = canonicalJson(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function subjectKey(r: Reason): string {
  const s = r.subject;
  return [
    s.artifactName,
    s.artifact,
    s.package,
    s.advisory,
    s.file,
    s.line?.toString().padStart(9, '0'),
    s.field,
    s.finding,
    s.actor,
    s.attestation,
  ]
    .map((x) => x ?? '')
    .join('\u0000');
}

function compareReasons(a: Reason, b: Reason): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    compare(a.code, b.code) ||
    compare(subjectKey(a), subjectKey(b)) ||
    compare(a.message, b.message)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
