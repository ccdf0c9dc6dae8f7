import { lineAt } from './text.ts';
import type { ProblemLog } from './problems.ts';

/**
 * Parses a JSON lock or report. A syntax error becomes one `LOCK_JSON_INVALID` problem with the line of the
 * offending character when the engine names its position. `__proto__` keys are dropped by the reviver.
 */
export function parseLockJson(text: string, log: ProblemLog, what: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch (error) {
    if (error instanceof SyntaxError) {
      const position = /position (\d+)/.exec(error.message);
      const line = position ? lineAt(text, Number(position[1])) : undefined;
      log.error(
        'LOCK_JSON_INVALID',
        `${log.path} is not a valid ${what}: ${error.message.slice(0, 200)}`,
        line,
      );
      return undefined;
    }
    throw error;
  }
}
