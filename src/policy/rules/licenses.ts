import parseSpdx from 'spdx-expression-parse';
import { licenseNameToSpdx } from '../../sbom/licenses/license-names.ts';
import { normalizeSpdxExpression } from '../../sbom/licenses/spdx-expression.ts';
import type { LicenseEvidence, PackageEvidence } from '../evidence.ts';
import { packageLabel, packageMatches } from '../package-ref.ts';
import { currentLicenseId as current } from '../license-ids.ts';
import type { LicensesRule } from '../policy.ts';
import { handled, plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';
import { artifactSubject, describeArtifact, noArtifact, selectArtifacts } from './select.ts';

/**
 * The licenses of every package in each selected artifact's SBOM. An expression is acceptable when some
 * way of satisfying it avoids every denied id and (with an allow list) uses only allowed ids:
 * `MIT OR GPL-3.0-only` passes a GPL deny list, `MIT AND GPL-3.0-only` does not. Several licenses listed
 * for one package all apply (read as AND). Deprecated ids are read as their current form (`GPL-2.0` is
 * `GPL-2.0-only`, `GPL-2.0+` is `GPL-2.0-or-later`).
 */
export function checkLicenses({ rule, evidence }: FamilyInput<LicensesRule>): FamilyOutcome {
  const artifacts = selectArtifacts(evidence, rule.artifacts);
  const drafts: Draft[] = artifacts.length === 0 ? [noArtifact(rule.artifacts)] : [];
  const deny = new Set(rule.deny.map(current));
  const allow = new Set(rule.allow.map(current));
  let packages = 0;
  for (const artifact of artifacts) {
    if (!artifact.sbom) {
      drafts.push({
        kind: 'warn',
        code: 'LICENSES_NO_SBOM',
        message: `${describeArtifact(artifact)} has no SBOM: its licenses cannot be judged.`,
        subject: artifactSubject(artifact),
      });
      continue;
    }
    for (const pkg of artifact.sbom.packages) {
      if (!judged(rule, pkg)) continue;
      packages++;
      const label = packageLabel(pkg);
      const subject = { ...artifactSubject(artifact), package: label, field: 'licenses' };
      const read = readLicenses(pkg.licenses);
      if (read.trees.length === 0) {
        const said =
          read.unreadable.length > 0
            ? ` (it says ${read.unreadable.map((t) => JSON.stringify(t)).join(', ')})`
            : '';
        drafts.push(
          ...handled(rule.unknown, {
            code: 'LICENSE_UNKNOWN',
            message: `${label} in ${describeArtifact(artifact)} has no SPDX license${said}.`,
            subject,
          }),
        );
        continue;
      }
      const ok = (id: string) => !deny.has(id) && (allow.size === 0 || allow.has(id));
      if (read.trees.every((tree) => acceptable(tree, ok))) continue;
      const denied = read.trees.some((tree) => !acceptable(tree, (id) => !deny.has(id)));
      drafts.push({
        kind: 'violation',
        code: denied ? 'LICENSE_DENIED' : 'LICENSE_NOT_ALLOWED',
        message: `${label} in ${describeArtifact(artifact)} is licensed ${read.expressions.join(' AND ')}, which ${
          denied
            ? `the policy denies (${rule.deny.join(', ')})`
            : `is not among the allowed licenses (${rule.allow.join(', ')})`
        }.`,
        subject,
      });
    }
  }
  return { drafts, checked: `${plural(artifacts.length, 'artifact')}, ${plural(packages, 'package')}` };
}

function judged(rule: LicensesRule, pkg: PackageEvidence): boolean {
  if (rule.ecosystems.length > 0 && !rule.ecosystems.includes(pkg.ecosystem.toLowerCase())) return false;
  const label = packageLabel(pkg);
  const plain = `${pkg.ecosystem}/${pkg.name}${pkg.version ? `@${pkg.version}` : ''}`;
  return !rule.exclude.some((x) => packageMatches(x, label) || packageMatches(x, plain));
}

type Tree = { license: string; plus?: boolean } | { left: Tree; conjunction: 'and' | 'or'; right: Tree };

function readLicenses(licenses: readonly LicenseEvidence[]): {
  trees: Tree[];
  expressions: string[];
  unreadable: string[];
} {
  const trees: Tree[] = [];
  const expressions: string[] = [];
  const unreadable: string[] = [];
  for (const license of licenses) {
    const source = 'expression' in license ? license.expression : license.text;
    const expression = normalizeSpdxExpression(source) ?? licenseNameToSpdx(source);
    let tree: Tree | undefined;
    try {
      tree = expression ? (parseSpdx(expression) as Tree) : undefined;
    } catch {
      tree = undefined;
    }
    if (tree && expression) {
      trees.push(tree);
      expressions.push(expression);
    } else {
      unreadable.push(source.length > 60 ? `${source.slice(0, 57)}...` : source);
    }
  }
  return { trees, expressions, unreadable };
}

/** Some way of satisfying the expression uses only ids `ok` accepts. */
function acceptable(tree: Tree, ok: (id: string) => boolean): boolean {
  if ('license' in tree) return ok(current(tree.plus ? `${tree.license}+` : tree.license));
  const left = acceptable(tree.left, ok);
  const right = acceptable(tree.right, ok);
  return tree.conjunction === 'and' ? left && right : left || right;
}
