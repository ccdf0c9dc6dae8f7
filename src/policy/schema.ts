/**
 * The JSON Schema (draft 2020-12) of a policy file as written: what `policies/*.yaml` may contain. Defaults
 * are not applied here but in normalize.ts; cross-field checks (unique rule ids, patterns that compile,
 * complete signer identities) are in semantics.ts. `policies/policy.schema.json` is this object, for
 * editors (a test keeps the two equal).
 */
import { SEVERITIES } from '../shared/severity.ts';
import { POLICY_API_VERSION } from './policy.ts';

const ARTIFACT_KINDS = ['image', 'wheel', 'sdist', 'file'];
const ATTESTATION_KINDS = ['signature', 'slsa-provenance', 'pep740', 'sbom-attestation', 'vsa'];

const text = (maxLength = 1024) => ({ type: 'string', minLength: 1, maxLength });
const list = (items: object, maxItems = 1000) => ({ type: 'array', items, maxItems, uniqueItems: true });
const handling = (description: string) => ({ enum: ['fail', 'warn', 'ignore'], description });
const severity = { enum: [...SEVERITIES] };

const artifacts = {
  type: 'object',
  description: 'Which artifacts the rule applies to; all when absent.',
  additionalProperties: false,
  properties: {
    kinds: list({ enum: ARTIFACT_KINDS }),
    names: list(text(), 200),
  },
};

const identity = {
  type: 'object',
  additionalProperties: false,
  properties: {
    issuer: text(),
    issuerPattern: text(512),
    san: text(),
    sanPattern: text(512),
    github: {
      type: 'object',
      additionalProperties: false,
      properties: {
        repository: text(),
        workflow: text(),
        signerWorkflow: text(),
        ref: text(),
      },
    },
  },
};

const base = {
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$', description: 'Unique rule id.' },
  description: text(4096),
  action: { enum: ['fail', 'warn'], description: 'What a violation does (default fail).' },
};

function rule(check: string, properties: Record<string, object>, required: string[] = []): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'check', ...required],
    properties: { ...base, check: { const: check }, ...properties },
  };
}

export const POLICY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://raygate.dev/schemas/policy/v1.json',
  title: 'raygate release policy',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'name', 'rules'],
  properties: {
    apiVersion: { const: POLICY_API_VERSION },
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
    description: text(4096),
    rules: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['check'],
        properties: { check: { type: 'string' } },
        discriminator: { propertyName: 'check' },
        oneOf: [
          rule('vulnerabilities', {
            artifacts,
            severity,
            cvss: { type: 'number', minimum: 0, maximum: 10 },
            fix: { enum: ['any', 'available', 'unavailable'] },
            unknownSeverity: handling('Findings without a severity (default warn).'),
            notAssessed: handling('Packages that could not be assessed (default warn).'),
            missing: handling('A selected artifact with no assessment (default fail).'),
            rayVerdicts: { type: 'boolean' },
            ignore: list(
              {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'reason', 'expires'],
                properties: { id: text(200), reason: text(4096), expires: text(64), purl: text() },
              },
              1000,
            ),
          }),
          rule('pins', {
            files: list(text(), 200),
            exact: { type: 'boolean' },
            hashes: { type: 'boolean' },
            findings: {
              type: 'object',
              additionalProperties: false,
              properties: {
                severity,
                ids: list({ type: 'string', pattern: '^PIN-[0-9]{3}$' }, 200),
                exclude: list({ type: 'string', pattern: '^PIN-[0-9]{3}$' }, 200),
              },
            },
            missing: handling('No lock file in the evidence (default warn).'),
          }),
          rule(
            'signatures',
            {
              artifacts,
              kinds: { ...list({ enum: ATTESTATION_KINDS }), minItems: 1 },
              identities: { ...list(identity, 100), minItems: 1 },
            },
            ['identities'],
          ),
          rule('provenance', {
            artifacts,
            kinds: { ...list({ enum: ATTESTATION_KINDS }), minItems: 1 },
            builders: list(text(), 200),
            buildTypes: list(text(), 200),
            sourceRepositories: list(text(), 200),
            refs: list(text(), 200),
            minLevel: { enum: [0, 1, 2, 3, 4] },
            releaseCommit: { type: 'boolean' },
            signers: list(identity, 100),
          }),
          rule('sbom', {
            artifacts,
            origins: { ...list({ enum: ['generated', 'uploaded'] }), minItems: 1 },
            attested: { type: 'boolean' },
            signers: list(identity, 100),
          }),
          rule('licenses', {
            artifacts,
            deny: list(text(200), 1000),
            allow: list(text(200), 1000),
            unknown: handling('A package with no SPDX license (default warn).'),
            ecosystems: list(text(64), 50),
            exclude: list(text(), 1000),
          }),
          rule(
            'cooldown',
            {
              days: { type: 'number', minimum: 0, maximum: 3650 },
              unknown: handling('A dependency whose upload time is unknown (default warn).'),
              exclude: list(text(200), 1000),
            },
            ['days'],
          ),
          rule('publisher-drift', {
            drift: { ...list({ enum: ['unattested', 'publisher-changed'] }), minItems: 1 },
            severity,
            exclude: list(text(200), 1000),
          }),
          rule('ray', {
            severity,
            ids: list({ type: 'string', pattern: '^RAY-[A-Z]+-[0-9]{3}$' }, 200),
            exclude: list({ type: 'string', pattern: '^RAY-[A-Z]+-[0-9]{3}$' }, 200),
            affectedAdvisories: { type: 'boolean' },
            missing: handling('No Ray deployment evidence (default warn).'),
          }),
          rule(
            'approvals',
            {
              count: { type: 'integer', minimum: 0, maximum: 100 },
              roles: list(text(100), 50),
              separationOfDuties: { type: 'boolean' },
            },
            ['count'],
          ),
        ],
      },
    },
  },
} as const;
