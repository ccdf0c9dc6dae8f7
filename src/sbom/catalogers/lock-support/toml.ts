import { parse, TomlError } from 'smol-toml';
import { LOCK_LIMITS } from './limits.ts';
import type { ProblemLog } from './problems.ts';
import type { Table } from './fields.ts';

/**
 * Parses a TOML lock file. Prototype keys are dropped, inline nesting is bounded, and a syntax error becomes
 * one `LOCK_TOML_INVALID` problem carrying the parser's line.
 */
export function parseLockToml(text: string, log: ProblemLog, what: string): Table | undefined {
  try {
    return parse(text, { maxDepth: LOCK_LIMITS.maxTomlDepth, unsafeKeyBehaviour: 'drop' }) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      log.error(
        'LOCK_TOML_INVALID',
        `${log.path} is not a valid ${what}: ${reason} (line ${error.line}, column ${error.column}).`,
        error.line,
      );
      return undefined;
    }
    throw error;
  }
}
