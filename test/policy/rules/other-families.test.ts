import assert from 'node:assert/strict';
import type { PackageEvidence, RayEvidence } from '../../../src/policy/evidence.ts';
import { decide, evidenceOf, image, policyOf, reasonLines, ruleOf } from '../support.ts';

const IMG = 'image ghcr.io/acme/ray-ml (sha256:a1a1a1a1a1a1…)';

describe('licenses rule', () => {
  const pkg = (name: string, licenses: PackageEvidence['licenses'], ecosystem = 'pypi'): PackageEvidence => ({
    ecosystem,
    name,
    version: '1.0',
    purl: `pkg:${ecosystem}/${name}@1.0`,
    licenses,
  });
  const withPackages = (...packages: PackageEvidence[]) =>
    evidenceOf({ artifacts: [image({ sbom: { origin: 'generated', format: 'cyclonedx-json', packages } })] });

  it('denies an expression only when every choice includes a denied license', () => {
    const d = decide(
      policyOf('  - {id: l, check: licenses, deny: [agpl-3.0, GPL-3.0-only]}'),
      withPackages(
        pkg('dual', [{ expression: 'MIT OR AGPL-3.0-only' }]),
        pkg('both', [{ expression: 'MIT AND AGPL-3.0-or-later' }]),
        pkg('deprecated-id', [{ expression: 'GPL-3.0' }]),
        pkg('or-later', [{ expression: 'GPL-3.0+' }]),
        pkg('listed-twice', [{ expression: 'MIT' }, { expression: 'AGPL-3.0-only' }]),
        pkg('text', [{ text: 'GNU Affero General Public License v3' }]),
      ),
    );
    assert.deepEqual(reasonLines(d, 'l'), [
      `fail LICENSE_DENIED: pkg:pypi/deprecated-id@1.0 in ${IMG} is licensed GPL-3.0, which the policy denies (AGPL-3.0-only, GPL-3.0-only).`,
      `fail LICENSE_DENIED: pkg:pypi/listed-twice@1.0 in ${IMG} is licensed MIT AND AGPL-3.0-only, which the policy denies (AGPL-3.0-only, GPL-3.0-only).`,
      `fail LICENSE_DENIED: pkg:pypi/text@1.0 in ${IMG} is licensed AGPL-3.0-only, which the policy denies (AGPL-3.0-only, GPL-3.0-only).`,
    ]);
  });

  it('reads or-later as its own id, so denying -only does not deny -or-later', () => {
    const d = decide(
      policyOf('  - {id: l, check: licenses, deny: [AGPL-3.0-or-later]}'),
      withPackages(
        pkg('a', [{ expression: 'MIT AND AGPL-3.0-or-later' }]),
        pkg('b', [{ expression: 'AGPL-3.0-only' }]),
      ),
    );
    assert.deepEqual(reasonLines(d, 'l'), [
      `fail LICENSE_DENIED: pkg:pypi/a@1.0 in ${IMG} is licensed MIT AND AGPL-3.0-or-later, which the policy denies (AGPL-3.0-or-later).`,
    ]);
  });

  it('with an allow list fails anything that cannot be satisfied with allowed licenses', () => {
    const d = decide(
      policyOf('  - {id: l, check: licenses, allow: [MIT, Apache-2.0, BSD-3-Clause]}'),
      withPackages(
        pkg('ok', [{ expression: 'Apache-2.0 OR GPL-2.0-only' }]),
        pkg('exception', [{ expression: 'Apache-2.0 WITH LLVM-exception' }]),
        pkg('mpl', [{ expression: 'MPL-2.0' }]),
      ),
    );
    assert.deepEqual(reasonLines(d, 'l'), [
      `fail LICENSE_NOT_ALLOWED: pkg:pypi/mpl@1.0 in ${IMG} is licensed MPL-2.0, which is not among the allowed licenses (MIT, Apache-2.0, BSD-3-Clause).`,
    ]);
  });

  it('handles unknown licenses as configured, and honours ecosystems and exclusions', () => {
    const evidence = withPackages(
      pkg('nolicense', []),
      pkg('vague', [{ text: 'BSD' }]),
      pkg('libc6', [{ expression: 'AGPL-3.0-only' }], 'deb'),
      pkg('excluded', [{ expression: 'AGPL-3.0-only' }]),
    );
    const d = decide(
      policyOf(
        "  - {id: l, check: licenses, deny: [AGPL-3.0-only], unknown: fail, ecosystems: [pypi], exclude: ['pkg:pypi/Excluded']}",
      ),
      evidence,
    );
    assert.deepEqual(reasonLines(d, 'l'), [
      `fail LICENSE_UNKNOWN: pkg:pypi/nolicense@1.0 in ${IMG} has no SPDX license.`,
      `fail LICENSE_UNKNOWN: pkg:pypi/vague@1.0 in ${IMG} has no SPDX license (it says "BSD").`,
    ]);
    assert.equal(ruleOf(d, 'l').summary, '1 artifact, 2 packages: 2 failing');
  });

  it('warns that licenses cannot be judged without an SBOM', () => {
    const d = decide(
      policyOf('  - {id: l, check: licenses, deny: [AGPL-3.0-only]}'),
      evidenceOf({ artifacts: [image()] }),
    );
    assert.deepEqual(reasonLines(d, 'l'), [
      `warn LICENSES_NO_SBOM: ${IMG} has no SBOM: its licenses cannot be judged.`,
    ]);
  });
});

