import assert from 'node:assert/strict';
import { compileValidator } from '../../src/api/validation.ts';
import type { JsonSchema } from '../../src/api/define-route.ts';
import type { GateLimitsConfig } from '../../src/config.ts';
import { registryPolicy } from '../../src/gate/evidence/registry-policy.ts';
import {
  checkSubmission,
  SUBMISSION_SCHEMA,
  submissionDigest,
  type SubmissionBody,
} from '../../src/gate/submission.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

const LIMITS: GateLimitsConfig = {
  maxSubmissionBytes: 4096,
  maxDocumentBytes: 64,
  maxArtifacts: 3,
  maxDocuments: 4,
};
const registries = registryPolicy({
  registries: [{ host: 'registry.internal:5000', insecure: true, push: false }],
  dockerConfigDir: undefined,
  registryCaFile: undefined,
});
const options = { limits: LIMITS, registries, defaultPolicy: 'ray-release' };
const HEX = 'ab'.repeat(32);
const IMAGE = `registry.internal:5000/acme/ray@sha256:${HEX}`;
const WHEEL = { kind: 'wheel' as const, name: 'acme_udf-1.2.0-py3-none-any.whl', sha256: 'cd'.repeat(32) };
const SBOM = Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.6"}').toString('base64');
const validate = compileValidator(SUBMISSION_SCHEMA as unknown as JsonSchema, 'body');

function body(parts: Partial<SubmissionBody> = {}): SubmissionBody {
  return {
    project: 'acme-ray',
    version: '2.58.0',
    artifacts: [{ kind: 'image', image: IMAGE }, WHEEL],
    ...parts,
  };
}

async function refused(parts: Partial<SubmissionBody>, code: string, pattern: RegExp) {
  const error = await assertRejectsWithCode(() => checkSubmission(body(parts), options), code);
  assert.match(error.message, pattern);
}

