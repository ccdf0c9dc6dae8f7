import { describeError, isRaygateError, RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { Db } from '../store/db.ts';
import {
  buryExpiredJobs,
  claimJobs,
  completeJob,
  extendJobLease,
  failJob,
  releaseJob,
  type ClaimedJob,
} from '../store/repos/jobs.ts';
import { retryDelayMs, type BackoffPolicy } from './backoff.ts';
import type { JobRegistry, JobRun } from './job-handler.ts';

export type JobOutcome = 'succeeded' | 'retrying' | 'dead' | 'lease-lost' | 'released';

export interface JobOutcomeEvent {
  queue: string;
  jobId: number;
  attempt: number;
  outcome: JobOutcome;
  durationMs: number;
}

export interface WorkerOptions {
  db: Db;
  registry: JobRegistry;
  log: Logger;
  /** Names this process in leases (`host:pid:random`), so an operator can tell who holds a job. */
  workerId: string;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  backoff: BackoffPolicy;
  onOutcome?: (event: JobOutcomeEvent) => void;
  random?: () => number;
}

interface ActiveJob {
  job: ClaimedJob;
  controller: AbortController;
  settled: Promise<void>;
  /** Set when shutdown hands the job back: its attempt must not be recorded as a failure. */
  released: boolean;
}

const SHUTDOWN = 'JOB_SHUTDOWN';
const LEASE_LOST = 'JOB_LEASE_LOST';

/**
 * Claims due jobs and runs them, at most `concurrency` at a time. While a job runs its lease is renewed
 * every third of `leaseMs`; if this process dies, the lease runs out and another replica's worker claims
 * the job (at-least-once delivery). `JobRun.commit` fences completion on the lease token, which turns
 * at-least-once attempts into exactly-once effects.
 */
export class Worker {
  readonly #options: WorkerOptions;
  readonly #active = new Map<number, ActiveJob>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wokenWhileBusy = false;

  constructor(options: WorkerOptions) {
    this.#options = options;
  }

  get activeJobs(): number {
    return this.#active.size;
  }

  start(): void {
    if (this.#running || this.#options.registry.queues().length === 0) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Polls now instead of at the next interval (a job was just enqueued in this process). */
  wake(): void {
    if (this.#wake) this.#wake();
    else this.#wokenWhileBusy = true;
  }

  /**
   * Stops claiming, lets running jobs finish for up to `graceMs`, then aborts the rest and hands them
   * back to the queue (attempt not counted) so another replica can start them at once.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.wake();
    await this.#loop;
    const all = () => Promise.allSettled([...this.#active.values()].map((a) => a.settled));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const active of this.#active.values()) {
      active.released = true;
      const { job } = active;
      try {
        if (await releaseJob(this.#options.db, job.id, job.leaseToken)) {
          this.#options.log.info('job released at shutdown', { jobId: job.id, queue: job.queue });
          this.#report(job, 'released', 0);
        }
      } catch (error) {
        this.#options.log.error('job release failed; its lease will expire', { jobId: job.id, error });
      }
      active.controller.abort(new RaygateError(SHUTDOWN, 'unavailable', 'The worker is shutting down.'));
    }
    await all();
  }

  async #run(): Promise<void> {
    const { db, registry, log, concurrency, pollIntervalMs, leaseMs, workerId } = this.#options;
    const queues = registry.queues();
    while (this.#running) {
      const free = concurrency - this.#active.size;
      let claimed: ClaimedJob[] = [];
      if (free > 0) {
        try {
          const buried = await buryExpiredJobs(db);
          if (buried > 0) log.warn('jobs dead-lettered after their last lease expired', { count: buried });
          claimed = await claimJobs(db, queues, free, workerId, leaseMs);
        } catch (error) {
          log.error('claiming jobs failed', { error });
        }
      }
      for (const job of claimed) this.#start(job);
      if (claimed.length > 0 && claimed.length === free) continue; // more may be due
      await this.#sleep(pollIntervalMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#wokenWhileBusy || !this.#running) {
      this.#wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  #start(job: ClaimedJob): void {
    const controller = new AbortController();
    const active: ActiveJob = { job, controller, settled: Promise.resolve(), released: false };
    this.#active.set(job.id, active);
    active.settled = this.#attempt(active).finally(() => {
      this.#active.delete(job.id);
      this.wake();
    });
  }

  async #attempt(active: ActiveJob): Promise<void> {
    const { job, controller } = active;
    const { db, registry, leaseMs } = this.#options;
    const log = this.#options.log.child({ jobId: job.id, queue: job.queue, attempt: job.attempt });
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const handler = registry.get(job.queue);
    let committed = false;
    let leaseLost = false;
    const loseLease = () => {
      if (committed) return; // completion itself ends the lease
      leaseLost = true;
      controller.abort(
        new RaygateError(LEASE_LOST, 'conflict', `Job ${job.id} was taken over by another worker.`),
      );
    };

    const heartbeat = setInterval(
      () => {
        extendJobLease(db, job.id, job.leaseToken, leaseMs).then(
          (held) => held || loseLease(),
          (error: unknown) => log.warn('lease renewal failed', { error }),
        );
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    const timeout =
      handler?.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new RaygateError('JOB_TIMEOUT', 'unavailable', `Attempt exceeded ${handler.timeoutMs} ms.`),
              ),
            handler.timeoutMs,
          );

    const run: JobRun<unknown> = {
      id: job.id,
      queue: job.queue,
      payload: job.payload,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      idempotencyKey: job.idempotencyKey,
      signal: controller.signal,
      log,
      commit: async (fn) => {
        if (committed) throw new Error(`job ${job.id} committed twice`);
        const value = await db.transaction(async (tx) => {
          const result = await fn(tx);
          if (!(await completeJob(tx, job.id, job.leaseToken, null))) {
            throw new RaygateError(LEASE_LOST, 'conflict', `Job ${job.id} was taken over by another worker.`);
          }
          return result;
        });
        committed = true;
        return value;
      },
    };

    try {
      if (!handler) throw new RaygateError('JOB_QUEUE_UNKNOWN', 'usage', `No handler for ${job.queue}.`);
      registry.check(job.queue, job.payload);
      const result = await untilAborted(handler.run(run), controller.signal);
      if (!committed && !(await completeJob(db, job.id, job.leaseToken, result ?? null))) {
        throw new RaygateError(LEASE_LOST, 'conflict', `Job ${job.id} was taken over by another worker.`);
      }
      log.info('job succeeded', { ms: elapsed() });
      this.#report(job, 'succeeded', elapsed());
    } catch (error) {
      if (committed) {
        log.warn('job failed after it committed; it stays succeeded', { error, ms: elapsed() });
        this.#report(job, 'succeeded', elapsed());
        return;
      }
      if (active.released) return;
      if (leaseLost || (isRaygateError(error) && error.code === LEASE_LOST)) {
        log.warn('job lease lost; another worker owns it now', { ms: elapsed() });
        this.#report(job, 'lease-lost', elapsed());
        return;
      }
      const permanent = isRaygateError(error) && (error.kind === 'usage' || error.kind === 'input');
      const delay = retryDelayMs(job.attempt, this.#options.backoff, this.#options.random);
      try {
        const state = await failJob(
          db,
          job.id,
          job.leaseToken,
          describeError(error).slice(0, 2000),
          delay,
          permanent,
        );
        const outcome = state === 'dead' ? 'dead' : state === 'queued' ? 'retrying' : 'lease-lost';
        const fields = { ms: elapsed(), error, ...(outcome === 'retrying' ? { retryInMs: delay } : {}) };
        if (outcome === 'dead') log.error('job dead-lettered', fields);
        else
          log.warn(
            outcome === 'retrying' ? 'job failed; will retry' : 'job failed after losing its lease',
            fields,
          );
        this.#report(job, outcome, elapsed());
      } catch (failError) {
        log.error('recording a job failure failed; its lease will expire', { error: failError });
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }

  #report(job: ClaimedJob, outcome: JobOutcome, durationMs: number): void {
    this.#options.onOutcome?.({ queue: job.queue, jobId: job.id, attempt: job.attempt, outcome, durationMs });
  }
}

/** Settles with `work`, or rejects with the signal's reason as soon as it aborts (a handler may ignore it). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