describe('cooldown rule', () => {
  const dependencies = [
    {
      ecosystem: 'pypi',
      name: 'fresh',
      version: '2.0.0',
      lockFiles: ['uv.lock'],
      uploadedAt: '2026-11-22T12:00:00Z',
      index: 'https://pypi.org',
    },
    {
      ecosystem: 'pypi',
      name: 'old',
      version: '1.0.0',
      lockFiles: ['uv.lock'],
      uploadedAt: '2026-11-18T12:00:00Z',
    },
    { ecosystem: 'pypi', name: 'edge', version: '1.0.0', lockFiles: [], uploadedAt: '2026-11-18T12:00:01Z' },
    {
      ecosystem: 'pypi',
      name: 'our_own',
      version: '0.1.0',
      lockFiles: ['uv.lock'],
      uploadedAt: '2026-11-25T11:00:00Z',
    },
    {
      ecosystem: 'pypi',
      name: 'mystery',
      version: '0.1.0',
      lockFiles: ['uv.lock'],
      unknownReason: 'not found on https://pypi.org',
    },
  ];

  it('fails dependencies uploaded less than N days ago, to the second, and handles unknown times', () => {
    const d = decide(
      policyOf('  - {id: c, check: cooldown, days: 7, exclude: [Our-Own]}'),
      evidenceOf({ dependencies }),
    );
    assert.deepEqual(reasonLines(d, 'c'), [
      'fail COOLDOWN: pypi/edge@1.0.0 was uploaded 2026-11-18T12:00:01.000Z, 7.0 days before the decision; the policy requires 7 days.',
      'fail COOLDOWN: pypi/fresh@2.0.0 was uploaded 2026-11-22T12:00:00.000Z to https://pypi.org, 3.0 days before the decision; the policy requires 7 days (pinned in uv.lock).',
      'warn COOLDOWN_UNKNOWN: The upload time of pypi/mystery@0.1.0 is unknown (not found on https://pypi.org): its age cannot be checked.',
    ]);
    assert.equal(ruleOf(d, 'c').summary, '4 pinned dependencies: 2 failing, 1 warning');
  });

  it('treats an upload time after the decision as too new', () => {
    const d = decide(
      policyOf('  - {id: c, check: cooldown, days: 1}'),
      evidenceOf({
        dependencies: [
          { ecosystem: 'pypi', name: 'x', version: '1', lockFiles: [], uploadedAt: '2026-11-26T00:00:00Z' },
        ],
      }),
    );
    assert.deepEqual(reasonLines(d, 'c'), [
      'fail COOLDOWN: pypi/x@1 was uploaded 2026-11-26T00:00:00.000Z, after the time of the decision; the policy requires 1 day.',
    ]);
    assert.equal(ruleOf(d, 'c').status, 'fail');
  });
});

