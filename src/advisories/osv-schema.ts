import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { OsvRecord } from './osv.ts';

/**
 * The OSV schema (ossf/osv-schema, validation/schema.json) written out for raygate: the same required
 * fields, event shapes and enumerations, plus bounds on free text and list sizes so a hostile record
 * cannot make the mirror or a report huge. Fields the schema does not know are kept (newer schema
 * versions add fields; a record is not rejected for being newer than raygate).
 */
export const OSV_LIMITS = {
  /** Largest serialized record accepted (the largest real OSV records are a few hundred KB). */
  maxRecordBytes: 4 * 1024 * 1024,
  /** The schema asks for a one-line summary "on the order of 120 characters". */
  maxSummaryLength: 16 * 1024,
  maxDetailsLength: 1024 * 1024,
  maxIdLength: 256,
  maxAffected: 20_000,
  maxListLength: 200_000,
} as const;

const TIMESTAMP =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$';

const stringList = { type: 'array', maxItems: OSV_LIMITS.maxListLength, items: { type: 'string' } };
const nullableStringList = { ...stringList, type: ['array', 'null'] };

const severity = {
  type: ['array', 'null'],
  maxItems: 64,
  items: {
    type: 'object',
    required: ['type', 'score'],
    properties: {
      type: { enum: ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] },
      score: { type: 'string', maxLength: 1024 },
    },
  },
};

const event = (field: string) => ({
  type: 'object',
  required: [field],
  properties: { [field]: { type: 'string', minLength: 1, maxLength: 1024 } },
  not: {
    anyOf: ['introduced', 'fixed', 'last_affected', 'limit']
      .filter((other) => other !== field)
      .map((other) => ({ required: [other] })),
  },
});

const range = {
  type: 'object',
  required: ['type', 'events'],
  properties: {
    type: { enum: ['GIT', 'SEMVER', 'ECOSYSTEM'] },
    repo: { type: 'string', maxLength: 4096 },
    events: {
      type: 'array',
      minItems: 1,
      maxItems: OSV_LIMITS.maxListLength,
      contains: { type: 'object', required: ['introduced'] },
      items: { oneOf: ['introduced', 'fixed', 'last_affected', 'limit'].map(event) },
    },
    database_specific: { type: 'object' },
  },
  allOf: [
    { if: { properties: { type: { const: 'GIT' } } }, then: { required: ['repo'] } },
    {
      if: { properties: { events: { contains: { type: 'object', required: ['last_affected'] } } } },
      then: { not: { properties: { events: { contains: { type: 'object', required: ['fixed'] } } } } },
    },
  ],
};

const OSV_SCHEMA = {
  type: 'object',
  required: ['id', 'modified'],
  properties: {
    schema_version: { type: 'string', maxLength: 64 },
    id: {
      type: 'string',
      minLength: 1,
      maxLength: OSV_LIMITS.maxIdLength,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
    },
    modified: { type: 'string', pattern: TIMESTAMP },
    published: { type: 'string', pattern: TIMESTAMP },
    withdrawn: { type: 'string', pattern: TIMESTAMP },
    aliases: nullableStringList,
    upstream: stringList,
    related: stringList,
    summary: { type: 'string', maxLength: OSV_LIMITS.maxSummaryLength },
    details: { type: 'string', maxLength: OSV_LIMITS.maxDetailsLength },
    severity,
    affected: {
      type: ['array', 'null'],
      maxItems: OSV_LIMITS.maxAffected,
      items: {
        type: 'object',
        properties: {
          package: {
            type: 'object',
            required: ['ecosystem', 'name'],
            properties: {
              ecosystem: { type: 'string', minLength: 1, maxLength: 256 },
              name: { type: 'string', minLength: 1, maxLength: 1024 },
              purl: { type: 'string', maxLength: 4096 },
            },
          },
          severity,
          ranges: { type: 'array', maxItems: 10_000, items: range },
          versions: stringList,
          ecosystem_specific: { type: 'object' },
          database_specific: { type: 'object' },
        },
      },
    },
    references: {
      type: ['array', 'null'],
      maxItems: OSV_LIMITS.maxListLength,
      items: {
        type: 'object',
        required: ['type', 'url'],
        properties: { type: { type: 'string', maxLength: 64 }, url: { type: 'string', maxLength: 8192 } },
      },
    },
    credits: { type: 'array' },
    database_specific: { type: 'object' },
  },
};

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(OSV_SCHEMA);
  return validator;
}

export type OsvParseResult = { ok: true; record: OsvRecord } | { ok: false; code: string; message: string };

/** Checks a parsed JSON/YAML value against the OSV schema. Never throws for bad input. */
export function checkOsvRecord(value: unknown): OsvParseResult {
  const check = validate();
  if (check(value)) return { ok: true, record: value as OsvRecord };
  const id =
    value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string'
      ? String((value as { id: string }).id).slice(0, 80)
      : undefined;
  return {
    ok: false,
    code: 'OSV_RECORD_INVALID',
    message: `${id ?? 'record'} does not follow the OSV schema: ${describeSchemaError(check.errors?.[0])}`,
  };
}

function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return 'unknown reason';
  const where = error.instancePath || '/';
  return `${where} ${error.message ?? error.keyword}`;
}
