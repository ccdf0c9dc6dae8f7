import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { evaluate } from '../../src/policy/evaluate.ts';
import type { ArtifactEvidence, AttestationEvidence } from '../../src/policy/evidence.ts';
import {
  buildVsaStatement,
  resourceUriOf,
  verifiedBuildLevel,
  VSA_PREDICATE_TYPE,
} from '../../src/gate/vsa.ts';
import { evidenceOf, NOW, policyOf, wheel } from '../policy/support.ts';

/**
 * The predicate as https://slsa.dev/spec/v1.0/verification_summary defines it: verifier.id, timeVerified,
 * resourceUri, policy (a ResourceDescriptor that MUST contain a uri), verificationResult PASSED|FAILED and
 * verifiedLevels are required; inputAttestations entries MUST carry a digest; at most one level per track.
 */
const VSA_V1_SCHEMA = {
  type: 'object',
  required: ['_type', 'subject', 'predicateType', 'predicate'],
  properties: {
    _type: { const: 'https://in-toto.io/Statement/v1' },
    subject: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'digest'],
        properties: {
          digest: {
            type: 'object',
            required: ['sha256'],
            properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
          },
        },
      },
    },
    predicateType: { const: 'https://slsa.dev/verification_summary/v1' },
    predicate: {
      type: 'object',
      required: ['verifier', 'timeVerified', 'resourceUri', 'policy', 'verificationResult', 'verifiedLevels'],
      properties: {
        verifier: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', format: 'uri' }, version: { type: 'object' } },
        },
        timeVerified: { type: 'string', format: 'date-time' },
        resourceUri: { type: 'string', format: 'uri' },
        policy: {
          type: 'object',
          required: ['uri', 'digest'],
          properties: {
            uri: { type: 'string', format: 'uri' },
            digest: {
              type: 'object',
              required: ['sha256'],
              properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
            },
          },
        },
        inputAttestations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['digest'],
            properties: {
              uri: { type: 'string', format: 'uri' },
              digest: { type: 'object', minProperties: 1 },
            },
          },
        },
        verificationResult: { enum: ['PASSED', 'FAILED'] },
        verifiedLevels: {
          type: 'array',
          items: { type: 'string', pattern: '^(SLSA_BUILD_LEVEL_[0-3]|FAILED)$' },
        },
        slsaVersion: { type: 'string', pattern: '^\\d+\\.\\d+$' },
      },
    },
  },
};
const checkShape = formats.default(new Ajv2020({ strict: false })).compile(VSA_V1_SCHEMA);

const HEX = 'b2'.repeat(32);
const verified = (
  kind: AttestationEvidence['kind'],
  hex: string,
  level?: 0 | 1 | 2 | 3 | 4,
): AttestationEvidence => ({
  kind,
  source: 'uploaded',
  bundleDigest: `sha256:${hex}`,
  verification: { status: 'verified' },
  ...(level !== undefined ? { provenance: { slsaLevel: level } } : {}),
});

function statementFor(evidence: ArtifactEvidence) {
  const decision = evaluate(
    policyOf('  - {id: s, check: sbom, action: warn}'),
    evidenceOf({ artifacts: [evidence] }),
    { now: NOW },
  );
  const statement = buildVsaStatement({
    artifact: { kind: 'wheel', name: evidence.name, digest: evidence.digest, reference: null },
    evidence,
    decision,
    verifierId: 'https://raygate.acme.example',
    verifierVersion: '0.1.0',
    policyUri: 'https://raygate.acme.example/api/v1/policies/ray-release',
    releaseUri: 'https://raygate.acme.example/api/v1/releases/rel_abc',
  }) as { subject: { name: string; digest: { sha256: string } }[]; predicate: Record<string, unknown> };
  return { statement, decision };
}