describe('release submissions', () => {
  describe('when the body is checked against its JSON Schema', () => {
    const invalid: [string, unknown, RegExp][] = [
      ['an unknown top-level field', { ...body(), extra: 1 }, /unknown property 'extra'/],
      ['an unknown artifact field', body({ artifacts: [{ ...WHEEL, size: 3 } as never] }), /artifacts\.0/],
      ['no artifacts', body({ artifacts: [] }), /artifacts must NOT have fewer than 1 items/],
      ['a missing project', { version: '1', artifacts: [WHEEL] }, /needs the property 'project'/],
      ['a version with a slash', body({ version: '1/2' }), /body\.version must match pattern/],
      ['a sha256 that is not 64 hex', body({ artifacts: [{ ...WHEEL, sha256: 'XYZ' }] }), /artifacts\.0/],
      ['a file name with a path', body({ artifacts: [{ ...WHEEL, name: '../x.whl' }] }), /artifacts\.0/],
      ['a git ref outside refs/', body({ git: { ref: 'main' } }), /body\.git\.ref must match pattern/],
      ['a short commit', body({ git: { commit: 'abc123' } }), /body\.git\.commit must match pattern/],
      [
        'a document path climbing out',
        body({ documents: [{ role: 'lock-file', name: '../etc/passwd', content: '' }] }),
        /documents\.0\.name must match pattern/,
      ],
      [
        'an unknown document role',
        body({ documents: [{ role: 'binary' as never, name: 'x', content: '' }] }),
        /documents\.0\.role/,
      ],
    ];
    for (const [what, value, message] of invalid) {
      it(`refuses ${what} (REQUEST_INVALID)`, async () => {
        const error = await assertRejectsWithCode(() => validate(value), 'REQUEST_INVALID');
        assert.match(error.message, message);
      });
    }

    it('accepts a complete submission', () => {
      assert.doesNotThrow(() =>
        validate(
          body({
            git: { repository: 'https://github.com/acme/ray', ref: 'refs/tags/v1', commit: 'a'.repeat(40) },
            policy: 'permissive',
            documents: [{ role: 'sbom', artifact: 1, name: 'udf.cdx.json', content: SBOM }],
          }),
        ),
      );
    });
  });

  describe('when images are named', () => {
    it('refuses an image named only by tag', () =>
      refused(
        { artifacts: [{ kind: 'image', image: 'registry.internal:5000/acme/ray:2.58.0' }] },
        'GATE_SUBMISSION_INVALID',
        /artifacts\[0\]: name the image by its digest/,
      ));

    it('refuses an image from a registry the gate is not configured for', () =>
      refused(
        { artifacts: [{ kind: 'image', image: `ghcr.io/acme/ray@sha256:${HEX}` }] },
        'GATE_REGISTRY_NOT_ALLOWED',
        /ghcr\.io is not one this gate is configured to read/,
      ));

    it('keeps a tag-and-digest reference by its digest alone', () => {
      const submission = checkSubmission(
        body({
          artifacts: [{ kind: 'image', image: `registry.internal:5000/acme/ray:2.58.0@sha256:${HEX}` }],
        }),
        options,
      );
      assert.deepEqual(submission.artifacts[0], {
        kind: 'image',
        name: 'registry.internal:5000/acme/ray',
        digest: `sha256:${HEX}`,
        reference: `registry.internal:5000/acme/ray@sha256:${HEX}`,
      });
    });
  });

  describe('when files are named', () => {
    it('refuses a wheel whose name is not a wheel file name', () =>
      refused(
        { artifacts: [{ ...WHEEL, name: 'acme.tar.gz' }] },
        'GATE_SUBMISSION_INVALID',
        /acme\.tar\.gz is not a wheel file name/,
      ));

    it('refuses the same digest twice', () =>
      refused(
        { artifacts: [WHEEL, { ...WHEEL, kind: 'file', name: 'x.bin' }] },
        'GATE_SUBMISSION_INVALID',
        /listed twice/,
      ));

    it('refuses more artifacts than the limit (GATE_SUBMISSION_TOO_LARGE)', () =>
      refused(
        {
          artifacts: ['1', '2', '3', '4'].map((n) => ({
            kind: 'file' as const,
            name: `f${n}`,
            sha256: n.repeat(64),
          })),
        },
        'GATE_SUBMISSION_TOO_LARGE',
        /at most 3 artifacts; this one has 4/,
      ));
  });

  describe('when documents are attached', () => {
    const doc = (parts: Record<string, unknown>) => ({
      documents: [{ role: 'sbom', artifact: 1, name: 'a.cdx.json', content: SBOM, ...parts }] as never,
    });

    it('ties SBOMs and bundles to an artifact that exists', async () => {
      await refused(doc({ artifact: 2 }), 'GATE_SUBMISSION_INVALID', /there is no artifacts\[2\]/);
      await refused(doc({ artifact: undefined }), 'GATE_SUBMISSION_INVALID', /a sbom names its artifact/);
      await refused(
        doc({ role: 'lock-file', artifact: 0, content: '' }),
        'GATE_SUBMISSION_INVALID',
        /a lock-file is about the release, not one artifact/,
      );
    });

    it('refuses a second SBOM for one artifact and a lock file listed twice', async () => {
      const sbom = { role: 'sbom', artifact: 0, name: 'a.cdx.json', content: SBOM };
      await refused(
        { documents: [sbom, { ...sbom, name: 'b.cdx.json' }] as never },
        'GATE_SUBMISSION_INVALID',
        /already has an SBOM/,
      );
      const lock = { role: 'lock-file', name: 'requirements.txt', content: '' };
      await refused({ documents: [lock, lock] as never }, 'GATE_SUBMISSION_INVALID', /listed twice/);
    });

    it('refuses content that is not base64', async () => {
      await refused(doc({ content: 'not base64!' }), 'GATE_SUBMISSION_INVALID', /content is not base64/);
      await refused(doc({ content: 'abcde' }), 'GATE_SUBMISSION_INVALID', /content is not base64/);
    });

    it('refuses an SBOM that is not CycloneDX JSON and a bundle that is not JSON', async () => {
      await refused(
        doc({ content: Buffer.from('{"spdxVersion":"SPDX-2.3"}').toString('base64') }),
        'GATE_SUBMISSION_INVALID',
        /not CycloneDX JSON/,
      );
      await refused(
        doc({ role: 'bundle', content: Buffer.from('<xml/>').toString('base64') }),
        'GATE_SUBMISSION_INVALID',
        /a bundle must be JSON/,
      );
    });

    it('refuses a document over the size limit, and more documents than allowed', async () => {
      const big = Buffer.alloc(LIMITS.maxDocumentBytes + 1, 0x61).toString('base64');
      await refused(
        doc({ role: 'lock-file', artifact: undefined, content: big }),
        'GATE_SUBMISSION_TOO_LARGE',
        /limited to 64 bytes/,
      );
      const exact = Buffer.alloc(LIMITS.maxDocumentBytes, 0x61).toString('base64');
      assert.equal(
        checkSubmission(body(doc({ role: 'lock-file', artifact: undefined, content: exact })), options)
          .documents[0]!.bytes.length,
        64,
      );
      const many = ['a', 'b', 'c', 'd', 'e'].map((n) => ({
        role: 'lock-file',
        name: `${n}.txt`,
        content: '',
      }));
      await refused(
        { documents: many as never },
        'GATE_SUBMISSION_TOO_LARGE',
        /at most 4 documents; this one has 5/,
      );
    });

    it('decodes documents and names them by their sha256', () => {
      const submission = checkSubmission(body(doc({})), options);
      const bytes = Buffer.from(SBOM, 'base64');
      assert.deepEqual(submission.documents[0]!.bytes, bytes);
      assert.match(submission.documents[0]!.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(submission.policy, 'ray-release');
    });
  });

  describe('when the same submission comes again', () => {
    it('has the same digest from the same submitter, another from another submitter or content', () => {
      const a = checkSubmission(body(), options);
      const b = checkSubmission(body(), options);
      assert.equal(submissionDigest(a, 'token:one'), submissionDigest(b, 'token:one'));
      assert.notEqual(submissionDigest(a, 'token:one'), submissionDigest(a, 'token:two'));
      assert.notEqual(
        submissionDigest(a, 'token:one'),
        submissionDigest(checkSubmission(body({ version: '2.58.1' }), options), 'token:one'),
      );
    });
  });
});
