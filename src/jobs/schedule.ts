import { GATE_QUEUES } from '../gate/job-names.ts';
import { DIGEST_QUEUES } from './digest/services.ts';
import { PRUNE_JOBS_QUEUE } from './handlers/prune-jobs.ts';
import type { Schedule } from './scheduler.ts';

const HOUR_MS = 3_600_000;

export interface ScheduleSettings {
  /** `gate.reevaluateEveryMs`. */
  reevaluateEveryMs: number;
  /** `digest.everyMs`; undefined when no digest destination is configured (no digest runs). */
  digestEveryMs?: number;
}

/** The one list of periodic jobs and their intervals. */
export function createSchedules(settings: ScheduleSettings): Schedule[] {
  return [
    {
      name: 'prune-jobs',
      queue: PRUNE_JOBS_QUEUE,
      payload: { succeededDays: 7, deadDays: 30 },
      everyMs: 6 * HOUR_MS,
      jitterMs: 10 * 60_000,
      skipIfActive: true,
    },
    {
      // Exceptions expire and advisories change while releases wait for people: judge them again.
      name: 'gate-reevaluate',
      queue: GATE_QUEUES.reevaluate,
      payload: { reason: 'periodic' },
      everyMs: settings.reevaluateEveryMs,
      jitterMs: Math.min(60_000, Math.round(settings.reevaluateEveryMs / 10)),
      skipIfActive: true,
    },
    ...(settings.digestEveryMs === undefined
      ? []
      : [
          {
            // New advisories keep appearing against what was shipped: tell people what changed.
            name: 'advisory-digest',
            queue: DIGEST_QUEUES.build,
            payload: { reason: 'periodic' },
            everyMs: settings.digestEveryMs,
            jitterMs: Math.min(10 * 60_000, Math.round(settings.digestEveryMs / 20)),
            skipIfActive: true,
          },
        ]),
  ];
}

/** The schedules with the default settings. */
export const SCHEDULES: readonly Schedule[] = createSchedules({ reevaluateEveryMs: 15 * 60_000 });
