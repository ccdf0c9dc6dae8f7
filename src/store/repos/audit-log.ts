import type { AuditEntry } from '../audit-chain.ts';
import type { Queryable, Tx } from '../db.ts';

interface AuditRow {
  seq: number;
  recorded_at: Date;
  actor: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  project: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'seq, recorded_at, actor, action, subject_kind, subject_id, project, details, prev_hash, hash';

/** Locks the chain head until the transaction ends: concurrent appenders (any replica) queue here. */
export async function lockAuditHead(tx: Tx): Promise<{ seq: number; hash: string }> {
  const result = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head FOR UPDATE');
  const head = result.rows[0];
  if (!head) throw new Error('audit_head row is missing (migration 0001 not applied?)');
  return head;
}

export async function readAuditHead(q: Queryable): Promise<{ seq: number; hash: string }> {
  const result = await q.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head');
  return result.rows[0] ?? { seq: -1, hash: '' };
}

export async function insertAuditEntry(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.query(`INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
    entry.seq,
    entry.recordedAt,
    entry.actor,
    entry.action,
    entry.subjectKind,
    entry.subjectId,
    entry.project,
    JSON.stringify(entry.details),
    entry.prevHash,
    entry.hash,
  ]);
  await tx.query('UPDATE audit_head SET seq = $1, hash = $2', [entry.seq, entry.hash]);
}

export interface AuditQuery {
  afterSeq?: number;
  limit: number;
  subject?: { kind: string; id: string };
  project?: string;
}

/** Entries in chain order, a page at a time. */
export async function listAuditEntries(q: Queryable, query: AuditQuery): Promise<AuditEntry[]> {
  const where = ['seq > $1'];
  const params: unknown[] = [query.afterSeq ?? 0];
  if (query.subject) {
    params.push(query.subject.kind, query.subject.id);
    where.push(`subject_kind = $${params.length - 1} AND subject_id = $${params.length}`);
  }
  if (query.project !== undefined) {
    params.push(query.project);
    where.push(`project = $${params.length}`);
  }
  params.push(query.limit);
  const result = await q.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(toEntry);
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    recordedAt: row.recorded_at,
    actor: row.actor,
    action: row.action,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    project: row.project,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
