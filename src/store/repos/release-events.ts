import type { Queryable, Tx } from '../db.ts';

export interface ReleaseEvent {
  /** 1, 2, 3… per release: the SSE event id a client resumes after. */
  seq: number;
  type: string;
  data: Record<string, unknown>;
  at: Date;
}

/**
 * Appends an event. Callers hold the release's row lock, so numbering is gap-free and never contended; the
 * primary key refuses a duplicate if that ever slips.
 */
export async function appendReleaseEvent(
  tx: Tx,
  releaseId: string,
  type: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<number> {
  const result = await tx.query<{ seq: number }>(
    `INSERT INTO release_events (release_id, seq, type, data, at)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4 FROM release_events WHERE release_id = $1
     RETURNING seq`,
    [releaseId, type, JSON.stringify(data), at],
  );
  return result.rows[0]!.seq;
}

export async function listReleaseEvents(
  q: Queryable,
  releaseId: string,
  afterSeq: number,
  limit: number,
): Promise<ReleaseEvent[]> {
  const result = await q.query<ReleaseEvent>(
    'SELECT seq, type, data, at FROM release_events WHERE release_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [releaseId, afterSeq, limit],
  );
  return result.rows;
}
