import type { Queryable } from '../store/db.ts';

/**
 * What the gate needs from the job queue (src/jobs/queue.ts implements it): enqueue inside the caller's
 * transaction, so a release and the jobs that collect its evidence commit together or not at all.
 */
export interface JobEnqueuer {
  enqueue(
    request: { queue: string; payload: unknown; idempotencyKey?: string; delayMs?: number },
    q?: Queryable,
  ): Promise<{ id: number; created: boolean }>;
}
