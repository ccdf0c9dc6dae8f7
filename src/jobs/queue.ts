import type { Db, Queryable } from '../store/db.ts';
import { countJobs, findJob, insertJob, type JobRecord, type QueueDepth } from '../store/repos/jobs.ts';
import type { JobRegistry } from './job-handler.ts';

export type { JobRecord, QueueDepth };

export interface EnqueueRequest {
  queue: string;
  payload: unknown;
  /** Enqueuing twice with the same key (per queue) yields the first job; retention limits how long keys are remembered. */
  idempotencyKey?: string;
  delayMs?: number;
  maxAttempts?: number;
}

/** The durable job queue: rows in `jobs`, claimed by workers on any replica. */
export class JobQueue {
  readonly #db: Db;
  readonly #registry: JobRegistry;
  readonly #defaultMaxAttempts: number;
  readonly #onEnqueue: () => void;

  constructor(db: Db, registry: JobRegistry, defaultMaxAttempts: number, onEnqueue: () => void = () => {}) {
    this.#db = db;
    this.#registry = registry;
    this.#defaultMaxAttempts = defaultMaxAttempts;
    this.#onEnqueue = onEnqueue;
  }

  /**
   * Adds a job. Pass the caller's transaction as `q` to enqueue atomically with the change that needs the
   * work (a release and its evidence jobs commit together).
   */
  async enqueue(request: EnqueueRequest, q: Queryable = this.#db): Promise<{ id: number; created: boolean }> {
    this.#registry.check(request.queue, request.payload);
    const handler = this.#registry.get(request.queue);
    const result = await insertJob(q, {
      queue: request.queue,
      payload: request.payload,
      idempotencyKey: request.idempotencyKey ?? null,
      maxAttempts: request.maxAttempts ?? handler?.maxAttempts ?? this.#defaultMaxAttempts,
      delayMs: Math.max(0, request.delayMs ?? 0),
    });
    // A local worker may start at once; workers on other replicas find it on their next poll.
    if (result.created && q === this.#db) this.#onEnqueue();
    return result;
  }

  get(id: number): Promise<JobRecord | undefined> {
    return findJob(this.#db, id);
  }

  depth(): Promise<QueueDepth[]> {
    return countJobs(this.#db);
  }
}
