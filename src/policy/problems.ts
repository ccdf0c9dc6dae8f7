/** A 1-based line and column in a policy file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * One thing wrong with a policy file, at the line and column it is written (the key for an unknown or
 * misplaced key, the value for a wrong value, the mapping for a missing key).
 */
export interface PolicyProblem extends SourcePosition {
  /** Stable: `POLICY_YAML_DUPLICATE_KEY`, `POLICY_SCHEMA`, `POLICY_RULE_ID_DUPLICATE`, … */
  code: string;
  message: string;
  /** The place in the document: `rules[2].severity`. */
  path?: string;
}

export function formatProblem(file: string, problem: PolicyProblem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.path ? `${problem.path}: ` : ''}${problem.message} (${problem.code})`;
}
