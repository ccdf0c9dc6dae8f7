import type { ErrorKind } from '../shared/errors.ts';

/** The exit codes raygate documents in `--help`; scripts rely on them. */
export const EXIT = {
  ok: 0,
  /** The command worked and found something the user asked it to fail on (findings, policy, pins). */
  findings: 1,
  /** The command line, a target or an input file was wrong. */
  input: 2,
  /** raygate itself failed (a bug, or a service it needs was unreachable). */
  internal: 3,
  /** Waiting for a decision timed out (`gate submit --wait`). */
  timeout: 4,
  /** `verify` found no evidence at all (no signature, no attestation), or could check none. */
  noEvidence: 5,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  findings or a policy failure at or above --fail-on
  2  usage or input error (bad arguments, unreadable or malformed target)
  3  internal error, or a service raygate needs could not be reached
  4  timed out waiting for a decision
  5  no evidence: nothing to verify was found (raygate verify)`;

const BY_KIND: Record<ErrorKind, number> = {
  usage: EXIT.input,
  input: EXIT.input,
  'not-found': EXIT.input,
  unauthorized: EXIT.input,
  forbidden: EXIT.input,
  conflict: EXIT.input,
  limit: EXIT.input,
  verification: EXIT.findings,
  unavailable: EXIT.internal,
  internal: EXIT.internal,
};

export function exitCodeFor(kind: ErrorKind): number {
  return BY_KIND[kind];
}
