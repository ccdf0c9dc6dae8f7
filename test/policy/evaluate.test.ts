import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/shared/canonical-json.ts';
import { evidenceDigest, policyDigest } from '../../src/policy/digest.ts';
import type { ExceptionEvidence, ReleaseEvidence } from '../../src/policy/evidence.ts';
import {
  assessed,
  attestation,
  DIGEST_A,
  decide,
  evidenceOf,
  githubSigner,
  image,
  policyOf,
  reasonLines,
  ruleOf,
  vuln,
  wheel,
} from './support.ts';

const IMG = 'image ghcr.io/acme/ray-ml (sha256:a1a1a1a1a1a1…)';
const RULES = `  - {id: vulns, check: vulnerabilities, severity: high}
  - {id: sigs, check: signatures, artifacts: {kinds: [image]}, identities: [{github: {repository: acme/ray-images}}]}
  - {id: approvals, check: approvals, count: 1}`;

const exception = (parts: Partial<ExceptionEvidence> = {}): ExceptionEvidence => ({
  id: 'EX-1',
  scope: { kind: 'advisory', id: 'CVE-2024-1000' },
  reason: 'Only reachable through the admin API, which is not deployed.',
  owner: 'security@acme.dev',
  expiresAt: '2026-12-31T00:00:00Z',
  approvedBy: 'carol',
  ...parts,
});

function vulnerable(
  exceptions: ExceptionEvidence[] = [],
  extra: Partial<ReleaseEvidence> = {},
): ReleaseEvidence {
  return evidenceOf({
    artifacts: [image({ vulnerabilities: assessed([vuln()]), attestations: [attestation()] })],
    approvals: [{ actor: 'alice', roles: [], at: '2026-11-25T09:00:00Z' }],
    exceptions,
    ...extra,
  });
}

