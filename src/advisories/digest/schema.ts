import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { RaygateError } from '../../shared/errors.ts';
import { DIGEST_SCHEMA, SNAPSHOT_SCHEMA, type Digest, type DigestSnapshot } from './model.ts';

/**
 * JSON Schemas (2020-12) of the two documents a digest run reads and writes: the snapshot (`--previous`,
 * `--snapshot-out`, stored by the service) and the digest (webhook body, `--format json`, the API). A
 * receiver validates webhook bodies against DIGEST_JSON_SCHEMA; `schema` names the version, and any
 * change that is not adding an optional field gets a new version URI. Bounds keep a hostile snapshot file
 * from making a run huge.
 */
export const DIGEST_LIMITS = {
  maxReleases: 10_000,
  maxArtifacts: 1_000,
  maxFindings: 100_000,
  maxText: 16 * 1024,
  maxIds: 1_000,
  maxSnapshotBytes: 256 * 1024 * 1024,
} as const;

const text = { type: 'string', maxLength: DIGEST_LIMITS.maxText } as const;
const timestamp = { type: 'string', maxLength: 64, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' } as const;
const ids = { type: 'array', maxItems: DIGEST_LIMITS.maxIds, items: text } as const;
const severity = { enum: ['critical', 'high', 'medium', 'low', 'info', 'unknown'] } as const;
const pkg = {
  type: 'object',
  required: ['ecosystem', 'name', 'version'],
  properties: { ecosystem: text, name: text, version: text, purl: text },
} as const;
const source = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: ['mirror', 'online'] }, location: text, generation: text, importedAt: text },
} as const;

const finding = {
  type: 'object',
  required: ['id', 'advisories', 'aliases', 'package', 'severity', 'modified'],
  properties: {
    id: text,
    advisories: ids,
    aliases: ids,
    package: pkg,
    severity,
    score: { type: 'number', minimum: 0, maximum: 10 },
    fixedIn: text,
    summary: text,
    published: timestamp,
    modified: timestamp,
    references: ids,
  },
} as const;

export const SNAPSHOT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SNAPSHOT_SCHEMA,
  title: 'raygate digest snapshot',
  type: 'object',
  required: ['schema', 'takenAt', 'releases'],
  properties: {
    schema: { const: SNAPSHOT_SCHEMA },
    takenAt: timestamp,
    scope: text,
    source,
    releases: {
      type: 'array',
      maxItems: DIGEST_LIMITS.maxReleases,
      items: {
        type: 'object',
        required: ['key', 'label', 'artifacts'],
        properties: {
          key: text,
          label: text,
          project: text,
          version: text,
          approvedAt: timestamp,
          artifacts: {
            type: 'array',
            maxItems: DIGEST_LIMITS.maxArtifacts,
            items: {
              type: 'object',
              required: ['name', 'findings'],
              properties: {
                name: text,
                kind: text,
                digest: text,
                reference: text,
                findings: { type: 'array', maxItems: DIGEST_LIMITS.maxFindings, items: finding },
              },
            },
          },
        },
      },
    },
  },
} as const;

const release = {
  type: 'object',
  required: ['key', 'label'],
  properties: { key: text, label: text, project: text, version: text },
} as const;

const releaseSummary = {
  type: 'object',
  required: ['key', 'label', 'findings'],
  properties: { ...release.properties, findings: { type: 'integer', minimum: 0 } },
} as const;

/** The digest document (webhook payload version 1). */
export const DIGEST_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: DIGEST_SCHEMA,
  title: 'raygate advisory digest',
  type: 'object',
  required: ['schema', 'id', 'generatedAt', 'baseline', 'summary', 'entries', 'releases'],
  properties: {
    schema: { const: DIGEST_SCHEMA },
    id: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    scope: text,
    generatedAt: timestamp,
    since: timestamp,
    baseline: { type: 'boolean' },
    source,
    summary: {
      type: 'object',
      required: [
        'new',
        'changed',
        'resolved',
        'releasesAffected',
        'releasesWatched',
        'bySeverity',
        'nothingNew',
      ],
      properties: {
        new: { type: 'integer', minimum: 0 },
        changed: { type: 'integer', minimum: 0 },
        resolved: { type: 'integer', minimum: 0 },
        releasesAffected: { type: 'integer', minimum: 0 },
        releasesWatched: { type: 'integer', minimum: 0 },
        bySeverity: {
          type: 'object',
          required: ['critical', 'high', 'medium', 'low', 'info', 'unknown'],
          properties: Object.fromEntries(
            ['critical', 'high', 'medium', 'low', 'info', 'unknown'].map((s) => [
              s,
              { type: 'integer', minimum: 0 },
            ]),
          ),
        },
        nothingNew: { type: 'boolean' },
      },
    },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'advisories', 'aliases', 'status', 'reasons', 'severity', 'references', 'affects'],
        properties: {
          id: text,
          advisories: ids,
          aliases: ids,
          status: { enum: ['new', 'changed', 'resolved'] },
          reasons: {
            type: 'array',
            minItems: 1,
            items: {
              enum: [
                'published',
                'matched',
                'severity-raised',
                'severity-lowered',
                'fix-available',
                'withdrawn',
                'not-affected',
              ],
            },
          },
          severity,
          score: { type: 'number' },
          summary: text,
          published: timestamp,
          modified: timestamp,
          references: ids,
          affects: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['release', 'artifact', 'package'],
              properties: {
                release,
                artifact: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: text, kind: text, digest: text, reference: text },
                },
                package: pkg,
                fixedIn: text,
                previous: {
                  type: 'object',
                  required: ['severity'],
                  properties: { severity, score: { type: 'number' }, fixedIn: text },
                },
              },
            },
          },
        },
      },
    },
    releases: {
      type: 'object',
      required: ['added', 'removed'],
      properties: {
        added: { type: 'array', items: releaseSummary },
        removed: { type: 'array', items: releaseSummary },
      },
    },
  },
} as const;

let validators: { snapshot: ValidateFunction; digest: ValidateFunction } | undefined;

function compiled(): { snapshot: ValidateFunction; digest: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    validators = { snapshot: ajv.compile(SNAPSHOT_JSON_SCHEMA), digest: ajv.compile(DIGEST_JSON_SCHEMA) };
  }
  return validators;
}

/** Checks a parsed snapshot file; throws DIGEST_SNAPSHOT_INVALID naming the first problem. */
export function parseSnapshot(value: unknown, name: string): DigestSnapshot {
  const validate = compiled().snapshot;
  if (!validate(value)) {
    const error = validate.errors?.[0];
    throw new RaygateError(
      'DIGEST_SNAPSHOT_INVALID',
      'input',
      `${name} is not a raygate digest snapshot (${SNAPSHOT_SCHEMA}): ${error?.instancePath || '(top level)'} ${error?.message ?? ''}`.trim(),
    );
  }
  return value as DigestSnapshot;
}

/** The problems of a digest document against the published schema (empty: valid); for tests and receivers. */
export function digestSchemaErrors(value: unknown): string[] {
  const validate = compiled().digest;
  if (validate(value as Digest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'} ${e.message ?? ''}`.trim());
}
