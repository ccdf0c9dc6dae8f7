/** The public surface of the policy engine: the evidence model, the policy language, and evaluation. */
export type * from './evidence.ts';
export { EVIDENCE_SCHEMA } from './evidence.ts';
export type * from './decision.ts';
export { DECISION_SCHEMA } from './decision.ts';
export type * from './policy.ts';
export { POLICY_API_VERSION, RULE_FAMILIES } from './policy.ts';
export type { EvaluatePolicy, EvaluationContext } from './context.ts';
export { evaluate } from './evaluate.ts';
export { checkPolicy, parsePolicy, type PolicyCheck } from './policy-parse.ts';
export { formatProblem, type PolicyProblem, type SourcePosition } from './problems.ts';
export { evidenceDigest, policyDigest } from './digest.ts';
export { POLICY_SCHEMA } from './schema.ts';
export { parseEvidenceRecord, type EvidenceRecord, type RecordedDecision } from './evidence-parse.ts';
export { EVIDENCE_JSON_SCHEMA } from './evidence-schema.ts';
