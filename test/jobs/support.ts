import { JobRegistry, defineJobHandler, type JobHandler, type JobRun } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { Worker, type JobOutcomeEvent } from '../../src/jobs/worker.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import type { Db } from '../../src/store/db.ts';

/** A handler for tests: payload `{key}`; the behaviour comes from `run`. */
export function testHandler(
  queue: string,
  run: (job: JobRun<{ key: string }>) => Promise<unknown>,
  extra: Partial<JobHandler> = {},
): JobHandler {
  return defineJobHandler<{ key: string }>({
    queue,
    description: 'test',
    payloadSchema: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
    run,
    ...(extra as object),
  });
}

export interface Harness {
  queue: JobQueue;
  worker: Worker;
  outcomes: JobOutcomeEvent[];
  /** Resolves once `count` outcomes were reported (or rejects after `timeoutMs`). */
  waitForOutcomes(count: number, timeoutMs?: number): Promise<JobOutcomeEvent[]>;
}

export function startHarness(
  db: Db,
  handlers: JobHandler[],
  options: { leaseMs?: number; concurrency?: number } = {},
): Harness {
  const registry = new JobRegistry(handlers);
  const outcomes: JobOutcomeEvent[] = [];
  const waiters: (() => void)[] = [];
  const worker = new Worker({
    db,
    registry,
    log: SILENT_LOGGER,
    workerId: `test:${process.pid}`,
    concurrency: options.concurrency ?? 2,
    pollIntervalMs: 50,
    leaseMs: options.leaseMs ?? 5000,
    backoff: { baseMs: 20, maxMs: 40 },
    onOutcome: (event) => {
      outcomes.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const queue = new JobQueue(db, registry, 3, () => worker.wake());
  worker.start();
  return {
    queue,
    worker,
    outcomes,
    async waitForOutcomes(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (outcomes.length < count) {
        if (Date.now() > deadline)
          throw new Error(`only ${outcomes.length} of ${count} job outcomes after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return outcomes.slice(0, count);
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}
