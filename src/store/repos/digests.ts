import type { Digest, DigestSummary } from '../../advisories/digest/index.ts';
import type { Queryable, Tx } from '../db.ts';

export type DeliveryState = 'pending' | 'delivered' | 'failed';
export type DeliveryKind = 'webhook' | 'slack' | 'github-issue';

export interface DigestRecord {
  id: number;
  project: string;
  previousId: number;
  contentId: string;
  generatedAt: Date;
  since: Date | null;
  empty: boolean;
  summary: DigestSummary;
  snapshotDigest: string;
}

export interface DeliveryRecord {
  digestId: number;
  destination: string;
  kind: DeliveryKind;
  idempotencyKey: string;
  state: DeliveryState;
  attempts: number;
  lastError: { code: string; message: string } | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  receipt: Record<string, unknown> | null;
}

interface DigestRow {
  id: number;
  project: string;
  previous_id: number;
  content_id: string;
  generated_at: Date;
  since: Date | null;
  empty: boolean;
  summary: DigestSummary;
  snapshot_digest: string;
}

const DIGEST_COLUMNS =
  'id, project, previous_id, content_id, generated_at, since, empty, summary, snapshot_digest';

/** The project's newest digest: the next one compares against its snapshot. */
export async function latestDigest(q: Queryable, project: string): Promise<DigestRecord | undefined> {
  const result = await q.query<DigestRow>(
    `SELECT ${DIGEST_COLUMNS} FROM digests WHERE project = $1 ORDER BY id DESC LIMIT 1`,
    [project],
  );
  return result.rows[0] && toDigest(result.rows[0]);
}

