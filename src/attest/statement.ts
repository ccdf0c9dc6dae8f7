import { createHash } from 'node:crypto';
import { attestError, messageOf } from './errors.ts';
import { ATTEST_LIMITS } from './limits.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
const STATEMENT_TYPES = new Set([STATEMENT_V1, STATEMENT_V01]);

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  type: string;
  predicateType: string;
  subjects: Subject[];
  predicate: unknown;
}

/**
 * What the caller says was signed: the artifact's bytes, or only a digest of it: its SHA-256 as a rule,
 * or the named digest a statement's subjects use when the artifact is no file (a VSA about
 * `gce_image_id:…`). A named digest is compared only under that name, never under another.
 */
export type ArtifactInput =
  { kind: 'bytes'; bytes: Uint8Array } | { kind: 'digest'; algorithm: 'sha256' | (string & {}); hex: string };

/** Digest algorithms raygate compares; weaker or exotic ones in a statement are ignored, never trusted. */
const COMPARABLE = ['sha256', 'sha384', 'sha512'] as const;

function invalid(message: string): never {
  throw attestError('BUNDLE_STATEMENT_INVALID', `The signed in-toto statement ${message}`);
}

/** Reads and checks the in-toto statement a DSSE envelope carries. */
export function parseStatement(payload: Uint8Array): Statement {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (error) {
    invalid(`is not JSON: ${messageOf(error)}.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) invalid('is not a JSON object.');
  const record = json as Record<string, unknown>;
  const type = record._type;
  if (typeof type !== 'string') invalid('has no _type.');
  if (!STATEMENT_TYPES.has(type)) invalid(`has an unknown _type ${JSON.stringify(type)}.`);
  const predicateType = record.predicateType;
  if (typeof predicateType !== 'string' || predicateType === '') invalid('has no predicateType.');
  const subjects = record.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) invalid('has no subjects.');
  if (subjects.length > ATTEST_LIMITS.maxStatementSubjects) {
    invalid(`has ${subjects.length} subjects; more than ${ATTEST_LIMITS.maxStatementSubjects} are refused.`);
  }
  const parsed = subjects.map((subject, index): Subject => {
    if (typeof subject !== 'object' || subject === null) invalid(`subject ${index} is not an object.`);
    const { name, digest } = subject as { name?: unknown; digest?: unknown };
    if (typeof digest !== 'object' || digest === null || Array.isArray(digest)) {
      invalid(`subject ${index} has no digest.`);
    }
    const digests: Record<string, string> = {};
    for (const [algorithm, value] of Object.entries(digest)) {
      if (typeof value !== 'string') invalid(`subject ${index} digest ${algorithm} is not a string.`);
      digests[algorithm] = value.toLowerCase();
    }
    if (Object.keys(digests).length === 0) invalid(`subject ${index} has an empty digest.`);
    return { name: typeof name === 'string' ? name : '', digest: digests };
  });
  return { type, predicateType, subjects: parsed, predicate: record.predicate };
}

/** The artifact's digests under every algorithm raygate compares (only SHA-256 when given as a digest). */
export function artifactDigests(artifact: ArtifactInput): Record<string, string> {
  if (artifact.kind === 'digest') return { [artifact.algorithm]: artifact.hex.toLowerCase() };
  const digests: Record<string, string> = {};
  for (const algorithm of COMPARABLE) {
    digests[algorithm] = createHash(algorithm).update(artifact.bytes).digest('hex');
  }
  return digests;
}

/**
 * The subject the artifact is, or undefined. A subject matches when it lists at least one digest raygate
 * can compare and every such digest equals the artifact's; one agreeing digest never excuses a disagreeing one.
 */
export function findSubject(statement: Statement, digests: Record<string, string>): Subject | undefined {
  return statement.subjects.find((subject) => {
    const common = Object.keys(subject.digest).filter((algorithm) => digests[algorithm] !== undefined);
    return common.length > 0 && common.every((algorithm) => subject.digest[algorithm] === digests[algorithm]);
  });
}

/** Builds an in-toto v1 statement. */
export function toStatement(
  subjects: Subject[],
  predicateType: string,
  predicate: unknown,
): Record<string, unknown> {
  return { _type: STATEMENT_V1, subject: subjects, predicateType, predicate };
}
