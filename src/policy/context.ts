import type { Decision } from './decision.ts';
import type { ReleaseEvidence } from './evidence.ts';
import type { Policy } from './policy.ts';

/** What evaluation needs besides the policy and the evidence. Time is an input: nothing reads the clock. */
export interface EvaluationContext {
  /** The instant the decision is made at: expiries, cooldowns and ignores are judged against it. */
  now: Date;
}

/**
 * `evaluate(policy, evidence, context) → Decision` (src/policy/evaluate.ts): pure and synchronous. It
 * throws only for a bug; bad evidence becomes failing reasons and a policy is validated before it gets here
 * (`parsePolicy`, src/policy/policy-parse.ts).
 */
export type EvaluatePolicy = (
  policy: Policy,
  evidence: ReleaseEvidence,
  context: EvaluationContext,
) => Decision;
