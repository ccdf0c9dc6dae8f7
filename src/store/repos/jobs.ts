import type { Queryable } from '../db.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'dead';

export interface NewJob {
  queue: string;
  payload: unknown;
  idempotencyKey: string | null;
  maxAttempts: number;
  delayMs: number;
}

/** A job as a worker holds it after claiming. */
export interface ClaimedJob {
  id: number;
  queue: string;
  payload: unknown;
  idempotencyKey: string | null;
  attempt: number;
  maxAttempts: number;
  leaseToken: string;
}

export interface JobRecord {
  id: number;
  queue: string;
  payload: unknown;
  idempotencyKey: string | null;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

/** Inserts a job, or finds the one already enqueued with the same queue and idempotency key. */
export async function insertJob(q: Queryable, job: NewJob): Promise<{ id: number; created: boolean }> {
  const inserted = await q.query<{ id: number }>(
    `INSERT INTO jobs (queue, payload, idempotency_key, state, max_attempts, run_at)
     VALUES ($1, $2, $3, 'queued', $4, now() + $5 * interval '1 millisecond')
     ON CONFLICT (queue, idempotency_key) DO NOTHING
     RETURNING id`,
    [job.queue, JSON.stringify(job.payload), job.idempotencyKey, job.maxAttempts, job.delayMs],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await q.query<{ id: number }>(
    'SELECT id FROM jobs WHERE queue = $1 AND idempotency_key = $2',
    [job.queue, job.idempotencyKey],
  );
  if (!existing.rows[0]) throw new Error(`job ${job.queue}/${job.idempotencyKey} neither inserted nor found`);
  return { id: existing.rows[0].id, created: false };
}

/**
 * Claims up to `limit` due jobs of `queues` for `owner`: queued ones whose time has come, and running ones
 * whose lease expired (their worker died) with attempts left. SKIP LOCKED lets replicas claim side by side
 * without waiting on each other or taking the same row. Each claim gets a fresh lease token.
 */
export async function claimJobs(
  q: Queryable,
  queues: readonly string[],
  limit: number,
  owner: string,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  const result = await q.query<{
    id: number;
    queue: string;
    payload: unknown;
    idempotency_key: string | null;
    attempts: number;
    max_attempts: number;
    lease_token: string;
  }>(
    `WITH next AS (
       SELECT id FROM jobs
        WHERE queue = ANY($1::text[])
          AND ((state = 'queued' AND run_at <= now())
            OR (state = 'running' AND lease_expires_at <= now() AND attempts < max_attempts))
        ORDER BY run_at, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
     UPDATE jobs AS j
        SET state = 'running',
            attempts = j.attempts + 1,
            lease_owner = $3,
            lease_token = gen_random_uuid()::text,
            lease_expires_at = now() + $4 * interval '1 millisecond',
            started_at = coalesce(j.started_at, now()),
            last_error = CASE WHEN j.state = 'running'
                              THEN 'lease of ' || coalesce(j.lease_owner, '?') || ' expired' ELSE j.last_error END
       FROM next
      WHERE j.id = next.id
     RETURNING j.id, j.queue, j.payload, j.idempotency_key, j.attempts, j.max_attempts, j.lease_token`,
    [queues, limit, owner, leaseMs],
  );
  return result.rows.map((r) => ({
    id: r.id,
    queue: r.queue,
    payload: r.payload,
    idempotencyKey: r.idempotency_key,
    attempt: r.attempts,
    maxAttempts: r.max_attempts,
    leaseToken: r.lease_token,
  }));
}

/** Dead-letters running jobs whose lease expired on their last attempt (a job that keeps killing workers). */
export async function buryExpiredJobs(q: Queryable): Promise<number> {
  const result = await q.query(
    `UPDATE jobs SET state = 'dead', finished_at = now(),
            last_error = 'lease of ' || coalesce(lease_owner, '?') || ' expired on the last attempt', ${CLEAR_LEASE}
      WHERE state = 'running' AND lease_expires_at <= now() AND attempts >= max_attempts`,
  );
  return result.rowCount;
}

/** Renews a lease; false when it was lost (expired and claimed by another worker, or released). */
export async function extendJobLease(
  q: Queryable,
  id: number,
  token: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await q.query(
    `UPDATE jobs SET lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND lease_token = $2 AND state = 'running'`,
    [id, token, leaseMs],
  );
  return result.rowCount === 1;
}

/** Marks the job done if `token` still holds it; false means another worker owns it now (fenced out). */
export async function completeJob(
  q: Queryable,
  id: number,
  token: string,
  result: unknown,
): Promise<boolean> {
  const updated = await q.query(
    `UPDATE jobs SET state = 'succeeded', finished_at = now(), result = $3, ${CLEAR_LEASE}
      WHERE id = $1 AND lease_token = $2 AND state = 'running'`,
    [id, token, result === undefined ? null : JSON.stringify(result)],
  );
  return updated.rowCount === 1;
}

/**
 * Records a failed attempt: back to the queue after `retryDelayMs`, or dead when attempts are used up or
 * `permanent`. Returns the new state, or undefined when the lease was lost.
 */
export async function failJob(
  q: Queryable,
  id: number,
  token: string,
  error: string,
  retryDelayMs: number,
  permanent: boolean,
): Promise<JobState | undefined> {
  const result = await q.query<{ state: JobState }>(
    `UPDATE jobs
        SET state = CASE WHEN $5::boolean OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
            finished_at = CASE WHEN $5::boolean OR attempts >= max_attempts THEN now() END,
            run_at = now() + $4 * interval '1 millisecond',
            last_error = $3, ${CLEAR_LEASE}
      WHERE id = $1 AND lease_token = $2 AND state = 'running'
     RETURNING state`,
    [id, token, error, retryDelayMs, permanent],
  );
  return result.rows[0]?.state;
}

/** Gives a claimed job back untouched (graceful shutdown): queued now, the attempt not counted. */
export async function releaseJob(q: Queryable, id: number, token: string): Promise<boolean> {
  const result = await q.query(
    `UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), run_at = now(), ${CLEAR_LEASE}
      WHERE id = $1 AND lease_token = $2 AND state = 'running'`,
    [id, token],
  );
  return result.rowCount === 1;
}

export async function findJob(q: Queryable, id: number): Promise<JobRecord | undefined> {
  const result = await q.query<{
    id: number;
    queue: string;
    payload: unknown;
    idempotency_key: string | null;
    state: JobState;
    attempts: number;
    max_attempts: number;
    run_at: Date;
    lease_owner: string | null;
    lease_expires_at: Date | null;
    last_error: string | null;
    result: unknown;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
  }>(
    `SELECT id, queue, payload, idempotency_key, state, attempts, max_attempts, run_at, lease_owner,
            lease_expires_at, last_error, result, created_at, started_at, finished_at
       FROM jobs WHERE id = $1`,
    [id],
  );
  const r = result.rows[0];
  return (
    r && {
      id: r.id,
      queue: r.queue,
      payload: r.payload,
      idempotencyKey: r.idempotency_key,
      state: r.state,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      runAt: r.run_at,
      leaseOwner: r.lease_owner,
      leaseExpiresAt: r.lease_expires_at,
      lastError: r.last_error,
      result: r.result,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }
  );
}

export interface QueueDepth {
  queue: string;
  state: JobState;
  count: number;
}

/** Jobs per queue and state, for metrics. Finished jobs are counted too until they are pruned. */
export async function countJobs(q: Queryable): Promise<QueueDepth[]> {
  const result = await q.query<QueueDepth>(
    'SELECT queue, state, count(*)::int AS count FROM jobs GROUP BY queue, state ORDER BY queue, state',
  );
  return result.rows;
}

/** Deletes succeeded jobs finished more than `succeededMs` ago and dead ones more than `deadMs` ago. */
export async function pruneFinishedJobs(q: Queryable, succeededMs: number, deadMs: number): Promise<number> {
  const result = await q.query(
    `DELETE FROM jobs
      WHERE (state = 'succeeded' AND finished_at < now() - $1 * interval '1 millisecond')
         OR (state = 'dead' AND finished_at < now() - $2 * interval '1 millisecond')`,
    [succeededMs, deadMs],
  );
  return result.rowCount;
}
