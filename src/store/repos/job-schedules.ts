import type { Queryable, Tx } from '../db.ts';
import type { JobState } from './jobs.ts';

/** Registers a schedule on first sight; its first run is due after `firstDelayMs`. */
export async function ensureSchedule(q: Queryable, name: string, firstDelayMs: number): Promise<void> {
  await q.query(
    `INSERT INTO job_schedules (name, next_run_at) VALUES ($1, now() + $2 * interval '1 millisecond')
     ON CONFLICT (name) DO NOTHING`,
    [name, firstDelayMs],
  );
}

/**
 * Moves a due schedule's next run `nextDelayMs` ahead and returns the run's bucket (the due time in ms);
 * undefined when not due. The row lock makes exactly one replica win a given run: a concurrent updater
 * waits, then re-checks `next_run_at <= now()` against the winner's new value and matches nothing.
 */
export async function takeDueSchedule(
  tx: Tx,
  name: string,
  nextDelayMs: number,
): Promise<{ dueAtMs: number; lastJobId: number | null; lastJobState: JobState | null } | undefined> {
  const result = await tx.query<{
    due_at_ms: number;
    last_job_id: number | null;
    last_job_state: JobState | null;
  }>(
    `WITH due AS (
       SELECT name, next_run_at, last_job_id FROM job_schedules
        WHERE name = $1 AND next_run_at <= now() FOR UPDATE)
     UPDATE job_schedules AS s
        SET next_run_at = now() + $2 * interval '1 millisecond', last_run_at = now()
       FROM due
      WHERE s.name = due.name
     RETURNING (extract(epoch FROM due.next_run_at) * 1000)::bigint AS due_at_ms, due.last_job_id,
               (SELECT state FROM jobs WHERE id = due.last_job_id) AS last_job_state`,
    [name, nextDelayMs],
  );
  const row = result.rows[0];
  return row && { dueAtMs: row.due_at_ms, lastJobId: row.last_job_id, lastJobState: row.last_job_state };
}

export async function setScheduleLastJob(tx: Tx, name: string, jobId: number): Promise<void> {
  await tx.query('UPDATE job_schedules SET last_job_id = $2 WHERE name = $1', [name, jobId]);
}