describe('publisher-drift rule', () => {
  const drift = [
    {
      ecosystem: 'pypi',
      name: 'litellm',
      version: '1.82.8',
      drift: 'unattested' as const,
      previous: { kind: 'github', repository: 'BerriAI/litellm', workflow: 'publish.yml' },
      comparedWith: ['1.82.6', '1.82.7'],
      severity: 'critical' as const,
    },
    {
      ecosystem: 'pypi',
      name: 'telnyx',
      version: '2.1.5',
      drift: 'publisher-changed' as const,
      previous: { kind: 'github', repository: 'team-telnyx/telnyx-python', workflow: 'release.yml' },
      current: { kind: 'github', repository: 'someone/else', workflow: 'x.yml' },
      comparedWith: ['2.1.4'],
      severity: 'high' as const,
    },
  ];

  it('fails each drift finding with both publishers named', () => {
    const d = decide(policyOf('  - {id: d, check: publisher-drift}'), evidenceOf({ publisherDrift: drift }));
    assert.deepEqual(reasonLines(d, 'd'), [
      'fail DRIFT_PUBLISHER_CHANGED: pypi/telnyx@2.1.5 was published by github someone/else x.yml, but 2.1.4 was published by github team-telnyx/telnyx-python release.yml [high].',
      'fail DRIFT_UNATTESTED: pypi/litellm@1.82.8 has no publish attestation, but 1.82.6, 1.82.7 were published by github BerriAI/litellm publish.yml [critical].',
    ]);
  });

  it('filters by drift kind, severity and name', () => {
    const only = (rules: string) =>
      reasonLines(decide(policyOf(rules), evidenceOf({ publisherDrift: drift })), 'd').map(
        (l) => l.split(':')[0],
      );
    assert.deepEqual(only('  - {id: d, check: publisher-drift, drift: [unattested]}'), [
      'fail DRIFT_UNATTESTED',
    ]);
    assert.deepEqual(only('  - {id: d, check: publisher-drift, severity: critical}'), [
      'fail DRIFT_UNATTESTED',
    ]);
    assert.deepEqual(only('  - {id: d, check: publisher-drift, exclude: [LiteLLM]}'), [
      'fail DRIFT_PUBLISHER_CHANGED',
    ]);
  });
});

describe('ray rule', () => {
  const ray: RayEvidence = {
    rules: ['RAY-AUTH-002', 'RAY-NET-005', 'RAY-NET-008'],
    files: [{ path: 'deploy/raycluster.yaml', kind: 'kubernetes' }],
    findings: [
      {
        ruleId: 'RAY-AUTH-002',
        ruleName: 'token-auth-disabled',
        severity: 'critical',
        message: 'Token authentication is off and the dashboard is reachable.',
        file: 'deploy/raycluster.yaml',
        line: 12,
        field: 'spec.authOptions',
        cluster: 'RayCluster raycluster-kuberay',
        fingerprint: 'f1',
      },
      {
        ruleId: 'RAY-NET-008',
        ruleName: 'no-network-policy',
        severity: 'medium',
        message: 'No NetworkPolicy selects the Ray pods.',
        file: 'deploy/raycluster.yaml',
        line: 1,
        fingerprint: 'f2',
      },
    ],
    verdicts: [
      {
        vulnerability: 'CVE-2023-48022',
        aliases: ['GHSA-6wgj-66m2-xxp2'],
        status: 'affected',
        cluster: 'RayCluster raycluster-kuberay',
        rayVersion: '2.58.0',
        failing: [{ ruleId: 'RAY-AUTH-002', reason: 'turn token authentication on' }],
      },
    ],
    problems: [
      { code: 'RAY_YAML_SYNTAX', severity: 'error', message: 'not valid YAML', file: 'deploy/broken.yaml' },
    ],
  };

  it('fails findings by severity or id, rules that did not run, and affected advisories', () => {
    const d = decide(
      policyOf(
        '  - {id: r, check: ray, severity: critical, ids: [RAY-NET-008, RAY-TLS-009], affectedAdvisories: true}',
      ),
      evidenceOf({ ray }),
    );
    assert.deepEqual(reasonLines(d, 'r'), [
      'fail RAY_ADVISORY_AFFECTED: CVE-2023-48022 affects RayCluster raycluster-kuberay (Ray 2.58.0): fix RAY-AUTH-002.',
      'fail RAY_FINDING: RAY-NET-008 no-network-policy [medium] (deploy/raycluster.yaml:1): No NetworkPolicy selects the Ray pods.',
      'fail RAY_FINDING: RAY-AUTH-002 token-auth-disabled [critical] in RayCluster raycluster-kuberay (deploy/raycluster.yaml:12, spec.authOptions): Token authentication is off and the dashboard is reachable.',
      'fail RAY_RULE_NOT_RUN: RAY-TLS-009 did not run, so the deployment was not checked for it.',
      'warn RAY_INPUT_PROBLEM: deploy/broken.yaml: not valid YAML (RAY_YAML_SYNTAX): what it holds was not checked.',
    ]);
  });

  it('excludes rules and handles missing Ray evidence as configured', () => {
    const d = decide(
      policyOf('  - {id: r, check: ray, severity: medium, exclude: [RAY-AUTH-002, RAY-NET-008]}'),
      evidenceOf({ ray: { ...ray, problems: [] } }),
    );
    assert.equal(ruleOf(d, 'r').status, 'pass');
    assert.deepEqual(
      reasonLines(decide(policyOf('  - {id: r, check: ray, severity: high}'), evidenceOf()), 'r'),
      [
        'warn RAY_NOT_EVALUATED: The release carries no Ray deployment evidence: hardening rules were not run.',
      ],
    );
    assert.equal(
      ruleOf(decide(policyOf('  - {id: r, check: ray, severity: high, missing: fail}'), evidenceOf()), 'r')
        .status,
      'fail',
    );
  });
});