describe('evaluate', () => {
  describe('when an active exception covers a failure', () => {
    it('turns it into pass-with-exception, named in the reason and in the report', () => {
      const d = decide(policyOf(RULES), vulnerable([exception()]));
      assert.equal(ruleOf(d, 'vulns').status, 'pass-with-exception');
      assert.deepEqual(reasonLines(d, 'vulns'), [
        `excepted VULN_SEVERITY: CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} is high (CVSS 7.5), at or above the policy's severity high; fixed in 3.9.2. Excepted by EX-1 until 2026-12-31T00:00:00Z (owner security@acme.dev): Only reachable through the admin API, which is not deployed.`,
      ]);
      assert.deepEqual(ruleOf(d, 'vulns').reasons[0]!.exception, {
        id: 'EX-1',
        reason: 'Only reachable through the admin API, which is not deployed.',
        owner: 'security@acme.dev',
        expiresAt: '2026-12-31T00:00:00Z',
        approvedBy: 'carol',
      });
      assert.deepEqual(
        d.exceptions.map((e) => [e.id, e.state, e.matches]),
        [['EX-1', 'applied', 1]],
      );
      assert.equal(d.verdict, 'allow');
      assert.equal(d.summary, 'Allowed: 3 rules pass (1 with exceptions).');
    });

    it('matches every scope kind: advisory alias with purl, purl, artifact digest, release', () => {
      const scopes: ExceptionEvidence['scope'][] = [
        { kind: 'advisory', id: 'ghsa-aaaa-bbbb-cccc', purl: 'pkg:pypi/AIOHTTP' },
        { kind: 'purl', purl: 'pkg:pypi/aiohttp@3.9.1' },
        { kind: 'artifact', digest: DIGEST_A.toUpperCase().replace('SHA256', 'sha256') },
        { kind: 'release', project: 'acme-ray', version: '2.58.0' },
        { kind: 'release', project: 'acme-ray' },
      ];
      for (const scope of scopes) {
        const d = decide(policyOf(RULES), vulnerable([exception({ scope })]));
        assert.equal(ruleOf(d, 'vulns').status, 'pass-with-exception', JSON.stringify(scope));
      }
    });

    it('covers signature failures of the artifact too, but never approvals', () => {
      const unsigned = evidenceOf({
        artifacts: [image({ attestations: [] })],
        exceptions: [exception({ scope: { kind: 'release', project: 'acme-ray' } })],
      });
      const d = decide(policyOf(RULES), unsigned);
      assert.equal(ruleOf(d, 'sigs').status, 'pass-with-exception');
      assert.equal(ruleOf(d, 'approvals').status, 'pending');
      assert.equal(d.verdict, 'needs-approval');
    });
  });

  describe('when an exception does not apply', () => {
    const cases: [string, Partial<ExceptionEvidence>][] = [
      ['another advisory', { scope: { kind: 'advisory', id: 'CVE-2024-9999' } }],
      [
        'the advisory in another package',
        { scope: { kind: 'advisory', id: 'CVE-2024-1000', purl: 'pkg:pypi/requests' } },
      ],
      ['another version of the package', { scope: { kind: 'purl', purl: 'pkg:pypi/aiohttp@3.9.0' } }],
      ['another artifact', { scope: { kind: 'artifact', digest: `sha256:${'00'.repeat(32)}` } }],
      ['another release', { scope: { kind: 'release', project: 'acme-ray', version: '2.57.0' } }],
      ['another rule', { rules: ['sigs'] }],
    ];
    for (const [name, parts] of cases) {
      it(`keeps the failure for ${name}, and reports the exception as unused`, () => {
        const d = decide(policyOf(RULES), vulnerable([exception(parts)]));
        assert.equal(ruleOf(d, 'vulns').status, 'fail');
        assert.deepEqual(
          d.exceptions.map((e) => e.state),
          ['unused'],
        );
        assert.equal(d.verdict, 'deny');
      });
    }

    it('covers nothing while unapproved', () => {
      const d = decide(policyOf(RULES), vulnerable([exception({ approvedBy: undefined })]));
      assert.equal(ruleOf(d, 'vulns').status, 'fail');
      assert.deepEqual(d.exceptions, [
        {
          id: 'EX-1',
          state: 'unapproved',
          matches: 1,
          message:
            'The exception for advisory CVE-2024-1000 (owner security@acme.dev) is not approved; it covers nothing (it would cover 1 reason).',
        },
      ]);
    });

    it('never covers a malicious package', () => {
      const mal = vuln({ id: 'MAL-2026-1', advisories: ['MAL-2026-1'], aliases: [], malicious: true });
      const d = decide(
        policyOf(RULES),
        vulnerable([exception({ scope: { kind: 'release', project: 'acme-ray' } })], {
          artifacts: [image({ vulnerabilities: assessed([mal]), attestations: [attestation()] })],
        }),
      );
      assert.equal(ruleOf(d, 'vulns').status, 'fail');
    });
  });

  describe('when an exception has expired', () => {
    it('fails the gate even where it matches, and says so in the reason', () => {
      const d = decide(policyOf(RULES), vulnerable([exception({ expiresAt: '2026-11-25T12:00:00Z' })]));
      assert.equal(d.verdict, 'deny');
      assert.match(
        reasonLines(d, 'vulns')[0]!,
        /^fail VULN_SEVERITY: .* The exception EX-1 that covered this expired at 2026-11-25T12:00:00Z\.$/,
      );
      assert.equal(d.summary, 'Denied: 1 rule fail (vulns); 1 exception expired (EX-1).');
    });

    it('fails the gate when it covers nothing that fails', () => {
      const d = decide(
        policyOf(RULES),
        vulnerable(
          [
            exception({
              id: 'EX-OLD',
              scope: { kind: 'purl', purl: 'pkg:pypi/left-pad' },
              expiresAt: '2026-01-01T00:00:00Z',
            }),
          ],
          {
            artifacts: [image({ vulnerabilities: assessed([]), attestations: [attestation()] })],
          },
        ),
      );
      assert.deepEqual(
        d.rules.map((r) => r.status),
        ['pass', 'pass', 'pass'],
      );
      assert.equal(d.verdict, 'deny');
      assert.equal(d.summary, 'Denied: 1 exception expired (EX-OLD).');
      assert.equal(d.exceptions[0]!.state, 'expired');
    });
  });

  describe('verdicts', () => {
    it('allows, asks for approval, or denies', () => {
      const clean = evidenceOf({
        artifacts: [image({ vulnerabilities: assessed([]), attestations: [attestation()] })],
      });
      assert.equal(decide(policyOf(RULES), clean).verdict, 'needs-approval');
      const approved = { ...clean, approvals: [{ actor: 'alice', roles: [], at: '2026-11-25T09:00:00Z' }] };
      const allowed = decide(policyOf(RULES), approved);
      assert.equal(allowed.verdict, 'allow');
      assert.deepEqual(allowed.counts, { pass: 3, 'pass-with-exception': 0, warn: 0, fail: 0, pending: 0 });
      const denied = decide(policyOf(RULES), {
        ...approved,
        artifacts: [image({ vulnerabilities: assessed([]) })],
      });
      assert.equal(denied.verdict, 'deny');
    });
  });

  describe('determinism and replay', () => {
    it('gives byte-identical decisions whatever the order of the evidence lists', () => {
      const findings = [
        vuln(),
        vuln({
          id: 'CVE-2024-2000',
          aliases: [],
          package: { ...vuln().package, name: 'jinja2', purl: 'pkg:pypi/jinja2@3.1.2' },
        }),
        vuln({ id: 'CVE-2024-0001', aliases: [], severity: 'critical', score: 9.1 }),
      ];
      const artifacts = [
        image({
          vulnerabilities: assessed(findings),
          attestations: [attestation({ signer: githubSigner('evil/x') }), attestation()],
        }),
        wheel({ vulnerabilities: assessed([...findings].reverse()) }),
      ];
      const exceptions = [
        exception({ id: 'EX-2', approvedBy: undefined }),
        exception(),
        exception({ id: 'EX-0', scope: { kind: 'purl', purl: 'pkg:pypi/jinja2' } }),
      ];
      const a = decide(policyOf(RULES), evidenceOf({ artifacts, exceptions }));
      const b = decide(
        policyOf(RULES),
        evidenceOf({
          artifacts: [
            wheel({ vulnerabilities: assessed([...findings].reverse()) }),
            image({
              vulnerabilities: assessed([...findings].reverse()),
              attestations: [attestation(), attestation({ signer: githubSigner('evil/x') })],
            }),
          ],
          exceptions: [...exceptions].reverse(),
        }),
      );
      assert.equal(canonicalJson(a.rules), canonicalJson(b.rules));
      assert.equal(canonicalJson(a.exceptions), canonicalJson(b.exceptions));
      assert.deepEqual(
        a.exceptions.map((e) => e.id),
        ['EX-0', 'EX-1', 'EX-2'],
      );
      // The same inputs give the same decision, digests included.
      assert.equal(
        JSON.stringify(decide(policyOf(RULES), evidenceOf({ artifacts, exceptions }))),
        JSON.stringify(a),
      );
    });

    it('records the digests of the policy, the evidence, the advisory snapshot and the trusted root', () => {
      const policy = policyOf(RULES);
      const evidence = vulnerable([], {
        snapshots: {
          advisories: {
            kind: 'mirror',
            location: '/var/lib/raygate/osv',
            generation: 'g000012',
            digest: `sha256:${'11'.repeat(32)}`,
          },
          trustedRoot: {
            source: 'tuf https://tuf-repo-cdn.sigstore.dev (cache)',
            digest: `sha256:${'22'.repeat(32)}`,
          },
        },
      });
      const d = decide(policy, evidence);
      assert.deepEqual(d.inputs, {
        policy: { name: 'test', digest: policyDigest(policy) },
        evidence: evidenceDigest(evidence),
        advisories: { kind: 'mirror', generation: 'g000012', digest: `sha256:${'11'.repeat(32)}` },
        trustedRoot: {
          source: 'tuf https://tuf-repo-cdn.sigstore.dev (cache)',
          digest: `sha256:${'22'.repeat(32)}`,
        },
      });
      assert.match(d.inputs.policy.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(d.evaluatedAt, '2026-11-25T12:00:00.000Z');
    });

    it('does not read the clock: the same evidence decided at another time can differ', () => {
      const policy = policyOf(RULES);
      const evidence = vulnerable([exception()]);
      assert.equal(decide(policy, evidence, new Date('2026-12-01T00:00:00Z')).verdict, 'allow');
      assert.equal(decide(policy, evidence, new Date('2027-01-01T00:00:00Z')).verdict, 'deny');
    });
  });
});
