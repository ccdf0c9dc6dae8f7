import { isRaygateError, describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { Db, Tx } from '../store/db.ts';
import { getDocument, putDocument } from '../store/documents.ts';
import { countEvidenceParts, insertEvidencePart } from '../store/repos/release-evidence.ts';
import { appendReleaseEvent } from '../store/repos/release-events.ts';
import {
  findRelease,
  listArtifacts,
  listReleaseDocuments,
  setArtifactSbom,
  type ReleaseDocumentRecord,
  type ReleaseRecord,
} from '../store/repos/releases.ts';
import { systemActor } from './actor.ts';
import { evaluateRelease } from './evaluation.ts';
import {
  collectArtifactEvidence,
  CYCLONEDX_JSON,
  type ArtifactPart,
  type UploadedDocument,
} from './evidence/collect-artifact.ts';
import { collectLockFileEvidence } from './evidence/collect-lock-files.ts';
import { collectRayEvidence } from './evidence/collect-ray.ts';
import type { EvidenceEnvironment } from './evidence/environment.ts';
import { PARTS } from './evidence/parts.ts';
import { GATE_QUEUES } from './job-names.ts';
import type { JobEnqueuer } from './ports.ts';
import { moveRelease } from './release-moves.ts';

export interface CollectionDeps {
  db: Db;
  jobs: JobEnqueuer;
  env: EvidenceEnvironment;
  log: Logger;
  now: () => Date;
}

/** How a job runs the gate's work: its attempt, and the one transaction that also completes it. */
export interface JobAttempt {
  attempt: number;
  maxAttempts: number;
  commit<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface CollectPayload {
  releaseId: string;
  round: number;
  part: string;
}

const COLLECTOR = systemActor(GATE_QUEUES.collect);
const EVALUATOR = systemActor(GATE_QUEUES.evaluate);

/** Failures that retrying cannot fix: the artifact or document itself is wrong. */
function isPermanent(error: unknown): boolean {
  return (
    isRaygateError(error) &&
    ['usage', 'input', 'not-found', 'limit', 'verification', 'forbidden'].includes(error.kind)
  );
}

/**
 * One part of a release's evidence. The release leaves `pending` when the first part starts. The part is
 * stored in the job's completing transaction, so it is stored exactly once however often the job runs; the
 * part that completes the round queues the evaluation. An artifact that cannot be read (or a registry still
 * unreachable on the last attempt) is stored as a part that says so, so the policy judges the gap instead
 * of the release waiting forever.
 */
export async function collectPart(
  deps: CollectionDeps,
  payload: CollectPayload,
  job: JobAttempt,
): Promise<string> {
  const { db, log } = deps;
  const release = await db.transaction(async (tx) => {
    const found = await findRelease(tx, payload.releaseId, true);
    if (!found || !stillCollecting(found, payload.round)) return undefined;
    if (found.state === 'pending') {
      return moveRelease(tx, found, 'evaluating', {
        actor: COLLECTOR,
        reason: 'collecting evidence',
        now: deps.now(),
      });
    }
    return found;
  });
  if (!release) return 'skipped: the release is decided or this round is stale';

  let content: unknown;
  let generatedSbom: { n: number; bytes: Uint8Array } | undefined;
  try {
    ({ content, generatedSbom } = await gather(deps, release, payload.part));
  } catch (error) {
    if (!isPermanent(error) && job.attempt < job.maxAttempts) throw error;
    log.warn('evidence part could not be collected; recording the gap', {
      release: release.id,
      part: payload.part,
      error,
    });
    content = await failedPart(db, release, payload.part, error);
  }

  return job.commit(async (tx) => {
    const current = await findRelease(tx, release.id, true);
    if (!current || !stillCollecting(current, payload.round)) return 'skipped: decided meanwhile';
    const now = deps.now();
    if (generatedSbom) {
      const stored = await putDocument(tx, CYCLONEDX_JSON, generatedSbom.bytes);
      await setArtifactSbom(tx, release.id, generatedSbom.n, stored.digest);
    }
    await insertEvidencePart(tx, release.id, payload.round, { part: payload.part, content }, now);
    await appendReleaseEvent(tx, release.id, 'evidence', { part: payload.part, round: payload.round }, now);
    const collected = await countEvidenceParts(tx, release.id, payload.round);
    if (collected >= current.expectedParts) {
      await deps.jobs.enqueue(
        {
          queue: GATE_QUEUES.evaluate,
          payload: { releaseId: release.id, round: payload.round },
          idempotencyKey: `evaluate:${release.id}:${payload.round}`,
        },
        tx,
      );
    }
    return `${payload.part}: ${collected} of ${current.expectedParts} parts`;
  });
}

function stillCollecting(release: ReleaseRecord, round: number): boolean {
  return round === release.evidenceRound && (release.state === 'pending' || release.state === 'evaluating');
}

async function gather(
  deps: CollectionDeps,
  release: ReleaseRecord,
  part: string,
): Promise<{ content: unknown; generatedSbom?: { n: number; bytes: Uint8Array } }> {
  const documents = await listReleaseDocuments(deps.db, release.id);
  const match = /^artifact:(\d+)$/.exec(part);
  if (match) {
    const n = Number(match[1]);
    const artifact = (await listArtifacts(deps.db, release.id)).find((a) => a.n === n);
    if (!artifact) throw new Error(`release ${release.id} has no artifact ${n}`);
    const own = documents.filter((d) => d.artifact === n);
    const sbom = own.find((d) => d.role === 'sbom');
    const collected = await collectArtifactEvidence(deps.env, {
      artifact,
      ...(sbom ? { sbom: await load(deps.db, sbom) } : {}),
      bundles: await Promise.all(own.filter((d) => d.role === 'bundle').map((d) => load(deps.db, d))),
    });
    return {
      content: collected.part,
      ...(collected.generatedSbom ? { generatedSbom: { n, bytes: collected.generatedSbom } } : {}),
    };
  }
  if (part === PARTS.lockFiles) {
    const files = await Promise.all(
      documents.filter((d) => d.role === 'lock-file').map((d) => load(deps.db, d)),
    );
    return { content: await collectLockFileEvidence(files, deps.env.packageIndex()) };
  }
  if (part === PARTS.ray) {
    const files = await Promise.all(
      documents.filter((d) => d.role === 'manifest').map((d) => load(deps.db, d)),
    );
    return { content: { ray: await collectRayEvidence(files) } };
  }
  throw new Error(`unknown evidence part ${part}`);
}

async function load(db: Db, document: ReleaseDocumentRecord): Promise<UploadedDocument> {
  const stored = await getDocument(db, document.digest);
  return { name: document.name, digest: document.digest, bytes: stored.content };
}

/** The part stored when collection failed for good: what is known, and why the rest is missing. */
async function failedPart(db: Db, release: ReleaseRecord, part: string, error: unknown): Promise<unknown> {
  const problem = {
    code: isRaygateError(error) ? error.code : 'GATE_EVIDENCE_FAILED',
    message: describeError(error),
  };
  const match = /^artifact:(\d+)$/.exec(part);
  if (match) {
    const artifact = (await listArtifacts(db, release.id)).find((a) => a.n === Number(match[1]));
    const content: ArtifactPart = {
      artifact: {
        kind: artifact?.kind ?? 'file',
        name: artifact?.name ?? part,
        digest: artifact?.digest ?? '',
        ...(artifact?.reference ? { reference: artifact.reference } : {}),
        attestations: [],
      },
      problems: [problem],
    };
    return content;
  }
  if (part === PARTS.lockFiles) {
    const documents = (await listReleaseDocuments(db, release.id)).filter((d) => d.role === 'lock-file');
    return {
      lockFiles: documents.map((d) => ({
        path: d.name,
        digest: d.digest,
        requirements: [],
        findings: [],
        hashCoverage: 'not-applicable',
        unreadable: problem,
      })),
      dependencies: [],
    };
  }
  return {
    ray: { rules: [], files: [], findings: [], verdicts: [], problems: [{ ...problem, severity: 'error' }] },
  };
}

export interface EvaluatePayload {
  releaseId: string;
  round: number;
}

/** Every part of a round is in: the first decision about the release. */
export async function evaluateCollected(
  deps: CollectionDeps,
  payload: EvaluatePayload,
  job: Pick<JobAttempt, 'commit'>,
): Promise<string> {
  return job.commit(async (tx) => {
    const release = await findRelease(tx, payload.releaseId, true);
    if (!release || release.state !== 'evaluating' || release.evidenceRound !== payload.round) {
      return 'skipped: the release is not waiting for this evaluation';
    }
    const collected = await countEvidenceParts(tx, release.id, payload.round);
    if (collected < release.expectedParts) return `skipped: ${collected} of ${release.expectedParts} parts`;
    const evaluated = await evaluateRelease(tx, deps, release, 'evidence', EVALUATOR, deps.now());
    return `${evaluated.decision.verdict}: ${evaluated.release.state}`;
  });
}
