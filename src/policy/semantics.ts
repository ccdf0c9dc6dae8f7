import { spdxId } from '../sbom/licenses/spdx-expression.ts';
import { parsePurl } from '../shared/purl.ts';
import { parseExpiry } from './expiry.ts';
import type { PolicyProblem } from './problems.ts';
import { compilePattern } from './matchers.ts';
import { pathOf, positionOf } from './validate.ts';
import type { YamlTree } from './yaml-tree.ts';

type Raw = Record<string, unknown>;

/**
 * Checks the schema cannot express, on a document that already passed it: rule ids are unique, regular
 * expressions compile, every signer identity says both who signed and who vouched for them, dates and
 * package URLs parse, license ids are SPDX ids.
 */
export function checkSemantics(tree: YamlTree): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const report = (pointer: string, code: string, message: string, onKey = false) =>
    problems.push({ code, message, path: pathOf(pointer), ...positionOf(tree, pointer, onKey) });
  const rules = ((tree.value as Raw).rules ?? []) as Raw[];
  const ids = new Map<string, number>();
  rules.forEach((rule, i) => {
    const at = `/rules/${i}`;
    const id = rule.id as string;
    const first = ids.get(id);
    if (first !== undefined) {
      report(`${at}/id`, 'POLICY_RULE_ID_DUPLICATE', `rule id '${id}' is already used by rules[${first}]`);
    } else {
      ids.set(id, i);
    }
    for (const field of ['identities', 'signers'] as const) {
      ((rule[field] ?? []) as Raw[]).forEach((identity, j) => checkIdentity(identity, `${at}/${field}/${j}`));
    }
    for (const field of ['ignore'] as const) {
      ((rule[field] ?? []) as Raw[]).forEach((ignore, j) => {
        if (!parseExpiry(ignore.expires as string)) {
          report(
            `${at}/${field}/${j}/expires`,
            'POLICY_DATE_INVALID',
            `'${String(ignore.expires)}' is not a date (YYYY-MM-DD) or an ISO 8601 timestamp`,
          );
        }
        if (ignore.purl !== undefined && !parsePurl(ignore.purl as string)) {
          report(
            `${at}/${field}/${j}/purl`,
            'POLICY_PURL_INVALID',
            `'${String(ignore.purl)}' is not a package URL`,
          );
        }
      });
    }
    if (rule.check === 'licenses') {
      const deny = (rule.deny ?? []) as string[];
      const allow = (rule.allow ?? []) as string[];
      if (deny.length === 0 && allow.length === 0) {
        report(at, 'POLICY_LICENSES_EMPTY', "a licenses rule needs a 'deny' or an 'allow' list");
      }
      for (const [field, values] of [
        ['deny', deny],
        ['allow', allow],
      ] as const) {
        values.forEach((value, j) => {
          if (!spdxId(value) && !/^LicenseRef-[A-Za-z0-9.-]+$/.test(value)) {
            report(`${at}/${field}/${j}`, 'POLICY_SPDX_UNKNOWN', `'${value}' is not an SPDX license id`);
          }
        });
      }
    }
    if (rule.check === 'vulnerabilities' && rule.severity === undefined && rule.cvss === undefined) {
      // Without a threshold the rule would judge only malicious packages: a silent no-op for the rest.
      report(
        at,
        'POLICY_VULNERABILITIES_THRESHOLD',
        "a vulnerabilities rule needs 'severity' or 'cvss' (malicious packages fail whatever the threshold)",
      );
    }
  });
  return problems;

  function checkIdentity(identity: Raw, at: string): void {
    for (const field of ['issuerPattern', 'sanPattern'] as const) {
      const pattern = identity[field];
      if (typeof pattern === 'string' && !compilePattern(pattern)) {
        report(`${at}/${field}`, 'POLICY_PATTERN_INVALID', `'${pattern}' is not a valid regular expression`);
      }
    }
    const github = identity.github as Raw | undefined;
    const who =
      identity.san !== undefined ||
      identity.sanPattern !== undefined ||
      github?.repository !== undefined ||
      github?.signerWorkflow !== undefined;
    const vouched =
      identity.issuer !== undefined || identity.issuerPattern !== undefined || github !== undefined;
    if (!who) {
      report(
        at,
        'POLICY_IDENTITY_INCOMPLETE',
        "say who must have signed: 'san', 'sanPattern', 'github.repository' or 'github.signerWorkflow'",
      );
    }
    if (!vouched) {
      report(
        at,
        'POLICY_IDENTITY_INCOMPLETE',
        "say which OIDC issuer vouched for the signer: 'issuer', 'issuerPattern' or 'github'",
      );
    }
  }
}