describe('approvals rule', () => {
  const rules = '  - {id: a, check: approvals, count: 2, roles: [security]}';
  const approval = (actor: string, roles: string[] = [], at = '2026-11-25T10:00:00Z') => ({
    actor,
    roles,
    at,
  });

  it('is pending until enough distinct approvers and roles have approved', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({ approvals: [approval('alice'), approval('alice', ['security'], '2026-11-25T11:00:00Z')] }),
    );
    assert.equal(ruleOf(d, 'a').status, 'pending');
    assert.equal(d.verdict, 'needs-approval');
    assert.deepEqual(reasonLines(d, 'a'), [
      'pending APPROVALS_MISSING: 1 of 2 distinct approvals: 1 more approver needed (not the submitter).',
      'info APPROVED: Approved by alice (security) at 2026-11-25T10:00:00Z.',
    ]);
    assert.equal(
      d.summary,
      'Needs approval: 1 of 2 distinct approvals: 1 more approver needed (not the submitter).',
    );
  });

  it('does not count the submitter (separation of duties)', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({ approvals: [approval('ci-bot', ['security']), approval('bob')] }),
    );
    assert.deepEqual(reasonLines(d, 'a'), [
      'pending APPROVALS_MISSING: 1 of 2 distinct approvals: 1 more approver needed (not the submitter).',
      "pending APPROVAL_ROLE_MISSING: No approval yet from someone with the role 'security'.",
      'info APPROVAL_BY_SUBMITTER: The approval by ci-bot does not count: ci-bot submitted the release.',
      'info APPROVED: Approved by bob at 2026-11-25T10:00:00Z.',
    ]);
  });

  it('passes with two distinct approvers holding the required role', () => {
    const d = decide(
      policyOf(rules),
      evidenceOf({ approvals: [approval('carol', ['security']), approval('bob')] }),
    );
    assert.equal(ruleOf(d, 'a').status, 'pass');
    assert.equal(d.verdict, 'allow');
  });

  it('counts the submitter when separation of duties is off, and fails when the submitter is unknown', () => {
    const off = decide(
      policyOf('  - {id: a, check: approvals, count: 1, separationOfDuties: false}'),
      evidenceOf({ approvals: [approval('ci-bot')] }),
    );
    assert.equal(ruleOf(off, 'a').status, 'pass');
    const unknown = decide(
      policyOf('  - {id: a, check: approvals, count: 1}'),
      evidenceOf({ release: { project: 'acme-ray', version: '1' }, approvals: [approval('bob')] }),
    );
    assert.deepEqual(reasonLines(unknown, 'a', ['fail']), [
      'fail APPROVAL_SUBMITTER_UNKNOWN: The release does not name its submitter, so separation of duties cannot be checked.',
    ]);
    assert.equal(unknown.verdict, 'deny');
  });

  it('only warns about missing approvals when the rule action is warn', () => {
    const d = decide(policyOf('  - {id: a, check: approvals, count: 1, action: warn}'), evidenceOf());
    assert.equal(ruleOf(d, 'a').status, 'warn');
    assert.equal(d.verdict, 'allow');
  });
});
