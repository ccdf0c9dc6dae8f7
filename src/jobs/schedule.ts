import { PRUNE_JOBS_QUEUE } from './handlers/prune-jobs.ts';
import type { Schedule } from './scheduler.ts';

const HOUR_MS = 3_600_000;

/** The one list of periodic jobs and their intervals. */
export const SCHEDULES: readonly Schedule[] = [
  {
    name: 'prune-jobs',
    queue: PRUNE_JOBS_QUEUE,
    payload: { succeededDays: 7, deadDays: 30 },
    everyMs: 6 * HOUR_MS,
    jitterMs: 10 * 60_000,
    skipIfActive: true,
  },
];
