import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { RaygateError } from '../shared/errors.ts';
import type { Verdict } from './decision.ts';
import { EVIDENCE_SCHEMA, type Digest, type ReleaseEvidence, type Timestamp } from './evidence.ts';
import { EVIDENCE_JSON_SCHEMA } from './evidence-schema.ts';
import { pathOf } from './validate.ts';

/** What a stored decision must say for a replay: when it was made, from what, and with which outcome. */
export interface RecordedDecision {
  verdict: Verdict;
  evaluatedAt: Timestamp;
  inputs: { policy: { name: string; digest: Digest }; evidence?: Digest };
}

/**
 * An evidence file: a bare `ReleaseEvidence`, or `{evidence, decision}` as the gate stores a decision with
 * what it was made from (the decision is the full Decision; only the fields above are read).
 */
export interface EvidenceRecord {
  evidence: ReleaseEvidence;
  decision?: RecordedDecision;
}

const RECORDED_DECISION = {
  type: 'object',
  required: ['verdict', 'evaluatedAt', 'inputs'],
  properties: {
    verdict: { enum: ['allow', 'deny', 'needs-approval'] },
    evaluatedAt: { type: 'string', maxLength: 64 },
    inputs: {
      type: 'object',
      required: ['policy'],
      properties: {
        policy: {
          type: 'object',
          required: ['name', 'digest'],
          properties: { name: { type: 'string' }, digest: { type: 'string' } },
        },
        evidence: { type: 'string' },
      },
    },
  },
};

let validators: { evidence: ValidateFunction; decision: ValidateFunction } | undefined;

function compiled() {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    validators = { evidence: ajv.compile(EVIDENCE_JSON_SCHEMA), decision: ajv.compile(RECORDED_DECISION) };
  }
  return validators;
}

const MESSAGE_ERRORS = 20;

/** Reads evidence JSON (already parsed) and checks its shape; throws EVIDENCE_INVALID naming each bad field. */
export function parseEvidenceRecord(json: unknown, file: string): EvidenceRecord {
  const wrapped =
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    'evidence' in json &&
    !('schema' in json);
  const evidence = wrapped ? (json as { evidence: unknown }).evidence : json;
  const decision = wrapped ? (json as { decision?: unknown }).decision : undefined;
  const { evidence: checkEvidence, decision: checkDecision } = compiled();
  const problems: string[] = [];
  if (!checkEvidence(evidence))
    problems.push(...describe(checkEvidence.errors ?? [], wrapped ? '/evidence' : ''));
  if (decision !== undefined && !checkDecision(decision))
    problems.push(...describe(checkDecision.errors ?? [], '/decision'));
  if (problems.length > 0) {
    const schemaHint =
      typeof evidence === 'object' &&
      evidence !== null &&
      (evidence as { schema?: unknown }).schema !== EVIDENCE_SCHEMA
        ? ` (expected "schema": "${EVIDENCE_SCHEMA}")`
        : '';
    const lines = problems.slice(0, MESSAGE_ERRORS).map((p) => `  ${p}`);
    if (problems.length > MESSAGE_ERRORS) lines.push(`  … and ${problems.length - MESSAGE_ERRORS} more`);
    throw new RaygateError(
      'EVIDENCE_INVALID',
      'input',
      `${file} is not valid evidence${schemaHint}:\n${lines.join('\n')}`,
      {
        details: { file, problems },
      },
    );
  }
  return {
    evidence: evidence as ReleaseEvidence,
    ...(decision !== undefined ? { decision: decision as RecordedDecision } : {}),
  };
}

function describe(errors: readonly ErrorObject[], prefix: string): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf') continue;
    const params = e.params as Record<string, unknown>;
    const where = pathOf(`${prefix}${e.instancePath}`);
    if (e.keyword === 'additionalProperties')
      out.add(`${where}: unknown key '${String(params.additionalProperty)}'`);
    else if (e.keyword === 'required') out.add(`${where}: missing '${String(params.missingProperty)}'`);
    else out.add(`${where}: ${e.message ?? e.keyword}`);
  }
  return [...out];
}
