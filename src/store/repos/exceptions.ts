import type { Queryable, Tx } from '../db.ts';

export type ExceptionScopeRecord =
  | { kind: 'advisory'; id: string; purl?: string }
  | { kind: 'purl'; purl: string }
  | { kind: 'artifact'; digest: string }
  | { kind: 'release'; releaseId: string };

export interface ExceptionRecord {
  id: string;
  /** null: every project. */
  project: string | null;
  scope: ExceptionScopeRecord;
  /** Policy rule ids it is limited to; empty: every waivable rule. */
  rules: string[];
  reason: string;
  owner: string;
  expiresAt: Date;
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  revokedBy: string | null;
  revokedAt: Date | null;
}

interface ExceptionRow {
  id: string;
  project: string | null;
  scope: ExceptionScopeRecord;
  rules: string[];
  reason: string;
  owner: string;
  expires_at: Date;
  created_by: string;
  created_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  revoked_by: string | null;
  revoked_at: Date | null;
}

const COLUMNS = `id, project, scope, rules, reason, owner, expires_at, created_by, created_at, approved_by,
  approved_at, revoked_by, revoked_at`;

export async function insertException(tx: Tx, e: ExceptionRecord): Promise<void> {
  await tx.query(
    `INSERT INTO exceptions (${COLUMNS}, scope_kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      e.id,
      e.project,
      JSON.stringify(e.scope),
      e.rules,
      e.reason,
      e.owner,
      e.expiresAt,
      e.createdBy,
      e.createdAt,
      e.approvedBy,
      e.approvedAt,
      e.revokedBy,
      e.revokedAt,
      e.scope.kind,
    ],
  );
}

export async function findException(
  q: Queryable,
  id: string,
  forUpdate = false,
): Promise<ExceptionRecord | undefined> {
  const result = await q.query<ExceptionRow>(
    `SELECT ${COLUMNS} FROM exceptions WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0] && toRecord(result.rows[0]);
}

export interface ExceptionFilter {
  /** Only exceptions of these projects, and those for every project (a scoped credential). */
  projects?: readonly string[];
  /** Exceptions that apply to this project: its own and those for every project. */
  appliesTo?: string;
  /** Leave out revoked exceptions. */
  live?: boolean;
  /** Only exceptions in this state at `status.at` (filtered in the query, so pages stay full). */
  status?: { is: 'revoked' | 'expired' | 'active' | 'unapproved'; at: Date };
  limit: number;
  /** Keyset pagination on (createdAt, id), newest first. */
  before?: { createdAt: Date; id: string };
}

export async function listExceptions(q: Queryable, filter: ExceptionFilter): Promise<ExceptionRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.projects) {
    params.push(filter.projects);
    where.push(`(project IS NULL OR project = ANY($${params.length}::text[]))`);
  }
  if (filter.appliesTo !== undefined) {
    params.push(filter.appliesTo);
    where.push(`(project IS NULL OR project = $${params.length})`);
  }
  if (filter.live) where.push('revoked_at IS NULL');
  if (filter.status) {
    if (filter.status.is === 'revoked') where.push('revoked_at IS NOT NULL');
    else {
      params.push(filter.status.at);
      const at = `$${params.length}`;
      where.push('revoked_at IS NULL');
      if (filter.status.is === 'expired') where.push(`expires_at <= ${at}`);
      else {
        where.push(`expires_at > ${at}`);
        where.push(filter.status.is === 'active' ? 'approved_by IS NOT NULL' : 'approved_by IS NULL');
      }
    }
  }
  if (filter.before) {
    params.push(filter.before.createdAt, filter.before.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(filter.limit);
  const result = await q.query<ExceptionRow>(
    `SELECT ${COLUMNS} FROM exceptions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(toRecord);
}

export async function markExceptionApproved(tx: Tx, id: string, actor: string, at: Date): Promise<void> {
  await tx.query('UPDATE exceptions SET approved_by = $2, approved_at = $3 WHERE id = $1', [id, actor, at]);
}

export async function markExceptionRevoked(tx: Tx, id: string, actor: string, at: Date): Promise<void> {
  await tx.query('UPDATE exceptions SET revoked_by = $2, revoked_at = $3 WHERE id = $1', [id, actor, at]);
}

function toRecord(r: ExceptionRow): ExceptionRecord {
  return {
    id: r.id,
    project: r.project,
    scope: r.scope,
    rules: r.rules,
    reason: r.reason,
    owner: r.owner,
    expiresAt: r.expires_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    revokedBy: r.revoked_by,
    revokedAt: r.revoked_at,
  };
}
