/**
 * JSON Schema (draft 2020-12) of `ReleaseEvidence` (evidence.ts), for evidence read from a file or a
 * request: `evaluate()` trusts the shape it is given, so stored evidence is checked against this first.
 * Unknown keys are refused, so a typo cannot silently drop a piece of evidence.
 */
import { SEVERITIES } from '../shared/severity.ts';
import { EVIDENCE_SCHEMA } from './evidence.ts';

const str = { type: 'string', maxLength: 65_536 };
const id = { type: 'string', minLength: 1, maxLength: 4096 };
const time = {
  type: 'string',
  maxLength: 64,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
};
const int = { type: 'integer', minimum: 0 };
const list = (items: object, maxItems = 1_000_000) => ({ type: 'array', items, maxItems });
const strings = list(str, 100_000);
const severity = { enum: [...SEVERITIES] };

function obj(properties: Record<string, object>, required: string[] = []): object {
  return { type: 'object', additionalProperties: false, required, properties };
}

const location = obj({ path: str, line: int }, ['path']);

const signer = obj(
  {
    kind: { enum: ['certificate', 'public-key'] },
    san: strings,
    issuer: str,
    github: obj({
      repository: str,
      workflow: str,
      signerWorkflow: str,
      ref: str,
      commit: str,
      trigger: str,
      runnerEnvironment: str,
    }),
    keyHint: str,
  },
  ['kind', 'san'],
);

const attestation = obj(
  {
    kind: { enum: ['signature', 'slsa-provenance', 'pep740', 'sbom-attestation', 'vsa'] },
    source: id,
    bundleDigest: id,
    verification: {
      oneOf: [
        obj({ status: { const: 'verified' } }, ['status']),
        obj({ status: { const: 'failed' }, code: id, message: str }, ['status', 'code', 'message']),
      ],
    },
    signer,
    predicateType: str,
    provenance: obj({
      builderId: str,
      buildType: str,
      sourceRepository: str,
      sourceRef: str,
      sourceCommit: str,
      slsaLevel: { enum: [0, 1, 2, 3, 4] },
    }),
    signedAt: list(time, 100),
  },
  ['kind', 'source', 'verification'],
);

const findingPackage = obj({ ecosystem: id, name: id, version: id, purl: str, locations: strings }, [
  'ecosystem',
  'name',
  'version',
  'locations',
]);

const vulnerabilities = obj(
  {
    source: obj({ kind: { enum: ['mirror', 'online'] }, location: str, generation: str }, [
      'kind',
      'location',
    ]),
    findings: list(
      obj(
        {
          id,
          advisories: strings,
          aliases: strings,
          package: findingPackage,
          severity: { enum: [...SEVERITIES, 'unknown'] },
          score: { type: 'number', minimum: 0, maximum: 10 },
          vector: str,
          malicious: { type: 'boolean' },
          fixedIn: str,
          summary: str,
          published: time,
          modified: time,
          firstSeen: time,
        },
        ['id', 'advisories', 'aliases', 'package', 'severity', 'malicious'],
      ),
    ),
    notAssessed: list(
      obj(
        {
          package: obj({ ecosystem: id, name: id, version: id, purl: str, locations: strings }, [
            'ecosystem',
            'name',
            'locations',
          ]),
          reason: id,
          detail: str,
        },
        ['package', 'reason', 'detail'],
      ),
    ),
    problems: list(obj({ code: id, message: str }, ['code', 'message'])),
  },
  ['source', 'findings', 'notAssessed', 'problems'],
);

const license = {
  oneOf: [obj({ expression: str }, ['expression']), obj({ text: str }, ['text'])],
};

const sbom = obj(
  {
    origin: { enum: ['generated', 'uploaded'] },
    format: { enum: ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'raygate-scan'] },
    digest: id,
    packages: list(
      obj({ ecosystem: id, name: id, version: id, purl: str, licenses: list(license, 100) }, [
        'ecosystem',
        'name',
        'licenses',
      ]),
    ),
  },
  ['origin', 'format', 'packages'],
);

const artifact = obj(
  {
    kind: { enum: ['image', 'wheel', 'sdist', 'file'] },
    name: id,
    digest: id,
    reference: str,
    sbom,
    vulnerabilities,
    attestations: list(attestation, 1000),
  },
  ['kind', 'name', 'digest', 'attestations'],
);

