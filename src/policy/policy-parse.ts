import { RaygateError } from '../shared/errors.ts';
import { normalizePolicy } from './normalize.ts';
import type { Policy } from './policy.ts';
import { formatProblem, type PolicyProblem } from './problems.ts';
import { checkSemantics } from './semantics.ts';
import { validateAgainstSchema } from './validate.ts';
import { readYamlTree } from './yaml-tree.ts';

export interface PolicyCheck {
  /** Set when the file has no problem. */
  policy?: Policy;
  /** Sorted by line and column. */
  problems: PolicyProblem[];
}

/** Most problems listed in an error message (all of them stay in its details). */
const MESSAGE_PROBLEMS = 20;

/**
 * Reads a policy from its YAML text: bounded YAML, then the JSON Schema, then the checks the schema cannot
 * express, then defaults. Every problem found is returned with its line and column; nothing throws for bad
 * input.
 */
export function checkPolicy(text: string): PolicyCheck {
  const { tree, problems } = readYamlTree(text);
  if (!tree) return { problems };
  const schemaProblems = validateAgainstSchema(tree);
  if (schemaProblems.length > 0) return { problems: schemaProblems };
  const semantic = checkSemantics(tree).sort((a, b) => a.line - b.line || a.column - b.column);
  if (semantic.length > 0) return { problems: semantic };
  return { policy: normalizePolicy(tree.value as Record<string, unknown>), problems: [] };
}

/** Like checkPolicy, but throws POLICY_INVALID (kind `input`) listing the problems as `file:line:column`. */
export function parsePolicy(text: string, file: string): Policy {
  const { policy, problems } = checkPolicy(text);
  if (policy) return policy;
  const lines = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `  ${formatProblem(file, p)}`);
  if (problems.length > MESSAGE_PROBLEMS) lines.push(`  … and ${problems.length - MESSAGE_PROBLEMS} more`);
  throw new RaygateError(
    'POLICY_INVALID',
    'input',
    `${file} is not a valid policy (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { details: { file, problems } },
  );
}
