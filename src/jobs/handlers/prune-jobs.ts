import { pruneFinishedJobs } from '../../store/repos/jobs.ts';
import { defineJobHandler, type JobHandler } from '../job-handler.ts';

export const PRUNE_JOBS_QUEUE = 'maintenance.prune-jobs';

const DAY_MS = 86_400_000;

interface PrunePayload {
  succeededDays: number;
  deadDays: number;
}

/**
 * Deletes finished jobs past their retention. Succeeded jobs go after a week (their idempotency keys go
 * with them); dead-lettered ones stay a month for someone to look at.
 */
export function createPruneJobsHandler(): JobHandler {
  return defineJobHandler<PrunePayload>({
    queue: PRUNE_JOBS_QUEUE,
    description: 'Delete finished jobs past their retention.',
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['succeededDays', 'deadDays'],
      properties: {
        succeededDays: { type: 'integer', minimum: 1, maximum: 3650 },
        deadDays: { type: 'integer', minimum: 1, maximum: 3650 },
      },
    },
    maxAttempts: 3,
    timeoutMs: 5 * 60_000,
    run: (job) =>
      job.commit(async (tx) => ({
        deleted: await pruneFinishedJobs(
          tx,
          job.payload.succeededDays * DAY_MS,
          job.payload.deadDays * DAY_MS,
        ),
      })),
  });
}
