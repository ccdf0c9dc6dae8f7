import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { policyDigest } from '../../src/policy/digest.ts';
import { checkPolicy, parsePolicy } from '../../src/policy/policy-parse.ts';
import { POLICY_SCHEMA } from '../../src/policy/schema.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { REPO_ROOT } from '../support/run-cli.ts';

const HEAD = 'apiVersion: raygate.dev/policy/v1\nname: t\nrules:\n';

/** `line:column path message (CODE)` of every problem. */
function problems(text: string): string[] {
  const result = checkPolicy(text);
  assert.equal(result.policy, undefined);
  return result.problems.map((p) => `${p.line}:${p.column} ${p.path ?? '-'} ${p.message} (${p.code})`);
}

describe('checkPolicy', () => {
  describe('when values have the wrong type or keys are unknown', () => {
    it('points at the value or the key, with the path and what was expected', () => {
      const text = `${HEAD}  - id: v
    check: vulnerabilities
    severity: hi
    cvss: "7"
    severty: high
    action: block
  - id: p
    check: pins
    exact: yes
top: 1
`;
      assert.deepEqual(problems(text), [
        '6:15 rules[0].severity "hi" is not one of: critical, high, medium, low, info (POLICY_SCHEMA)',
        '7:11 rules[0].cvss must be a number, not the string "7" (POLICY_SCHEMA)',
        "8:5 rules[0].severty unknown key 'severty'; expected one of: id, description, action, check, artifacts, severity, cvss, fix, unknownSeverity, notAssessed, missing, rayVerdicts, ignore (POLICY_SCHEMA)",
        '9:13 rules[0].action "block" is not one of: fail, warn (POLICY_SCHEMA)',
        '12:12 rules[1].exact must be true or false, not the string "yes" (POLICY_SCHEMA)',
        "13:1 top unknown key 'top'; expected one of: apiVersion, name, description, rules (POLICY_SCHEMA)",
      ]);
    });

    it('names an unknown check and lists the families, and a missing required key at its mapping', () => {
      assert.deepEqual(
        problems(`${HEAD}  - {id: a, check: sbomm}\n  - {id: b}\n  - {id: c, check: cooldown}\n  - 5\n`),
        [
          '4:20 rules[0].check unknown check "sbomm"; expected one of: vulnerabilities, pins, signatures, provenance, sbom, licenses, cooldown, publisher-drift, ray, approvals (POLICY_SCHEMA)',
          "5:5 rules[1] every rule needs a 'check' naming its family: vulnerabilities, pins, signatures, provenance, sbom, licenses, cooldown, publisher-drift, ray, approvals (POLICY_SCHEMA)",
          "6:5 rules[2] missing required key 'days' (POLICY_SCHEMA)",
          '7:5 rules[3] must be a mapping, not number 5 (POLICY_SCHEMA)',
        ],
      );
    });

    it('checks the header and bad ids', () => {
      assert.deepEqual(problems('apiVersion: raygate.dev/policy/v2\nname: "bad name"\nrules: {}\n'), [
        '1:13 apiVersion must be "raygate.dev/policy/v1", not "raygate.dev/policy/v2" (POLICY_SCHEMA)',
        '2:7 name "bad name" does not match the pattern ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ (POLICY_SCHEMA)',
        '3:8 rules must be a list, not a mapping (POLICY_SCHEMA)',
      ]);
      assert.deepEqual(problems(`${HEAD}  - {id: Not_Lower, check: sbom}\n`), [
        '4:10 rules[0].id "Not_Lower" does not match the pattern ^[a-z0-9][a-z0-9._-]{0,99}$ (POLICY_SCHEMA)',
      ]);
    });
  });

  describe('when the document is valid for the schema but not sound', () => {
    it('reports duplicate rule ids, bad patterns, incomplete identities, SPDX ids, dates and purls', () => {
      const text = `${HEAD}  - {id: a, check: sbom}
  - id: a
    check: signatures
    identities:
      - {sanPattern: '((', issuer: x}
      - {issuer: https://token.actions.githubusercontent.com}
  - {id: l, check: licenses, deny: [GPL-3.0-only, Not-A-License]}
  - {id: l2, check: licenses}
  - id: v
    check: vulnerabilities
    severity: high
    ignore:
      - {id: CVE-1, reason: r, expires: '2026-02-30', purl: 'not a purl'}
  - {id: v2, check: vulnerabilities}
`;
      assert.deepEqual(problems(text), [
        "5:9 rules[1].id rule id 'a' is already used by rules[0] (POLICY_RULE_ID_DUPLICATE)",
        "8:22 rules[1].identities[0].sanPattern '((' is not a valid regular expression (POLICY_PATTERN_INVALID)",
        "9:9 rules[1].identities[1] say who must have signed: 'san', 'sanPattern', 'github.repository' or 'github.signerWorkflow' (POLICY_IDENTITY_INCOMPLETE)",
        "10:51 rules[2].deny[1] 'Not-A-License' is not an SPDX license id (POLICY_SPDX_UNKNOWN)",
        "11:5 rules[3] a licenses rule needs a 'deny' or an 'allow' list (POLICY_LICENSES_EMPTY)",
        "16:41 rules[4].ignore[0].expires '2026-02-30' is not a date (YYYY-MM-DD) or an ISO 8601 timestamp (POLICY_DATE_INVALID)",
        "16:61 rules[4].ignore[0].purl 'not a purl' is not a package URL (POLICY_PURL_INVALID)",
        "17:5 rules[5] a vulnerabilities rule needs 'severity' or 'cvss' (malicious packages fail whatever the threshold) (POLICY_VULNERABILITIES_THRESHOLD)",
      ]);
    });
  });

  describe('when the policy is valid', () => {
    it('fills in every default', () => {
      const { policy } = checkPolicy(
        `${HEAD}  - {id: v, check: vulnerabilities, severity: high}\n  - {id: a, check: approvals, count: 2}\n`,
      );
      assert.deepEqual(policy, {
        apiVersion: 'raygate.dev/policy/v1',
        name: 't',
        rules: [
          {
            id: 'v',
            action: 'fail',
            check: 'vulnerabilities',
            artifacts: { kinds: [], names: [] },
            severity: 'high',
            fix: 'any',
            unknownSeverity: 'warn',
            notAssessed: 'warn',
            missing: 'fail',
            rayVerdicts: false,
            ignore: [],
          },
          { id: 'a', action: 'fail', check: 'approvals', count: 2, roles: [], separationOfDuties: true },
        ],
      });
    });

    it('has a digest that ignores comments, formatting, key order and spelled-out defaults', () => {
      const a = parsePolicy(`${HEAD}  - {id: v, check: vulnerabilities, severity: high}\n`, 'a.yaml');
      const b = parsePolicy(
        `# a comment\nname: t\napiVersion: raygate.dev/policy/v1\nrules:\n  - severity: high\n    check: vulnerabilities\n    id: v\n    action: fail\n    fix: any\n`,
        'b.yaml',
      );
      const c = parsePolicy(`${HEAD}  - {id: v, check: vulnerabilities, severity: critical}\n`, 'c.yaml');
      assert.equal(policyDigest(a), policyDigest(b));
      assert.notEqual(policyDigest(a), policyDigest(c));
    });
  });

  describe('parsePolicy', () => {
    it('throws POLICY_INVALID listing file:line:column for every problem', async () => {
      const error = await assertRejectsWithCode(
        () => parsePolicy(`${HEAD}  - {id: a, check: sbom, extra: 1}\n`, 'p.yaml'),
        'POLICY_INVALID',
      );
      assert.equal(
        error.message,
        "p.yaml is not a valid policy (1 problem):\n  p.yaml:4:26: rules[0].extra: unknown key 'extra'; expected one of: id, description, action, check, artifacts, origins, attested, signers (POLICY_SCHEMA)",
      );
    });
  });

  describe('the shipped policies', () => {
    for (const name of ['ray-release', 'permissive']) {
      it(`${name}.yaml is valid`, () => {
        const text = readFileSync(`${REPO_ROOT}/policies/${name}.yaml`, 'utf8');
        assert.equal(parsePolicy(text, `${name}.yaml`).name, name);
      });
    }

    it('policy.schema.json is the schema raygate validates with', () => {
      const stored = JSON.parse(readFileSync(`${REPO_ROOT}/policies/policy.schema.json`, 'utf8')) as unknown;
      assert.deepEqual(stored, JSON.parse(JSON.stringify(POLICY_SCHEMA)));
    });
  });
});
