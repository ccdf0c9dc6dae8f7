import assert from 'node:assert/strict';
import {
  assessed,
  decide,
  evidenceOf,
  image,
  policyOf,
  reasonLines,
  ruleOf,
  vuln,
  wheel,
} from '../support.ts';

const IMG = 'image ghcr.io/acme/ray-ml (sha256:a1a1a1a1a1a1…)';

describe('vulnerabilities rule', () => {
  describe('when findings reach the severity threshold', () => {
    it('fails naming the advisory, the package, the artifact and the fix', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: high}');
      const d = decide(policy, evidenceOf({ artifacts: [image({ vulnerabilities: assessed([vuln()]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'fail');
      assert.deepEqual(reasonLines(d, 'v'), [
        `fail VULN_SEVERITY: CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} is high (CVSS 7.5), at or above the policy's severity high; fixed in 3.9.2.`,
      ]);
      const subject = ruleOf(d, 'v').reasons[0]!.subject;
      assert.deepEqual(subject, {
        artifact: image().digest,
        artifactName: 'ghcr.io/acme/ray-ml',
        package: 'pkg:pypi/aiohttp@3.9.1',
        advisory: 'CVE-2024-1000',
        advisoryAliases: ['GHSA-aaaa-bbbb-cccc'],
      });
      assert.equal(d.verdict, 'deny');
    });

    it('passes findings below the threshold', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: critical}');
      const d = decide(policy, evidenceOf({ artifacts: [image({ vulnerabilities: assessed([vuln()]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'pass');
      assert.deepEqual(ruleOf(d, 'v').reasons, []);
      assert.equal(ruleOf(d, 'v').summary, '1 artifact, 1 finding: pass');
    });

    it('uses the CVSS score threshold when the rating alone would pass', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: critical, cvss: 7.0}');
      const d = decide(policy, evidenceOf({ artifacts: [image({ vulnerabilities: assessed([vuln()]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'fail');
      assert.match(reasonLines(d, 'v')[0]!, /at or above the policy's severity critical or CVSS 7;/);
    });

    it('warns instead of failing when the rule action is warn', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: high, action: warn}');
      const d = decide(policy, evidenceOf({ artifacts: [image({ vulnerabilities: assessed([vuln()]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'warn');
      assert.equal(d.verdict, 'allow');
    });
  });

  describe('when only fixable findings count', () => {
    it('reports an unfixed finding as information, not a violation', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: high, fix: available}');
      const finding = vuln({ fixedIn: undefined });
      const d = decide(policy, evidenceOf({ artifacts: [image({ vulnerabilities: assessed([finding]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'pass');
      assert.deepEqual(reasonLines(d, 'v'), [
        `info VULN_NO_FIX: CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} (high (CVSS 7.5)) has no fixed version yet; not counted (fix: available).`,
      ]);
    });

    it('with fix: unavailable counts only findings without a fix', () => {
      const policy = policyOf('  - {id: v, check: vulnerabilities, severity: high, fix: unavailable}');
      const d = decide(
        policy,
        evidenceOf({
          artifacts: [
            image({
              vulnerabilities: assessed([
                vuln(),
                vuln({ id: 'CVE-2024-2000', aliases: [], fixedIn: undefined }),
              ]),
            }),
          ],
        }),
      );
      assert.deepEqual(reasonLines(d, 'v'), [
        `fail VULN_SEVERITY: CVE-2024-2000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} is high (CVSS 7.5), at or above the policy's severity high; no fixed version yet.`,
      ]);
    });
  });

  describe('when a package is malicious', () => {
    it('fails whatever the thresholds, ignores and action say', () => {
      const policy = policyOf(`  - id: v
    check: vulnerabilities
    severity: critical
    fix: available
    action: warn
    ignore:
      - {id: MAL-2026-42, reason: 'we trust it', expires: '2027-01-01'}`);
      const mal = vuln({
        id: 'MAL-2026-42',
        advisories: ['MAL-2026-42'],
        aliases: [],
        severity: 'critical',
        score: undefined,
        malicious: true,
        fixedIn: undefined,
        package: {
          ecosystem: 'pypi',
          name: 'requestz',
          version: '1.0.0',
          purl: 'pkg:pypi/requestz@1.0.0',
          locations: [],
        },
      });
      const d = decide(policy, evidenceOf({ artifacts: [wheel({ vulnerabilities: assessed([mal]) })] }));
      assert.equal(ruleOf(d, 'v').status, 'fail');
      assert.deepEqual(reasonLines(d, 'v'), [
        'fail VULN_MALICIOUS: pkg:pypi/requestz@1.0.0 in wheel acme_udf-1.2.0-py3-none-any.whl (sha256:b2b2b2b2b2b2…) is a known malicious package (MAL-2026-42): remove it and treat the build as compromised.',
      ]);
      assert.equal(d.verdict, 'deny');
    });
  });

  describe('when the policy ignores an advisory', () => {
    const rules = (expires: string, purl = '') => `  - id: v
    check: vulnerabilities
    severity: high
    ignore:
      - id: ghsa-aaaa-bbbb-cccc
        reason: Not reachable from our handlers.
        expires: '${expires}'${purl ? `\n        purl: ${purl}` : ''}`;
    const evidence = evidenceOf({ artifacts: [image({ vulnerabilities: assessed([vuln()]) })] });

    it('reports an active ignore as information (matched by any id or alias, any case)', () => {
      const d = decide(policyOf(rules('2026-12-31')), evidence);
      assert.equal(ruleOf(d, 'v').status, 'pass');
      assert.deepEqual(reasonLines(d, 'v'), [
        `info VULN_IGNORED: CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} is ignored until 2026-12-31: Not reachable from our handlers.`,
      ]);
    });

    it('does not ignore the advisory in another package', () => {
      const d = decide(policyOf(rules('2026-12-31', 'pkg:pypi/requests')), evidence);
      assert.equal(ruleOf(d, 'v').status, 'fail');
    });

    it('ignores it in the named package, versioned or not, with PEP 503 names', () => {
      assert.equal(
        ruleOf(decide(policyOf(rules('2026-12-31', 'pkg:pypi/AioHTTP')), evidence), 'v').status,
        'pass',
      );
      assert.equal(
        ruleOf(decide(policyOf(rules('2026-12-31', 'pkg:pypi/aiohttp@3.9.1')), evidence), 'v').status,
        'pass',
      );
      assert.equal(
        ruleOf(decide(policyOf(rules('2026-12-31', 'pkg:pypi/aiohttp@3.9.0')), evidence), 'v').status,
        'fail',
      );
    });

    it('fails once the ignore has expired: through the end of the day, UTC', () => {
      assert.equal(ruleOf(decide(policyOf(rules('2026-11-25')), evidence), 'v').status, 'pass');
      const d = decide(policyOf(rules('2026-11-24')), evidence);
      assert.deepEqual(reasonLines(d, 'v'), [
        `fail VULN_IGNORE_EXPIRED: The ignore of ghsa-aaaa-bbbb-cccc expired on 2026-11-24 ("Not reachable from our handlers."): review it and renew or remove it.`,
        `fail VULN_SEVERITY: CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} is high (CVSS 7.5), at or above the policy's severity high; fixed in 3.9.2.`,
      ]);
    });
  });

  describe('when severities or assessments are missing', () => {
    it('handles unrated findings as configured', () => {
      const unrated = vuln({ severity: 'unknown', score: undefined });
      const evidence = evidenceOf({ artifacts: [image({ vulnerabilities: assessed([unrated]) })] });
      const line = `CVE-2024-1000 in pkg:pypi/aiohttp@3.9.1 of ${IMG} has no severity rating; fixed in 3.9.2.`;
      const run = (handling: string) =>
        decide(
          policyOf(`  - {id: v, check: vulnerabilities, severity: high, unknownSeverity: ${handling}}`),
          evidence,
        );
      assert.deepEqual(reasonLines(run('warn'), 'v'), [`warn VULN_SEVERITY_UNKNOWN: ${line}`]);
      assert.deepEqual(reasonLines(run('fail'), 'v'), [`fail VULN_SEVERITY_UNKNOWN: ${line}`]);
      assert.deepEqual(reasonLines(run('ignore'), 'v'), []);
    });

    it('handles packages that could not be assessed as configured', () => {
      const evidence = evidenceOf({
        artifacts: [
          image({
            vulnerabilities: {
              ...assessed([])!,
              notAssessed: [
                {
                  package: { ecosystem: 'conda', name: 'libgcc-ng', version: '13.2.0', locations: [] },
                  reason: 'no-advisory-source',
                  detail: 'conda-native packages have no OSV ecosystem',
                },
              ],
            },
          }),
        ],
      });
      const d = decide(
        policyOf('  - {id: v, check: vulnerabilities, severity: high, notAssessed: fail}'),
        evidence,
      );
      assert.deepEqual(reasonLines(d, 'v'), [
        `fail VULN_PACKAGE_NOT_ASSESSED: conda/libgcc-ng@13.2.0 in ${IMG} could not be assessed (no-advisory-source): conda-native packages have no OSV ecosystem.`,
      ]);
    });

    it('fails an artifact without any assessment by default, and names it', () => {
      const d = decide(
        policyOf('  - {id: v, check: vulnerabilities, severity: high}'),
        evidenceOf({ artifacts: [image()] }),
      );
      assert.deepEqual(reasonLines(d, 'v'), [
        `fail VULN_ASSESSMENT_MISSING: ${IMG} has no vulnerability assessment.`,
      ]);
    });

    it('says so when no artifact matches the selector', () => {
      const d = decide(
        policyOf(
          "  - {id: v, check: vulnerabilities, severity: high, artifacts: {kinds: [wheel], names: ['acme_*']}}",
        ),
        evidenceOf({ artifacts: [image()] }),
      );
      assert.equal(ruleOf(d, 'v').status, 'pass');
      assert.deepEqual(reasonLines(d, 'v'), [
        'info NO_MATCHING_ARTIFACT: The release has no wheel named acme_*: nothing to check.',
      ]);
    });
  });

  describe('when Ray verdicts are honoured', () => {
    const shadowRay = vuln({
      id: 'CVE-2023-48022',
      advisories: ['GHSA-6wgj-66m2-xxp2'],
      aliases: ['CVE-2023-48022'],
      severity: 'critical',
      score: 9.8,
      package: {
        ecosystem: 'pypi',
        name: 'ray',
        version: '2.58.0',
        purl: 'pkg:pypi/ray@2.58.0',
        locations: [],
      },
      fixedIn: undefined,
    });
    const ray = (status: 'not_affected' | 'affected') => ({
      rules: ['RAY-AUTH-002'],
      files: [{ path: 'deploy/ray-cluster.yaml', kind: 'kubernetes' }],
      findings: [],
      verdicts: [
        {
          vulnerability: 'CVE-2023-48022',
          aliases: ['GHSA-6wgj-66m2-xxp2'],
          status,
          cluster: 'RayCluster raycluster-auth',
          failing: [],
        },
      ],
      problems: [],
    });
    const rules = '  - {id: v, check: vulnerabilities, severity: high, rayVerdicts: true}';

    it('passes a finding every cluster is judged not affected by', () => {
      const d = decide(
        policyOf(rules),
        evidenceOf({
          artifacts: [image({ vulnerabilities: assessed([shadowRay]) })],
          ray: ray('not_affected'),
        }),
      );
      assert.deepEqual(reasonLines(d, 'v'), [
        `info VULN_NOT_AFFECTED: CVE-2023-48022 in pkg:pypi/ray@2.58.0 of ${IMG}: the Ray deployment is judged not affected (CVE-2023-48022: RayCluster raycluster-auth).`,
      ]);
    });

    it('still fails when a cluster is affected', () => {
      const d = decide(
        policyOf(rules),
        evidenceOf({ artifacts: [image({ vulnerabilities: assessed([shadowRay]) })], ray: ray('affected') }),
      );
      assert.equal(ruleOf(d, 'v').status, 'fail');
    });
  });
});
