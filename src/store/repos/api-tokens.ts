import type { Queryable, Tx } from '../db.ts';

export type Role = 'viewer' | 'submitter' | 'approver' | 'admin';

export interface ApiTokenRecord {
  id: string;
  name: string;
  tokenHint: string;
  role: Role;
  /** null: every project. */
  projects: string[] | null;
  /** Approval roles its holder has (`security`, `release-manager`), for policies' approvals rules. */
  approvalRoles: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  token_hint: string;
  role: Role;
  projects: string[] | null;
  approval_roles: string[];
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const COLUMNS =
  'id, name, token_hint, role, projects, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at, approval_roles';

export async function insertApiToken(tx: Tx, record: ApiTokenRecord, tokenHash: string): Promise<void> {
  await tx.query(
    `INSERT INTO api_tokens (${COLUMNS}, token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      record.id,
      record.name,
      record.tokenHint,
      record.role,
      record.projects,
      record.createdBy,
      record.createdAt,
      record.expiresAt,
      record.revokedAt,
      record.revokedBy,
      record.lastUsedAt,
      record.approvalRoles,
      tokenHash,
    ],
  );
}

export async function findApiTokenByHash(
  q: Queryable,
  tokenHash: string,
): Promise<ApiTokenRecord | undefined> {
  const result = await q.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [
    tokenHash,
  ]);
  return result.rows[0] && toRecord(result.rows[0]);
}

export async function findApiToken(
  q: Queryable,
  id: string,
  forUpdate = false,
): Promise<ApiTokenRecord | undefined> {
  const result = await q.query<TokenRow>(
    `SELECT ${COLUMNS} FROM api_tokens WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0] && toRecord(result.rows[0]);
}

export async function listApiTokens(q: Queryable): Promise<ApiTokenRecord[]> {
  const result = await q.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
  return result.rows.map(toRecord);
}

export async function countApiTokens(q: Queryable): Promise<number> {
  const result = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM api_tokens');
  return result.rows[0]?.n ?? 0;
}

export async function markApiTokenRevoked(tx: Tx, id: string, revokedBy: string, at: Date): Promise<void> {
  await tx.query('UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [id, at, revokedBy]);
}

/** Records use, at most once per `minIntervalMs`, so authenticating reads does not write on every request. */
export async function touchApiToken(
  q: Queryable,
  id: string,
  at: Date,
  minIntervalMs: number,
): Promise<void> {
  await q.query(
    `UPDATE api_tokens SET last_used_at = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - $3 * interval '1 millisecond')`,
    [id, at, minIntervalMs],
  );
}

function toRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    tokenHint: row.token_hint,
    role: row.role,
    projects: row.projects,
    approvalRoles: row.approval_roles ?? [],
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    lastUsedAt: row.last_used_at,
  };
}
