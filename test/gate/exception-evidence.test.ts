import assert from 'node:assert/strict';
import { exceptionsFor, toExceptionEvidence } from '../../src/gate/exception-evidence.ts';
import { checkApprover, checkExceptionApprover } from '../../src/gate/separation-of-duties.ts';
import type { ExceptionRecord, ExceptionScopeRecord } from '../../src/store/repos/exceptions.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { assessed, DIGEST_A, DIGEST_B, image, vuln, wheel } from '../policy/support.ts';

const T = new Date('2026-11-25T12:00:00Z');
let n = 0;
function exception(scope: ExceptionScopeRecord, parts: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return {
    id: `exc_${++n}`,
    project: 'acme',
    scope,
    rules: [],
    reason: 'accepted',
    owner: 'sec@acme.example',
    expiresAt: new Date(T.getTime() + 86_400_000),
    createdBy: 'token:a',
    createdAt: T,
    approvedBy: 'token:b',
    approvedAt: T,
    revokedBy: null,
    revokedAt: null,
    ...parts,
  };
}

const target = {
  id: 'rel_1',
  project: 'acme',
  version: '2.58.0',
  artifacts: [
    image({
      sbom: {
        origin: 'generated',
        format: 'cyclonedx-json',
        digest: DIGEST_A,
        packages: [
          { ecosystem: 'pypi', name: 'requests', version: '2.31.0', purl: 'pkg:pypi/requests@2.31.0' },
        ],
      } as never,
      vulnerabilities: assessed([vuln()]),
    }),
    wheel(),
  ],
};
const ids = (records: ExceptionRecord[]) => exceptionsFor(records, target).map((e) => e.scope);

describe('exceptions that concern a release', () => {
  describe('when the scope names something in the release', () => {
    it('keeps the release, an artifact digest, an advisory (any id or alias) and a package it contains', () => {
      const scopes: ExceptionScopeRecord[] = [
        { kind: 'release', releaseId: 'rel_1' },
        { kind: 'artifact', digest: DIGEST_B.toUpperCase().replace('SHA256', 'sha256') },
        { kind: 'advisory', id: 'ghsa-aaaa-bbbb-cccc' },
        { kind: 'advisory', id: 'CVE-2024-1000', purl: 'pkg:pypi/aiohttp' },
        { kind: 'purl', purl: 'pkg:pypi/requests@2.31.0' },
        { kind: 'purl', purl: 'pkg:pypi/Requests' },
      ];
      assert.deepEqual(ids(scopes.map((s) => exception(s))), scopes);
    });
  });

  describe('when the scope names something else', () => {
    it('leaves out other releases, digests, advisories, packages and versions', () => {
      const scopes: ExceptionScopeRecord[] = [
        { kind: 'release', releaseId: 'rel_2' },
        { kind: 'artifact', digest: `sha256:${'c3'.repeat(32)}` },
        { kind: 'advisory', id: 'CVE-2099-0001' },
        { kind: 'advisory', id: 'CVE-2024-1000', purl: 'pkg:pypi/requests' },
        { kind: 'purl', purl: 'pkg:pypi/requests@2.32.0' },
        { kind: 'purl', purl: 'pkg:npm/requests' },
      ];
      assert.deepEqual(ids(scopes.map((s) => exception(s))), []);
    });

    it('leaves out revoked exceptions and those of another project, keeps those for every project', () => {
      const scope: ExceptionScopeRecord = { kind: 'release', releaseId: 'rel_1' };
      const kept = exceptionsFor(
        [
          exception(scope, { revokedAt: T, revokedBy: 'token:c' }),
          exception(scope, { project: 'other' }),
          exception(scope, { project: null, id: 'exc_global' }),
        ],
        target,
      );
      assert.deepEqual(
        kept.map((e) => e.id),
        ['exc_global'],
      );
    });
  });

  describe('when an exception becomes policy evidence', () => {
    it('carries its expiry and approval, and a release scope names the release by project and version', () => {
      const record = exception({ kind: 'release', releaseId: 'rel_1' }, { rules: ['signatures'] });
      assert.deepEqual(toExceptionEvidence(record, target), {
        id: record.id,
        scope: { kind: 'release', project: 'acme', version: '2.58.0' },
        rules: ['signatures'],
        reason: 'accepted',
        owner: 'sec@acme.example',
        createdAt: T.toISOString(),
        expiresAt: new Date(T.getTime() + 86_400_000).toISOString(),
        approvedBy: 'token:b',
        approvedAt: T.toISOString(),
      });
      const unapproved = toExceptionEvidence(
        exception({ kind: 'purl', purl: 'pkg:pypi/x' }, { approvedBy: null, approvedAt: null }),
        target,
      );
      assert.equal('approvedBy' in unapproved, false);
    });
  });
});

describe('separation of duties', () => {
  const release = {
    id: 'rel_1',
    submittedBy: 'oidc:https://token.actions.githubusercontent.com#repo:acme/ray:ref:refs/tags/v1',
  };

  it('refuses the submitter (403) and a second approval by the same actor (409)', async () => {
    const sod = await assertRejectsWithCode(
      () => checkApprover(release, release.submittedBy, []),
      'GATE_SOD_VIOLATION',
    );
    assert.equal(sod.kind, 'forbidden');
    const twice = await assertRejectsWithCode(
      () => checkApprover(release, 'token:alice', [{ kind: 'approval', actor: 'token:alice' }]),
      'GATE_APPROVAL_DUPLICATE',
    );
    assert.equal(twice.kind, 'conflict');
  });

  it('lets another actor approve, and one who only rejected before', () => {
    assert.doesNotThrow(() =>
      checkApprover(release, 'token:bob', [
        { kind: 'approval', actor: 'token:alice' },
        { kind: 'rejection', actor: 'token:bob' },
      ]),
    );
  });

  it('keeps the admin who recorded an exception from approving it', async () => {
    await assertRejectsWithCode(
      () => checkExceptionApprover({ id: 'exc_1', createdBy: 'token:a' }, 'token:a'),
      'GATE_SOD_VIOLATION',
    );
    assert.doesNotThrow(() => checkExceptionApprover({ id: 'exc_1', createdBy: 'token:a' }, 'token:b'));
  });
});
