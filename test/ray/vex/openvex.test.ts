import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OPENVEX_CONTEXT, toOpenVex } from '../../../src/ray/index.ts';
import { lintFixtures, RAY_FIXTURES } from '../support.ts';

const schema = JSON.parse(
  readFileSync(path.join(RAY_FIXTURES, 'openvex/openvex_json_schema.json'), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addFormat('iri', { validate: (s: string) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(s) });
const validate = ajv.compile(schema);

const options = {
  author: 'Release Team <security@example.com>',
  timestamp: '2026-11-25T12:00:00.000Z',
  tooling: 'raygate test',
};

function statuses(doc: Record<string, unknown>): string[] {
  return (
    doc.statements as { vulnerability: { name: string }; products: { '@id': string }[]; status: string }[]
  ).map((s) => `${s.vulnerability.name} ${s.products[0]!['@id']} ${s.status}`);
}

describe('toOpenVex', () => {
  describe('when the configuration mitigates the ShadowRay-class advisories', () => {
    it('states not_affected with a justification and the evidence, valid against the OpenVEX 0.2.0 schema', async () => {
      const result = await lintFixtures(['cases/exposed.fixed.yaml']);
      const doc = toOpenVex(result.verdicts, options);
      assert.ok(validate(doc), JSON.stringify(validate.errors));
      assert.equal(doc['@context'], OPENVEX_CONTEXT);
      assert.deepEqual(statuses(doc), [
        'CVE-2023-48022 pkg:pypi/ray@2.56.0 not_affected',
        'CVE-2025-34351 pkg:pypi/ray@2.56.0 not_affected',
      ]);
      const first = (doc.statements as Record<string, unknown>[])[0]!;
      assert.equal(first.justification, 'vulnerable_code_cannot_be_controlled_by_adversary');
      assert.deepEqual((first.vulnerability as { aliases: string[] }).aliases, [
        'GHSA-6wgj-66m2-xxp2',
        'GHSA-xg2h-7cxj-3gvh',
        'PYSEC-2026-517',
      ]);
      assert.match(String(first.impact_statement), /authOptions at cases\/exposed\.fixed\.yaml:11/);
      assert.match(
        String(first.impact_statement),
        /ingress to the head is restricted at cases\/exposed\.fixed\.yaml:23/,
      );
      assert.equal(
        (doc.statements as Record<string, unknown>[])[1]!.justification,
        'inline_mitigations_already_exist',
      );
    });
  });

  describe('when the configuration leaves them open', () => {
    it('states affected with the action and the failing rules; the worst cluster decides per product', async () => {
      const result = await lintFixtures(['cases/exposed.fixed.yaml', 'cases/exposed.trigger.yaml']);
      const doc = toOpenVex(result.verdicts, {
        ...options,
        product: 'pkg:oci/ray-app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      });
      assert.ok(validate(doc), JSON.stringify(validate.errors));
      assert.deepEqual(statuses(doc), [
        'CVE-2023-48022 pkg:oci/ray-app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef affected',
        'CVE-2025-34351 pkg:oci/ray-app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef affected',
      ]);
      const action = String((doc.statements as Record<string, unknown>[])[0]!.action_statement);
      assert.match(action, /RAY-NET-006: the head Service is of type LoadBalancer/);
      assert.doesNotMatch(action, /RAY-AUTH-002/);
    });
  });

  describe('when only an SBOM is given', () => {
    it('states under_investigation', async () => {
      const result = await lintFixtures([], { installed: [{ version: '2.58.0', source: 'sbom.cdx.json' }] });
      const doc = toOpenVex(result.verdicts, options);
      assert.ok(validate(doc), JSON.stringify(validate.errors));
      assert.deepEqual(statuses(doc), [
        'CVE-2023-48022 pkg:pypi/ray@2.58.0 under_investigation',
        'CVE-2025-34351 pkg:pypi/ray@2.58.0 under_investigation',
      ]);
    });
  });

  it('gives the same document id for the same content and a different one otherwise', async () => {
    const result = await lintFixtures(['cases/exposed.fixed.yaml']);
    assert.equal(toOpenVex(result.verdicts, options)['@id'], toOpenVex(result.verdicts, options)['@id']);
    assert.notEqual(
      toOpenVex(result.verdicts, options)['@id'],
      toOpenVex(result.verdicts, { ...options, timestamp: '2026-11-26T00:00:00Z' })['@id'],
    );
  });
});