describe('verification summary (VSA)', () => {
  describe('when a statement is built for an approved artifact', () => {
    const evidence = wheel({
      attestations: [
        verified('slsa-provenance', 'c3'.repeat(32), 3),
        verified('signature', 'd4'.repeat(32)),
        {
          ...verified('pep740', 'e5'.repeat(32)),
          verification: { status: 'failed', code: 'X', message: 'x' },
        },
      ],
    });
    const { statement, decision } = statementFor(evidence);

    it('has the shape the SLSA VSA v1 specification requires', () => {
      assert.ok(checkShape(statement), JSON.stringify(checkShape.errors));
      assert.equal((statement as { predicateType?: string }).predicateType, VSA_PREDICATE_TYPE);
    });

    it('is about the artifact digest, verified by the gate under the policy digest the decision recorded', () => {
      assert.deepEqual(statement.subject, [{ name: evidence.name, digest: { sha256: HEX } }]);
      const p = statement.predicate;
      assert.deepEqual(p.verifier, { id: 'https://raygate.acme.example', version: { raygate: '0.1.0' } });
      assert.equal(p.timeVerified, decision.evaluatedAt);
      assert.equal(p.resourceUri, 'pkg:pypi/acme-udf@1.2.0?file_name=acme_udf-1.2.0-py3-none-any.whl');
      assert.deepEqual(p.policy, {
        uri: 'https://raygate.acme.example/api/v1/policies/ray-release',
        digest: { sha256: decision.inputs.policy.digest.slice('sha256:'.length) },
      });
      assert.equal(p.verificationResult, 'PASSED');
      assert.deepEqual(p.verifiedLevels, ['SLSA_BUILD_LEVEL_3']);
      assert.equal(p.slsaVersion, '1.0');
    });

    it('lists every verified attestation and the evidence document as inputs, never a failed one', () => {
      const inputs = statement.predicate.inputAttestations as { uri: string; digest: { sha256: string } }[];
      assert.deepEqual(
        inputs.map((i) => i.digest.sha256),
        ['d4'.repeat(32), 'c3'.repeat(32), decision.inputs.evidence.slice('sha256:'.length)],
      );
      assert.equal(inputs.at(-1)!.uri, 'https://raygate.acme.example/api/v1/releases/rel_abc/evidence');
      assert.ok(!inputs.some((i) => i.digest.sha256 === 'e5'.repeat(32)));
    });
  });

  describe('when the build level is read', () => {
    it('is 0 without verified provenance, and never above the SLSA v1 build track (L3)', () => {
      assert.equal(verifiedBuildLevel(undefined), 0);
      assert.equal(verifiedBuildLevel(wheel({ attestations: [verified('signature', HEX)] })), 0);
      const failed = {
        ...verified('slsa-provenance', HEX, 3),
        verification: { status: 'failed' as const, code: 'X', message: 'x' },
      };
      assert.equal(verifiedBuildLevel(wheel({ attestations: [failed] })), 0);
      assert.equal(verifiedBuildLevel(wheel({ attestations: [verified('slsa-provenance', HEX, 2)] })), 2);
      const beyond = wheel({ attestations: [verified('slsa-provenance', HEX, 4)] });
      assert.equal(verifiedBuildLevel(beyond), 3);
      assert.ok(checkShape(statementFor(beyond).statement), 'no SLSA_BUILD_LEVEL_4');
    });
  });

  describe('when the resource URI is chosen', () => {
    it('names images, wheels, sdists and other files by package URL', () => {
      const digest = `sha256:${HEX}`;
      assert.equal(
        resourceUriOf({ kind: 'image', name: 'registry.internal:5000/acme/ray', digest, reference: null }),
        `pkg:oci/ray@sha256:${HEX}?repository_url=registry.internal%3A5000%2Facme%2Fray`,
      );
      assert.equal(
        resourceUriOf({ kind: 'sdist', name: 'acme_udf-1.2.0.tar.gz', digest, reference: null }),
        'pkg:pypi/acme-udf@1.2.0?file_name=acme_udf-1.2.0.tar.gz',
      );
      assert.equal(
        resourceUriOf({ kind: 'file', name: 'model.onnx', digest, reference: null }),
        `pkg:generic/model.onnx?checksum=sha256%3A${HEX}`,
      );
    });
  });
});