/** Records a digest; fails with a unique violation when another run already recorded one after `previousId`. */
export async function insertDigest(
  tx: Tx,
  d: { project: string; previousId: number; document: Digest; empty: boolean; snapshotDigest: string },
): Promise<number> {
  const result = await tx.query<{ id: number }>(
    `INSERT INTO digests (project, previous_id, content_id, generated_at, since, empty, summary, document, snapshot_digest)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      d.project,
      d.previousId,
      d.document.id,
      new Date(d.document.generatedAt),
      d.document.since ? new Date(d.document.since) : null,
      d.empty,
      JSON.stringify(d.document.summary),
      JSON.stringify(d.document),
      d.snapshotDigest,
    ],
  );
  return Number(result.rows[0]!.id);
}

export async function findDigest(
  q: Queryable,
  id: number,
): Promise<(DigestRecord & { document: Digest }) | undefined> {
  const result = await q.query<DigestRow & { document: Digest }>(
    `SELECT ${DIGEST_COLUMNS}, document FROM digests WHERE id = $1`,
    [id],
  );
  const row = result.rows[0];
  return row && { ...toDigest(row), document: row.document };
}

export interface DigestFilter {
  /** Only these projects (a scoped credential); undefined: every project. */
  projects?: readonly string[];
  project?: string;
  /** Keyset pagination: digests with an id below this. */
  beforeId?: number;
  limit: number;
}

/** Newest first, without their documents. */
export async function listDigests(q: Queryable, filter: DigestFilter): Promise<DigestRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.projects) add('project = ANY(?::text[])', filter.projects);
  if (filter.project !== undefined) add('project = ?', filter.project);
  if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
  params.push(filter.limit);
  const result = await q.query<DigestRow>(
    `SELECT ${DIGEST_COLUMNS} FROM digests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(toDigest);
}

export async function insertDelivery(
  tx: Tx,
  d: { digestId: number; destination: string; kind: DeliveryKind; idempotencyKey: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO digest_deliveries (digest_id, destination, kind, idempotency_key, state)
     VALUES ($1, $2, $3, $4, 'pending')`,
    [d.digestId, d.destination, d.kind, d.idempotencyKey],
  );
}

interface DeliveryRow {
  digest_id: number;
  destination: string;
  kind: DeliveryKind;
  idempotency_key: string;
  state: DeliveryState;
  attempts: number;
  last_error: { code: string; message: string } | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  receipt: Record<string, unknown> | null;
}

const DELIVERY_COLUMNS =
  'digest_id, destination, kind, idempotency_key, state, attempts, last_error, last_attempt_at, delivered_at, receipt';

export async function findDelivery(
  q: Queryable,
  digestId: number,
  destination: string,
  forUpdate = false,
): Promise<DeliveryRecord | undefined> {
  const result = await q.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM digest_deliveries WHERE digest_id = $1 AND destination = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [digestId, destination],
  );
  return result.rows[0] && toDelivery(result.rows[0]);
}

export async function listDeliveries(q: Queryable, digestIds: readonly number[]): Promise<DeliveryRecord[]> {
  if (digestIds.length === 0) return [];
  const result = await q.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM digest_deliveries WHERE digest_id = ANY($1::bigint[]) ORDER BY digest_id, destination`,
    [digestIds],
  );
  return result.rows.map(toDelivery);
}

/** Counts an attempt that failed; `final` marks the delivery failed for good (the job gave up). */
export async function recordDeliveryFailure(
  q: Queryable,
  digestId: number,
  destination: string,
  error: { code: string; message: string },
  at: Date,
  final: boolean,
): Promise<void> {
  await q.query(
    `UPDATE digest_deliveries SET attempts = attempts + 1, last_error = $3, last_attempt_at = $4,
       state = CASE WHEN $5 THEN 'failed' ELSE state END
     WHERE digest_id = $1 AND destination = $2 AND state <> 'delivered'`,
    [digestId, destination, JSON.stringify(error), at, final],
  );
}

export async function markDelivered(
  tx: Tx,
  digestId: number,
  destination: string,
  receipt: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE digest_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = $3,
       delivered_at = $3, receipt = $4
     WHERE digest_id = $1 AND destination = $2`,
    [digestId, destination, at, JSON.stringify(receipt)],
  );
}

export interface ApprovedRelease {
  id: string;
  project: string;
  version: string;
  approvedAt: Date;
}

/**
 * Approved releases (approved at or after `approvedSince` when given), with when they were approved: the
 * time of their move to `approved` in the release's events.
 */
export async function listApprovedReleases(
  q: Queryable,
  options: { approvedSince?: Date; limit: number },
): Promise<ApprovedRelease[]> {
  const result = await q.query<{ id: string; project: string; version: string; approved_at: Date }>(
    `SELECT r.id, r.project, r.version, max(e.at) AS approved_at
       FROM releases r
       JOIN release_events e ON e.release_id = r.id AND e.type = 'state' AND e.data->>'to' = 'approved'
      WHERE r.state = 'approved'
      GROUP BY r.id, r.project, r.version
     HAVING $1::timestamptz IS NULL OR max(e.at) >= $1::timestamptz
      ORDER BY r.project, r.id
      LIMIT $2`,
    [options.approvedSince ?? null, options.limit],
  );
  return result.rows.map((r) => ({
    id: r.id,
    project: r.project,
    version: r.version,
    approvedAt: r.approved_at,
  }));
}

function toDigest(row: DigestRow): DigestRecord {
  return {
    id: Number(row.id),
    project: row.project,
    previousId: Number(row.previous_id),
    contentId: row.content_id,
    generatedAt: row.generated_at,
    since: row.since,
    empty: row.empty,
    summary: row.summary,
    snapshotDigest: row.snapshot_digest,
  };
}

function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    digestId: Number(row.digest_id),
    destination: row.destination,
    kind: row.kind,
    idempotencyKey: row.idempotency_key,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    deliveredAt: row.delivered_at,
    receipt: row.receipt,
  };
}

/** Projects that have had a digest: a project whose releases all left the watch still gets its last one. */
export async function listDigestProjects(q: Queryable): Promise<string[]> {
  const result = await q.query<{ project: string }>('SELECT DISTINCT project FROM digests ORDER BY project');
  return result.rows.map((r) => r.project);
}
