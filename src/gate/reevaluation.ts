import { getDocument } from '../store/documents.ts';
import { listEvidenceParts, replaceEvidencePart } from '../store/repos/release-evidence.ts';
import { findRelease, listReleaseIdsInState } from '../store/repos/releases.ts';
import { systemActor } from './actor.ts';
import type { CollectionDeps } from './collection.ts';
import { reevaluateRelease } from './evaluation.ts';
import type { ArtifactPart } from './evidence/collect-artifact.ts';
import { assessedWithOtherData, reassessArtifact } from './evidence/reassess.ts';
import { GATE_QUEUES } from './job-names.ts';

const ACTOR = systemActor(GATE_QUEUES.reevaluate);

export interface ReevaluationReport {
  checked: number;
  reassessed: number;
  changed: number;
}

/**
 * Judges every release awaiting approval again at the current time, with the exceptions as they are now
 * (one may have expired, been approved or revoked) and, when the advisory mirror moved to a new
 * generation, with its artifacts assessed again from their stored SBOMs. A release whose outcome did not
 * change gets no new decision; one that is now denied is rejected. Each release is its own transaction.
 */
export async function reevaluateAwaiting(deps: CollectionDeps, limit = 1000): Promise<ReevaluationReport> {
  const { db, env, log } = deps;
  const report: ReevaluationReport = { checked: 0, reassessed: 0, changed: 0 };
  let source;
  try {
    source = await env.advisorySource();
  } catch (error) {
    log.warn('re-evaluation without re-assessment: advisories unavailable', { error });
  }
  for (const id of await listReleaseIdsInState(db, 'awaiting_approval', limit)) {
    report.checked++;
    const release = await findRelease(db, id);
    if (!release) continue;
    const replaced: { part: string; content: ArtifactPart }[] = [];
    if (source) {
      for (const { part, content } of await listEvidenceParts(db, id, release.evidenceRound)) {
        if (!part.startsWith('artifact:')) continue;
        const artifactPart = content as ArtifactPart;
        if (!assessedWithOtherData(artifactPart, source)) continue;
        replaced.push({
          part,
          content: await reassessArtifact(
            artifactPart,
            source,
            async (digest) => (await getDocument(db, digest)).content,
            deps.now(),
          ),
        });
      }
    }
    const changed = await db.transaction(async (tx) => {
      const current = await findRelease(tx, id, true);
      if (
        !current ||
        current.state !== 'awaiting_approval' ||
        current.evidenceRound !== release.evidenceRound
      )
        return false;
      for (const r of replaced) await replaceEvidencePart(tx, id, current.evidenceRound, r);
      return (await reevaluateRelease(tx, deps, current, ACTOR, deps.now())) !== undefined;
    });
    if (replaced.length > 0) report.reassessed++;
    if (changed) report.changed++;
  }
  return report;
}
