import { toReleaseEvidence } from '../policy/adapters/release.ts';
import type { Decision } from '../policy/decision.ts';
import { evaluate } from '../policy/evaluate.ts';
import type { ApprovalEvidence, ReleaseEvidence, SnapshotEvidence } from '../policy/evidence.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { Logger } from '../shared/log.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Tx } from '../store/db.ts';
import { getDocument, putDocument } from '../store/documents.ts';
import { listExceptions } from '../store/repos/exceptions.ts';
import { findDecision, insertDecision, listEvidenceParts } from '../store/repos/release-evidence.ts';
import { appendReleaseEvent } from '../store/repos/release-events.ts';
import { listReviews } from '../store/repos/release-reviews.ts';
import { setReleaseDecision, setReleaseVsaState, type ReleaseRecord } from '../store/repos/releases.ts';
import { readParts, type CollectedParts } from './evidence/parts.ts';
import { exceptionsFor, toExceptionEvidence } from './exception-evidence.ts';
import { summarizeEvidence } from './evidence-summary.ts';
import { GATE_QUEUES } from './job-names.ts';
import { parseStored } from './policy-catalog.ts';
import type { JobEnqueuer } from './ports.ts';
import { moveRelease } from './release-moves.ts';

export const EVIDENCE_MEDIA_TYPE = 'application/vnd.raygate.evidence.v1+json';
export const DECISION_MEDIA_TYPE = 'application/vnd.raygate.decision.v1+json';

/** What caused an evaluation, recorded with the decision. */
export type EvaluationTrigger = 'evidence' | 'approval' | 're-evaluation';

export interface EvaluationDeps {
  jobs: JobEnqueuer;
  log: Logger;
}

export interface Evaluated {
  release: ReleaseRecord;
  decision: Decision;
  decisionId: number;
}

const MAX_EXCEPTIONS = 10_000;

/**
 * Judges a release (locked by the caller's transaction) by its frozen policy over the latest round of
 * evidence, its approvals so far and the exceptions that concern it, at `now`; stores the evidence and the
 * decision (documents named by their digests, so `raygate policy test` can replay them), and moves the
 * release: a denial rejects it, a complete approval approves it (and queues its VSAs), anything else leaves
 * it (or puts it) awaiting approval.
 */
export async function evaluateRelease(
  tx: Tx,
  deps: EvaluationDeps,
  release: ReleaseRecord,
  trigger: EvaluationTrigger,
  actor: string,
  now: Date,
): Promise<Evaluated> {
  const { evidence, decision } = await judgeRelease(tx, release, now, deps.log);
  return recordDecision(tx, deps, release, { evidence, decision }, trigger, actor, now);
}

/**
 * Like evaluateRelease, but records nothing when the outcome is the one already recorded (the same
 * verdict, rules, reasons and exceptions; only the time differs): periodic re-evaluation stays silent
 * until something changed. Returns undefined then.
 */
export async function reevaluateRelease(
  tx: Tx,
  deps: EvaluationDeps,
  release: ReleaseRecord,
  actor: string,
  now: Date,
): Promise<Evaluated | undefined> {
  const judged = await judgeRelease(tx, release, now, deps.log);
  if (release.decisionId !== null) {
    const current = await findDecision(tx, release.decisionId);
    if (current) {
      const before = JSON.parse(
        (await getDocument(tx, current.decisionDigest)).content.toString('utf8'),
      ) as Decision;
      if (sameOutcome(before, judged.decision)) return undefined;
    }
  }
  return recordDecision(tx, deps, release, judged, 're-evaluation', actor, now);
}

function sameOutcome(a: Decision, b: Decision): boolean {
  const strip = (d: Decision) =>
    canonicalJson({ ...d, evaluatedAt: '', inputs: { ...d.inputs, evidence: '' } });
  return strip(a) === strip(b);
}

/** The evidence of a release as it stands and the decision its policy makes over it at `now`. */
export async function judgeRelease(
  tx: Tx,
  release: ReleaseRecord,
  now: Date,
  log?: Logger,
): Promise<{ evidence: ReleaseEvidence; decision: Decision }> {
  const parts = readParts(await listEvidenceParts(tx, release.id, release.evidenceRound));
  const stored = await getDocument(tx, release.policyDocument);
  const policy = parseStored(release.policyName, stored.content.toString('utf8'));
  const approvals: ApprovalEvidence[] = (await listReviews(tx, release.id))
    .filter((r) => r.kind === 'approval')
    .map((r) => ({
      actor: r.actor,
      roles: [...r.roles],
      at: r.at.toISOString(),
      ...(r.comment ? { comment: r.comment } : {}),
    }));
  const candidates = exceptionsFor(
    await listExceptions(tx, { appliesTo: release.project, live: true, limit: MAX_EXCEPTIONS }),
    {
      id: release.id,
      project: release.project,
      version: release.version,
      artifacts: parts.artifacts.map((a) => a.artifact),
    },
  ).map((e) => toExceptionEvidence(e, release));

  let evidence = assemble(release, parts, approvals, candidates, log);
  let decision = evaluate(policy.policy, evidence, { now });
  // An expired exception fails the gate where it would apply; one that covers nothing here is left out.
  const stale = new Set(
    decision.exceptions.filter((e) => e.state === 'expired' && e.matches === 0).map((e) => e.id),
  );
  if (stale.size > 0) {
    evidence = { ...evidence, exceptions: evidence.exceptions.filter((e) => !stale.has(e.id)) };
    decision = evaluate(policy.policy, evidence, { now });
  }
  return { evidence, decision };
}

