/**
 * Every failure a user can act on is a RaygateError with a stable `code` (SCREAMING_SNAKE, part of the
 * public interface: scripts and the API match on it) and a `kind` that the CLI and the API map to an
 * exit code or an HTTP status in one table each. Nothing else in the code base knows about exit codes.
 */
export type ErrorKind =
  | 'usage' // the command line or request is malformed
  | 'input' // the target or a file given is unreadable, malformed or hostile
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'limit' // a size, count, depth or time bound was hit
  | 'unavailable' // a remote service failed or could not be reached
  | 'verification' // a signature, digest or attestation did not verify
  | 'internal';

export interface RaygateErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class RaygateError<C extends string = string> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: C, kind: ErrorKind, message: string, options: RaygateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RaygateError';
    this.code = code;
    this.kind = kind;
    this.details = options.details;
  }
}

export function isRaygateError(value: unknown): value is RaygateError {
  return value instanceof RaygateError;
}

/** A short, user-facing description of anything thrown: its message, never its stack. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
