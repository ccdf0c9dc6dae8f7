import type { Queryable } from '../db.ts';

export interface UiSessionRecord {
  id: string;
  tokenId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
}

interface SessionRow {
  id: string;
  token_id: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
  user_agent: string | null;
}

const COLUMNS = 'id, token_id, created_at, expires_at, last_seen_at, revoked_at, user_agent';

export async function insertUiSession(
  q: Queryable,
  record: UiSessionRecord,
  secretHash: string,
): Promise<void> {
  await q.query(`INSERT INTO ui_sessions (${COLUMNS}, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    record.id,
    record.tokenId,
    record.createdAt,
    record.expiresAt,
    record.lastSeenAt,
    record.revokedAt,
    record.userAgent,
    secretHash,
  ]);
}

export async function findUiSessionByHash(
  q: Queryable,
  secretHash: string,
): Promise<UiSessionRecord | undefined> {
  const result = await q.query<SessionRow>(`SELECT ${COLUMNS} FROM ui_sessions WHERE secret_hash = $1`, [
    secretHash,
  ]);
  return result.rows[0] && toRecord(result.rows[0]);
}

/** Marks the session revoked; false when it was already revoked (or unknown). */
export async function markUiSessionRevoked(q: Queryable, id: string, at: Date): Promise<boolean> {
  const result = await q.query(
    'UPDATE ui_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
    [id, at],
  );
  return result.rowCount > 0;
}

/** Records activity, at most once per `resolutionMs`, so idle expiry works without a write per request. */
export async function touchUiSession(
  q: Queryable,
  id: string,
  at: Date,
  resolutionMs: number,
): Promise<void> {
  await q.query(
    'UPDATE ui_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $3 AND revoked_at IS NULL',
    [id, at, new Date(at.getTime() - resolutionMs)],
  );
}

/** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
export async function deleteEndedUiSessions(q: Queryable, before: Date): Promise<number> {
  const result = await q.query(
    'DELETE FROM ui_sessions WHERE expires_at < $1 OR (revoked_at IS NOT NULL AND revoked_at < $1)',
    [before],
  );
  return result.rowCount;
}

function toRecord(row: SessionRow): UiSessionRecord {
  return {
    id: row.id,
    tokenId: row.token_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    userAgent: row.user_agent,
  };
}
