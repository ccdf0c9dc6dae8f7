import type { Logger } from '../shared/log.ts';
import type { Db } from '../store/db.ts';
import { ensureSchedule, setScheduleLastJob, takeDueSchedule } from '../store/repos/job-schedules.ts';
import type { JobQueue } from './queue.ts';

/** A periodic job. */
export interface Schedule {
  /** Stable name (a row in job_schedules). */
  name: string;
  queue: string;
  payload: unknown;
  everyMs: number;
  /** Up to this much is added at random to each interval, so replicas' and schedules' runs spread out. */
  jitterMs: number;
  /** Skip a run while the previous run's job is still queued or running. */
  skipIfActive: boolean;
}

export interface SchedulerOptions {
  db: Db;
  queue: JobQueue;
  schedules: readonly Schedule[];
  log: Logger;
  tickMs: number;
  random?: () => number;
}

/**
 * Enqueues periodic jobs. Every replica ticks; for each due schedule one transaction advances its
 * `next_run_at` and enqueues the run's job, so exactly one replica enqueues each run (the database row is
 * the lease), and the run's idempotency key (`schedule:<name>:<due time>`) makes a repeat harmless.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<unknown> | undefined;
  #registered = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer || this.#options.schedules.length === 0) return;
    const loop = () => {
      this.#ticking = this.tick()
        .catch((error: unknown) => this.#options.log.error('scheduler tick failed', { error }))
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(loop, this.#options.tickMs);
        });
    };
    this.#timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  /** One pass over the schedules; returns the names whose run this call enqueued. */
  async tick(): Promise<string[]> {
    const { db, queue, schedules, log } = this.#options;
    const random = this.#options.random ?? Math.random;
    if (!this.#registered) {
      for (const schedule of schedules)
        await ensureSchedule(db, schedule.name, Math.round(random() * schedule.jitterMs));
      this.#registered = true;
    }
    const enqueued: string[] = [];
    for (const schedule of schedules) {
      const nextDelay = schedule.everyMs + Math.round(random() * schedule.jitterMs);
      const outcome = await db.transaction(async (tx) => {
        const due = await takeDueSchedule(tx, schedule.name, nextDelay);
        if (!due) return 'not-due';
        if (schedule.skipIfActive && (due.lastJobState === 'queued' || due.lastJobState === 'running'))
          return 'skipped';
        const job = await queue.enqueue(
          {
            queue: schedule.queue,
            payload: schedule.payload,
            idempotencyKey: `schedule:${schedule.name}:${due.dueAtMs}`,
          },
          tx,
        );
        await setScheduleLastJob(tx, schedule.name, job.id);
        return 'enqueued';
      });
      if (outcome === 'enqueued') {
        enqueued.push(schedule.name);
        log.info('scheduled job enqueued', { schedule: schedule.name, queue: schedule.queue });
      } else if (outcome === 'skipped') {
        log.info('scheduled run skipped: the previous one is still active', { schedule: schedule.name });
      }
    }
    return enqueued;
  }
}
