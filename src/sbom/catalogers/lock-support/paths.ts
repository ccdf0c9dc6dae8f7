import { isInsideInstalledEnvironment } from '../installed-paths.ts';
import { baseName } from './text.ts';

/**
 * The conventional-name test of a declared cataloger: the base name matches, and the file is not inside an
 * installed environment (where a lock file describes some package's own development, not what is there).
 */
export function declaredFileRequired(path: string, matches: (base: string) => boolean): boolean {
  return matches(baseName(path)) && !isInsideInstalledEnvironment(path);
}
