import { decodeText, looksBinary } from '../../../shared/text.ts';
import type { ProblemLog } from './problems.ts';

/**
 * Turns a lock file's bytes into text, or reports why it cannot: empty, binary, or not UTF-8 (every lock
 * format here is UTF-8 by definition; Latin-1 text is still read, with a warning).
 */
export function decodeLockText(bytes: Uint8Array, log: ProblemLog, what: string): string | undefined {
  if (looksBinary(bytes)) {
    log.error('LOCK_FILE_BINARY', `${log.path} is binary data, not a ${what}.`);
    return undefined;
  }
  const { text, fallback } = decodeText(bytes);
  if (fallback) log.warn('LOCK_FILE_NOT_UTF8', `${log.path} is not valid UTF-8; read as Latin-1.`);
  if (text.trim() === '') {
    log.warn('LOCK_FILE_EMPTY', `${log.path} is empty: no packages.`);
    return undefined;
  }
  return text;
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Last path segment of a POSIX path. */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}
