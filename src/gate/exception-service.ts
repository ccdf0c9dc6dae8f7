import { randomBytes } from 'node:crypto';
import { parsePurl } from '../shared/purl.ts';
import { RaygateError } from '../shared/errors.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Db, Tx } from '../store/db.ts';
import {
  findException,
  insertException,
  listExceptions,
  markExceptionApproved,
  markExceptionRevoked,
  type ExceptionFilter,
  type ExceptionRecord,
  type ExceptionScopeRecord,
} from '../store/repos/exceptions.ts';
import { findRelease } from '../store/repos/releases.ts';
import type { Actor } from './actor.ts';
import { exceptionNotFound, releaseNotFound } from './errors.ts';
import { GATE_QUEUES } from './job-names.ts';
import type { JobEnqueuer } from './ports.ts';
import { checkExceptionApprover } from './separation-of-duties.ts';

export interface NewException {
  /** The project it applies to; every project when absent (needs an unscoped admin). */
  project?: string;
  scope: ExceptionScopeRecord;
  rules?: string[];
  reason: string;
  owner: string;
  expiresAt: Date;
}

export interface ExceptionServiceDeps {
  db: Db;
  jobs: JobEnqueuer;
  now: () => Date;
}

/** The longest an exception may last: an accepted risk is reviewed at least this often. */
export const MAX_EXCEPTION_DAYS = 366;

/**
 * Exceptions: accepted risks with a scope, a reason, an owner and an expiry. An admin records one; another
 * admin approves it (until then it covers nothing); either may revoke it. Each change is audited and
 * makes the releases awaiting approval be judged again at once.
 */
export class ExceptionService {
  readonly #deps: ExceptionServiceDeps;

  constructor(deps: ExceptionServiceDeps) {
    this.#deps = deps;
  }

  async create(actor: Actor, request: NewException): Promise<ExceptionRecord> {
    const { db, now: clock } = this.#deps;
    const now = clock();
    checkScope(request.scope);
    if (request.expiresAt.getTime() <= now.getTime()) {
      throw new RaygateError('GATE_EXCEPTION_INVALID', 'input', 'An exception must expire in the future.');
    }
    if (request.expiresAt.getTime() - now.getTime() > MAX_EXCEPTION_DAYS * 86_400_000) {
      throw new RaygateError(
        'GATE_EXCEPTION_INVALID',
        'input',
        `An exception lasts at most ${MAX_EXCEPTION_DAYS} days; renew it when it expires.`,
      );
    }
    return db.transaction(async (tx) => {
      let project = request.project ?? null;
      if (request.scope.kind === 'release') {
        const release = await findRelease(tx, request.scope.releaseId);
        if (!release) throw releaseNotFound(request.scope.releaseId);
        if (project !== null && project !== release.project) {
          throw new RaygateError(
            'GATE_EXCEPTION_INVALID',
            'input',
            `Release ${release.id} belongs to ${release.project}, not ${project}.`,
          );
        }
        project = release.project;
      }
      const record: ExceptionRecord = {
        id: `exc_${randomBytes(9).toString('base64url')}`,
        project,
        scope: request.scope,
        rules: [...new Set(request.rules ?? [])].sort(),
        reason: request.reason,
        owner: request.owner,
        expiresAt: request.expiresAt,
        createdBy: actor.id,
        createdAt: now,
        approvedBy: null,
        approvedAt: null,
        revokedBy: null,
        revokedAt: null,
      };
      await insertException(tx, record);
      await appendAudit(
        tx,
        {
          actor: actor.id,
          action: 'exception.create',
          subject: { kind: 'exception', id: record.id },
          ...(project ? { project } : {}),
          details: {
            scope: record.scope,
            rules: record.rules,
            reason: record.reason,
            owner: record.owner,
            expiresAt: record.expiresAt.toISOString(),
          },
        },
        now,
      );
      return record;
    });
  }

  async approve(actor: Actor, id: string): Promise<ExceptionRecord> {
    return this.#change(id, 'approve', actor, async (tx, record, now) => {
      if (record.approvedBy !== null) {
        throw new RaygateError(
          'GATE_EXCEPTION_ALREADY_APPROVED',
          'conflict',
          `Exception ${id} is already approved.`,
        );
      }
      checkExceptionApprover(record, actor.id);
      if (record.expiresAt.getTime() <= now.getTime()) {
        throw new RaygateError(
          'GATE_EXCEPTION_EXPIRED',
          'conflict',
          `Exception ${id} has expired; record a new one.`,
        );
      }
      await markExceptionApproved(tx, id, actor.id, now);
      return { ...record, approvedBy: actor.id, approvedAt: now };
    });
  }

  async revoke(actor: Actor, id: string): Promise<ExceptionRecord> {
    return this.#change(id, 'revoke', actor, async (tx, record, now) => {
      await markExceptionRevoked(tx, id, actor.id, now);
      return { ...record, revokedBy: actor.id, revokedAt: now };
    });
  }

  async #change(
    id: string,
    action: 'approve' | 'revoke',
    actor: Actor,
    apply: (tx: Tx, record: ExceptionRecord, now: Date) => Promise<ExceptionRecord>,
  ): Promise<ExceptionRecord> {
    const { db, jobs, now: clock } = this.#deps;
    return db.transaction(async (tx) => {
      const record = await findException(tx, id, true);
      if (!record) throw exceptionNotFound(id);
      if (record.revokedAt !== null) {
        throw new RaygateError('GATE_EXCEPTION_REVOKED', 'conflict', `Exception ${id} was revoked.`);
      }
      const now = clock();
      const updated = await apply(tx, record, now);
      await appendAudit(
        tx,
        {
          actor: actor.id,
          action: `exception.${action}`,
          subject: { kind: 'exception', id },
          ...(record.project ? { project: record.project } : {}),
          details: { scope: record.scope, expiresAt: record.expiresAt.toISOString() },
        },
        now,
      );
      await jobs.enqueue(
        {
          queue: GATE_QUEUES.reevaluate,
          payload: { reason: `exception ${id} ${action}d` },
          idempotencyKey: `exception:${id}:${action}`,
        },
        tx,
      );
      return updated;
    });
  }

  async get(id: string): Promise<ExceptionRecord> {
    const record = await findException(this.#deps.db, id);
    if (!record) throw exceptionNotFound(id);
    return record;
  }

  list(filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    return listExceptions(this.#deps.db, filter);
  }
}

function checkScope(scope: ExceptionScopeRecord): void {
  const bad = (message: string) => new RaygateError('GATE_EXCEPTION_INVALID', 'input', message);
  if (
    (scope.kind === 'purl' || (scope.kind === 'advisory' && scope.purl)) &&
    !parsePurl(scope.kind === 'purl' ? scope.purl : scope.purl!)
  ) {
    throw bad('The scope names a package URL that does not parse.');
  }
}

/** Where an exception stands at `now`, for listings. */
export function exceptionStatus(
  record: ExceptionRecord,
  now: Date,
): 'revoked' | 'expired' | 'active' | 'unapproved' {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt.getTime() <= now.getTime()) return 'expired';
  return record.approvedBy ? 'active' : 'unapproved';
}
