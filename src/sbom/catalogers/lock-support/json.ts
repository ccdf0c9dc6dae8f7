import { lineAt } from './text.ts';
import type { ProblemLog } from './problems.ts';

/**
 * Parses a JSON lock or report. A syntax error becomes one `LOCK_JSON_INVALID` problem with the line of the
 * offending character when the engine names it. No reviver: V8 parses without recursion, a reviver would
 * recurse (and overflow on deeply nested input); `__proto__` keys become plain own properties, which the
 * readers skip (`safeKeys`).
 */
export function parseLockJson(text: string, log: ProblemLog, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) {
      // V8 names the position for most errors ("… at position 10 (line 3 column 1)"), not for all.
      const explicit = /\(line (\d+) column \d+\)/.exec(error.message);
      const position = /position (\d+)/.exec(error.message);
      const line = explicit ? Number(explicit[1]) : position ? lineAt(text, Number(position[1])) : undefined;
      log.error(
        'LOCK_JSON_INVALID',
        `${log.path} is not a valid ${what}: ${error.message.slice(0, 200)}`,
        line,
      );
      return undefined;
    }
    if (error instanceof RangeError) {
      log.error('LOCK_JSON_INVALID', `${log.path} is nested too deeply to be a ${what}.`);
      return undefined;
    }
    throw error;
  }
}
