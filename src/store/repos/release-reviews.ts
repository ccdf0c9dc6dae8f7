import type { Queryable, Tx } from '../db.ts';

export type ReviewKind = 'approval' | 'rejection';

export interface ReviewRecord {
  id: number;
  kind: ReviewKind;
  actor: string;
  /** Approval roles (and the credential's role) the actor held when reviewing. */
  roles: string[];
  comment: string;
  at: Date;
}

/** Inserts a review; false when the actor's approval already exists (the unique index refuses a replay). */
export async function insertReview(
  tx: Tx,
  releaseId: string,
  review: Omit<ReviewRecord, 'id'>,
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO release_reviews (release_id, kind, actor, roles, comment, at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (release_id, actor) WHERE kind = 'approval' DO NOTHING`,
    [releaseId, review.kind, review.actor, review.roles, review.comment, review.at],
  );
  return result.rowCount === 1;
}

export async function listReviews(q: Queryable, releaseId: string): Promise<ReviewRecord[]> {
  const result = await q.query<ReviewRecord>(
    'SELECT id, kind, actor, roles, comment, at FROM release_reviews WHERE release_id = $1 ORDER BY id',
    [releaseId],
  );
  return result.rows;
}
