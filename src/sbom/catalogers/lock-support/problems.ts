import type { Problem, ProblemSeverity } from '../../model.ts';

/**
 * Problem codes of the lock and environment catalogers. Stable: users and `raygate pins` match on them.
 */
export type LockProblemCode =
  | 'LOCK_FILE_EMPTY'
  | 'LOCK_FILE_BINARY'
  | 'LOCK_FILE_NOT_UTF8'
  | 'LOCK_FORMAT_UNKNOWN'
  | 'LOCK_TOML_INVALID'
  | 'LOCK_JSON_INVALID'
  | 'LOCK_YAML_INVALID'
  | 'LOCK_YAML_ALIAS_LIMIT'
  | 'LOCK_YAML_TAG_UNSUPPORTED'
  | 'LOCK_STRUCTURE_INVALID'
  | 'LOCK_VERSION_UNSUPPORTED'
  | 'LOCK_ENTRY_INVALID'
  | 'LOCK_FIELD_INVALID'
  | 'LOCK_HASH_INVALID'
  | 'LOCK_TOO_MANY_ENTRIES'
  | 'LOCK_DEPENDENCY_UNRESOLVED'
  | 'CONDA_SPEC_INVALID'
  | 'CONDA_EXPLICIT_MARKER_MISSING'
  | 'CONDA_EXPLICIT_URL_INVALID'
  | 'CONDA_ENV_PIP_LINE_INVALID'
  | 'CONDA_ENV_PIP_INCLUDE_NOT_FOLLOWED';

/** Problems of one code listed per file; a hostile file could otherwise produce one per entry. */
const MAX_PER_CODE = 100;

/** Collects the problems of one file, each carrying the file's path. */
export class ProblemLog {
  readonly problems: Problem[] = [];
  readonly path: string;
  readonly #perCode = new Map<string, number>();

  constructor(path: string) {
    this.path = path;
  }

  add(code: LockProblemCode, severity: ProblemSeverity, message: string, line?: number): void {
    const seen = (this.#perCode.get(code) ?? 0) + 1;
    this.#perCode.set(code, seen);
    if (seen > MAX_PER_CODE + 1) return;
    if (seen === MAX_PER_CODE + 1) {
      this.problems.push({
        code,
        severity,
        message: `${this.path} has more than ${MAX_PER_CODE} ${code} problems; the rest are not listed.`,
        path: this.path,
      });
      return;
    }
    const problem: Problem = { code, severity, message, path: this.path };
    if (line !== undefined) problem.line = line;
    this.problems.push(problem);
  }

  warn(code: LockProblemCode, message: string, line?: number): void {
    this.add(code, 'warning', message, line);
  }

  error(code: LockProblemCode, message: string, line?: number): void {
    this.add(code, 'error', message, line);
  }
}
