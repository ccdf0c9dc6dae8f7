import { appendAudit } from '../store/audit-log.ts';
import type { Tx } from '../store/db.ts';
import { appendReleaseEvent } from '../store/repos/release-events.ts';
import { updateReleaseState, type ReleaseRecord } from '../store/repos/releases.ts';
import { assertMove, type ReleaseState } from './state-machine.ts';

/**
 * Moves a locked release to `to` if the state machine allows it (GATE_TRANSITION_INVALID otherwise), with
 * its event for waiting clients and its audit entry, all in the caller's transaction. Returns the release
 * as it now is.
 */
export async function moveRelease(
  tx: Tx,
  release: ReleaseRecord,
  to: ReleaseState,
  move: { actor: string; reason: string; now: Date; details?: Record<string, unknown> },
): Promise<ReleaseRecord> {
  assertMove(release.state, to, release.id);
  await updateReleaseState(tx, release.id, to, move.now);
  await appendReleaseEvent(
    tx,
    release.id,
    'state',
    { from: release.state, to, reason: move.reason },
    move.now,
  );
  await appendAudit(
    tx,
    {
      actor: move.actor,
      action: `release.${to.replace('_', '-')}`,
      subject: { kind: 'release', id: release.id },
      project: release.project,
      details: { from: release.state, to, reason: move.reason, ...move.details },
    },
    move.now,
  );
  return { ...release, state: to, updatedAt: move.now };
}