async function recordDecision(
  tx: Tx,
  deps: EvaluationDeps,
  release: ReleaseRecord,
  { evidence, decision }: { evidence: ReleaseEvidence; decision: Decision },
  trigger: EvaluationTrigger,
  actor: string,
  now: Date,
): Promise<Evaluated> {
  const evidenceDoc = await putDocument(tx, EVIDENCE_MEDIA_TYPE, Buffer.from(canonicalJson(evidence)));
  const decisionDoc = await putDocument(tx, DECISION_MEDIA_TYPE, Buffer.from(canonicalJson(decision)));
  const decisionId = await insertDecision(tx, {
    releaseId: release.id,
    verdict: decision.verdict,
    trigger,
    summary: decision.summary,
    decisionDigest: decisionDoc.digest,
    evidenceDigest: evidenceDoc.digest,
    policyName: release.policyName,
    policyDigest: decision.inputs.policy.digest,
    advisoriesDigest: decision.inputs.advisories?.digest ?? null,
    trustedRootDigest: decision.inputs.trustedRoot?.digest ?? null,
    evidenceSummary: summarizeEvidence(evidence),
    evaluatedAt: now,
  });
  await setReleaseDecision(tx, release.id, decisionId, now);
  await appendReleaseEvent(
    tx,
    release.id,
    'decision',
    { decision: decisionId, verdict: decision.verdict, summary: decision.summary, trigger },
    now,
  );
  await appendAudit(
    tx,
    {
      actor,
      action: 'release.decide',
      subject: { kind: 'release', id: release.id },
      project: release.project,
      details: {
        decision: decisionId,
        verdict: decision.verdict,
        trigger,
        policy: decision.inputs.policy,
        evidence: decision.inputs.evidence,
        ...(decision.inputs.advisories?.digest ? { advisories: decision.inputs.advisories.digest } : {}),
        ...(decision.inputs.trustedRoot ? { trustedRoot: decision.inputs.trustedRoot.digest } : {}),
      },
    },
    now,
  );

  let current: ReleaseRecord = { ...release, decisionId, updatedAt: now };
  const move = (to: ReleaseRecord['state'], reason: string) =>
    moveRelease(tx, current, to, { actor, reason, now, details: { decision: decisionId } });
  if (decision.verdict === 'deny') {
    current = await move('rejected', decision.summary);
  } else {
    if (current.state === 'evaluating') current = await move('awaiting_approval', decision.summary);
    if (decision.verdict === 'allow') {
      current = await move('approved', decision.summary);
      await setReleaseVsaState(tx, release.id, 'pending', now);
      current = { ...current, vsaState: 'pending' };
      await deps.jobs.enqueue(
        {
          queue: GATE_QUEUES.issueVsa,
          payload: { releaseId: release.id },
          idempotencyKey: `vsa:${release.id}`,
        },
        tx,
      );
    }
  }
  return { release: current, decision, decisionId };
}

/** The evidence of a release from its parts, approvals and exceptions. */
export function assemble(
  release: ReleaseRecord,
  parts: CollectedParts,
  approvals: ApprovalEvidence[],
  exceptions: ReleaseEvidence['exceptions'],
  log?: Logger,
): ReleaseEvidence {
  const snapshots: SnapshotEvidence = {};
  const advisories = parts.artifacts.map((a) => a.advisories).filter((a) => a !== undefined);
  if (advisories[0]) {
    snapshots.advisories = advisories[0];
    if (advisories.some((a) => canonicalJson(a) !== canonicalJson(advisories[0]))) {
      log?.warn('artifacts of one release were assessed with different advisory snapshots', {
        release: release.id,
      });
    }
  }
  const trustedRoot = parts.artifacts.map((a) => a.trustedRoot).find((t) => t !== undefined);
  if (trustedRoot) snapshots.trustedRoot = trustedRoot;
  return toReleaseEvidence({
    release: {
      project: release.project,
      version: release.version,
      ...(Object.keys(release.git).length > 0 ? { git: { ...release.git } } : {}),
      submittedBy: release.submittedBy,
      submittedAt: release.submittedAt.toISOString(),
    },
    artifacts: parts.artifacts.map((a) => a.artifact),
    ...(parts.lockFiles
      ? { lockFiles: parts.lockFiles.lockFiles, dependencies: parts.lockFiles.dependencies }
      : {}),
    ...(parts.ray ? { ray: parts.ray.ray } : {}),
    approvals,
    exceptions,
    snapshots,
  });
}
