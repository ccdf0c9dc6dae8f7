import { RaygateError } from '../shared/errors.ts';
import type { ReleaseState } from '../store/repos/releases.ts';

export type { ReleaseState };

export const RELEASE_STATES: readonly ReleaseState[] = [
  'pending',
  'evaluating',
  'awaiting_approval',
  'approved',
  'rejected',
];

/**
 * The only moves a release candidate makes. Evidence collection starts it (`pending → evaluating`); the first
 * decision either rejects it or asks for approval; people (or a later decision) approve or reject it. The
 * two end states are final: a rejected candidate is resubmitted as a new one.
 */
const MOVES: Readonly<Record<ReleaseState, readonly ReleaseState[]>> = {
  pending: ['evaluating'],
  evaluating: ['awaiting_approval', 'rejected'],
  awaiting_approval: ['approved', 'rejected'],
  approved: [],
  rejected: [],
};

export function canMove(from: ReleaseState, to: ReleaseState): boolean {
  return MOVES[from].includes(to);
}

/** Throws GATE_TRANSITION_INVALID (409) for any move the machine does not allow. */
export function assertMove(from: ReleaseState, to: ReleaseState, releaseId?: string): void {
  if (canMove(from, to)) return;
  const allowed = MOVES[from];
  throw new RaygateError(
    'GATE_TRANSITION_INVALID',
    'conflict',
    `Release${releaseId ? ` ${releaseId}` : ''} is ${from}; it cannot become ${to}` +
      (allowed.length > 0 ? ` (from ${from} only ${allowed.join(' or ')})` : ` (${from} is final)`) +
      '.',
    { details: { from, to } },
  );
}

export function isFinal(state: ReleaseState): boolean {
  return MOVES[state].length === 0;
}