const lockFile = obj(
  {
    path: id,
    digest: id,
    requirements: list(
      obj(
        {
          name: id,
          version: id,
          pin: { enum: ['exact', 'range', 'unpinned', 'url', 'vcs', 'path'] },
          specifier: { type: 'string', maxLength: 65_536 },
          pinnedByConstraint: { type: 'boolean' },
          hashes: int,
          hashable: { type: 'boolean' },
          location,
        },
        ['name', 'pin', 'specifier', 'pinnedByConstraint', 'hashes', 'hashable', 'location'],
      ),
    ),
    findings: list(
      obj({ ruleId: id, rule: id, severity, message: str, package: str, subject: str, location }, [
        'ruleId',
        'rule',
        'severity',
        'message',
      ]),
    ),
    hashCoverage: { enum: ['all', 'partial', 'none', 'not-applicable'] },
    unreadable: obj({ code: id, message: str }, ['code', 'message']),
  },
  ['path', 'requirements', 'findings', 'hashCoverage'],
);

const publisher = obj({ kind: id, repository: str, workflow: str, environment: str }, ['kind']);

const ray = obj(
  {
    rules: strings,
    files: list(obj({ path: str, kind: str }, ['path', 'kind'])),
    findings: list(
      obj(
        {
          ruleId: id,
          ruleName: str,
          severity,
          message: str,
          file: str,
          line: int,
          field: str,
          cluster: str,
          fingerprint: str,
        },
        ['ruleId', 'ruleName', 'severity', 'message', 'fingerprint'],
      ),
    ),
    verdicts: list(
      obj(
        {
          vulnerability: id,
          aliases: strings,
          status: { enum: ['not_affected', 'affected', 'under_investigation'] },
          cluster: str,
          rayVersion: str,
          failing: list(obj({ ruleId: id, reason: str }, ['ruleId', 'reason'])),
        },
        ['vulnerability', 'aliases', 'status', 'failing'],
      ),
    ),
    problems: list(
      obj({ code: id, severity: { enum: ['error', 'warning'] }, message: str, file: str }, [
        'code',
        'severity',
        'message',
      ]),
    ),
  },
  ['rules', 'files', 'findings', 'verdicts', 'problems'],
);

const exceptionScope = {
  oneOf: [
    obj({ kind: { const: 'advisory' }, id, purl: str }, ['kind', 'id']),
    obj({ kind: { const: 'purl' }, purl: id }, ['kind', 'purl']),
    obj({ kind: { const: 'artifact' }, digest: id }, ['kind', 'digest']),
    obj({ kind: { const: 'release' }, project: id, version: id }, ['kind', 'project']),
  ],
};

export const EVIDENCE_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://raygate.dev/schemas/evidence/v1.json',
  ...obj(
    {
      schema: { const: EVIDENCE_SCHEMA },
      release: obj(
        {
          project: id,
          version: id,
          git: obj({ repository: str, ref: str, commit: str }),
          submittedBy: id,
          submittedAt: time,
        },
        ['project', 'version'],
      ),
      artifacts: list(artifact, 10_000),
      lockFiles: list(lockFile, 10_000),
      dependencies: list(
        obj(
          {
            ecosystem: id,
            name: id,
            version: id,
            lockFiles: strings,
            uploadedAt: time,
            index: str,
            unknownReason: str,
          },
          ['ecosystem', 'name', 'version', 'lockFiles'],
        ),
      ),
      publisherDrift: list(
        obj(
          {
            ecosystem: id,
            name: id,
            version: id,
            drift: { enum: ['unattested', 'publisher-changed'] },
            previous: publisher,
            current: publisher,
            comparedWith: strings,
            severity,
          },
          ['ecosystem', 'name', 'version', 'drift', 'previous', 'comparedWith', 'severity'],
        ),
      ),
      ray,
      approvals: list(
        obj({ actor: id, roles: strings, at: time, comment: str }, ['actor', 'roles', 'at']),
        10_000,
      ),
      exceptions: list(
        obj(
          {
            id,
            scope: exceptionScope,
            rules: strings,
            reason: str,
            owner: id,
            createdAt: time,
            expiresAt: time,
            approvedBy: id,
            approvedAt: time,
          },
          ['id', 'scope', 'reason', 'owner', 'expiresAt'],
        ),
        10_000,
      ),
      snapshots: obj({
        advisories: obj(
          { kind: { enum: ['mirror', 'online'] }, location: str, generation: str, digest: id },
          ['kind', 'location'],
        ),
        trustedRoot: obj({ source: str, digest: id }, ['source', 'digest']),
      }),
    },
    [
      'schema',
      'release',
      'artifacts',
      'lockFiles',
      'dependencies',
      'publisherDrift',
      'approvals',
      'exceptions',
      'snapshots',
    ],
  ),
};
