import { randomBytes } from 'node:crypto';
import type { GateLimitsConfig } from '../config.ts';
import { RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { appendAudit } from '../store/audit-log.ts';
import { sqlState, UNIQUE_VIOLATION, type Db, type Tx } from '../store/db.ts';
import { putDocument } from '../store/documents.ts';
import { appendReleaseEvent, listReleaseEvents, type ReleaseEvent } from '../store/repos/release-events.ts';
import { insertReview, listReviews } from '../store/repos/release-reviews.ts';
import {
  findRelease,
  findReleaseBySubmission,
  insertArtifacts,
  insertRelease,
  insertReleaseDocuments,
  listReleases,
  type DocumentRole,
  type ReleaseFilter,
  type ReleaseRecord,
} from '../store/repos/releases.ts';
import type { Actor } from './actor.ts';
import { releaseNotFound } from './errors.ts';
import { evaluateRelease, type Evaluated } from './evaluation.ts';
import type { RegistryPolicy } from './evidence/environment.ts';
import { CYCLONEDX_JSON } from './evidence/collect-artifact.ts';
import { PARTS } from './evidence/parts.ts';
import { GATE_QUEUES } from './job-names.ts';
import type { PolicyCatalog } from './policy-catalog.ts';
import type { JobEnqueuer } from './ports.ts';
import { moveRelease } from './release-moves.ts';
import { checkApprover } from './separation-of-duties.ts';
import { assertMove } from './state-machine.ts';
import { checkSubmission, submissionDigest, type Submission, type SubmissionBody } from './submission.ts';

export interface ReleaseServiceDeps {
  db: Db;
  jobs: JobEnqueuer;
  policies: PolicyCatalog;
  registries: RegistryPolicy;
  limits: GateLimitsConfig;
  defaultPolicy: string;
  log: Logger;
  now: () => Date;
}

const MEDIA_TYPES: Record<DocumentRole, string> = {
  sbom: CYCLONEDX_JSON,
  bundle: 'application/vnd.dev.sigstore.bundle+json',
  'lock-file': 'text/plain',
  manifest: 'text/plain',
};

export const POLICY_MEDIA_TYPE = 'application/yaml';

/**
 * Release candidates: submission (stored with its documents, its frozen policy and the jobs that collect
 * its evidence, in one transaction), approvals and rejections (separation of duties checked under the
 * release's row lock, the policy judged again with each approval), and reading. Every change is audited in
 * the transaction that makes it.
 */
export class ReleaseService {
  readonly #deps: ReleaseServiceDeps;

  constructor(deps: ReleaseServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Creates a release candidate, or returns the live one this submitter already created from the same
   * submission (`created: false`): CI may retry a submit safely.
   */
  async submit(actor: Actor, body: SubmissionBody): Promise<{ release: ReleaseRecord; created: boolean }> {
    const { db, policies, registries, limits, defaultPolicy } = this.#deps;
    const submission = checkSubmission(body, { limits, registries, defaultPolicy });
    const policy = await policies.load(submission.policy);
    const digest = submissionDigest(submission, actor.id);
    try {
      return await db.transaction(async (tx) => {
        const existing = await findReleaseBySubmission(tx, submission.project, digest);
        if (existing) return { release: existing, created: false };
        return { release: await this.#create(tx, actor, submission, digest, policy.text), created: true };
      });
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      // The same submission committed concurrently (a retried request racing the first one).
      const existing = await findReleaseBySubmission(db, submission.project, digest);
      if (!existing) throw error;
      return { release: existing, created: false };
    }
  }

  async #create(
    tx: Tx,
    actor: Actor,
    submission: Submission,
    digest: string,
    policyText: string,
  ): Promise<ReleaseRecord> {
    const now = this.#deps.now();
    const policyDocument = await putDocument(tx, POLICY_MEDIA_TYPE, Buffer.from(policyText));
    const documents = [];
    for (const [n, d] of submission.documents.entries()) {
      await putDocument(tx, MEDIA_TYPES[d.role], d.bytes);
      documents.push({ n, role: d.role, artifact: d.artifact, name: d.name, digest: d.digest });
    }
    const parts = [
      ...submission.artifacts.map((_, n) => PARTS.artifact(n)),
      ...(documents.some((d) => d.role === 'lock-file') ? [PARTS.lockFiles] : []),
      ...(documents.some((d) => d.role === 'manifest') ? [PARTS.ray] : []),
    ];
    const release: ReleaseRecord = {
      id: `rel_${randomBytes(12).toString('base64url')}`,
      project: submission.project,
      version: submission.version,
      git: submission.git,
      policyName: submission.policy,
      policyDocument: policyDocument.digest,
      state: 'pending',
      submittedBy: actor.id,
      submitter: actor.description,
      submittedAt: now,
      updatedAt: now,
      submissionDigest: digest,
      evidenceRound: 1,
      expectedParts: parts.length,
      decisionId: null,
      vsaState: 'none',
    };
    await insertRelease(tx, release);
    await insertArtifacts(
      tx,
      release.id,
      submission.artifacts.map((a, n) => ({ n, ...a, sbomDigest: null })),
    );
    await insertReleaseDocuments(tx, release.id, documents);
    await appendReleaseEvent(
      tx,
      release.id,
      'state',
      { from: null, to: 'pending', reason: 'submitted' },
      now,
    );
    await appendAudit(
      tx,
      {
        actor: actor.id,
        action: 'release.submit',
        subject: { kind: 'release', id: release.id },
        project: release.project,
        details: {
          version: release.version,
          policy: { name: release.policyName, document: release.policyDocument },
          artifacts: submission.artifacts.map((a) => ({ kind: a.kind, name: a.name, digest: a.digest })),
          documents: documents.map((d) => ({ role: d.role, name: d.name, digest: d.digest })),
          submission: digest,
        },
      },
      now,
    );
    for (const part of parts) {
      await this.#deps.jobs.enqueue(
        {
          queue: GATE_QUEUES.collect,
          payload: { releaseId: release.id, round: 1, part },
          idempotencyKey: `collect:${release.id}:1:${part}`,
        },
        tx,
      );
    }
    return release;
  }

  /** Records an approval and judges the release again; a complete approval approves it. */
  async approve(actor: Actor, id: string, comment: string): Promise<Evaluated> {
    const { db, now: clock } = this.#deps;
    return db.transaction(async (tx) => {
      const release = await findRelease(tx, id, true);
      if (!release) throw releaseNotFound(id);
      if (release.state !== 'awaiting_approval') assertMove(release.state, 'approved', id);
      checkApprover(release, actor.id, await listReviews(tx, id));
      const now = clock();
      const roles = [...new Set([actor.role, ...actor.approvalRoles])].sort();
      if (!(await insertReview(tx, id, { kind: 'approval', actor: actor.id, roles, comment, at: now }))) {
        throw new RaygateError(
          'GATE_APPROVAL_DUPLICATE',
          'conflict',
          `${actor.id} has already approved ${id}.`,
        );
      }
      await appendReleaseEvent(tx, id, 'approval', { actor: actor.id, roles, comment }, now);
      await appendAudit(
        tx,
        {
          actor: actor.id,
          action: 'release.approve',
          subject: { kind: 'release', id },
          project: release.project,
          details: { roles, comment },
        },
        now,
      );
      return evaluateRelease(tx, this.#deps, release, 'approval', actor.id, now);
    });
  }

  /** Rejects a release that is being evaluated or awaits approval. */
  async reject(actor: Actor, id: string, comment: string): Promise<ReleaseRecord> {
    const { db, now: clock } = this.#deps;
    return db.transaction(async (tx) => {
      const release = await findRelease(tx, id, true);
      if (!release) throw releaseNotFound(id);
      assertMove(release.state, 'rejected', id);
      const now = clock();
      const roles = [...new Set([actor.role, ...actor.approvalRoles])].sort();
      await insertReview(tx, id, { kind: 'rejection', actor: actor.id, roles, comment, at: now });
      await appendReleaseEvent(tx, id, 'rejection', { actor: actor.id, roles, comment }, now);
      return moveRelease(tx, release, 'rejected', {
        actor: actor.id,
        reason: `Rejected by ${actor.id}: ${comment}`,
        now,
        details: { comment },
      });
    });
  }

  async get(id: string): Promise<ReleaseRecord> {
    const release = await findRelease(this.#deps.db, id);
    if (!release) throw releaseNotFound(id);
    return release;
  }

  list(filter: ReleaseFilter): Promise<ReleaseRecord[]> {
    return listReleases(this.#deps.db, filter);
  }

  events(id: string, afterSeq: number, limit = 100): Promise<ReleaseEvent[]> {
    return listReleaseEvents(this.#deps.db, id, afterSeq, limit);
  }
}
