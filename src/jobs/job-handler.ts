import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { Tx } from '../store/db.ts';

/** One attempt at a job, as its handler sees it. */
export interface JobRun<P> {
  id: number;
  queue: string;
  payload: P;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  idempotencyKey: string | null;
  /** Aborted when the lease is lost, the attempt times out or the process shuts down: stop promptly. */
  signal: AbortSignal;
  log: Logger;
  /**
   * Runs `fn` in a transaction that also marks this job succeeded, so the job's database effects and its
   * completion commit together or not at all. If the lease was lost meanwhile (this replica stalled and
   * another took the job over) the transaction rolls back with JOB_LEASE_LOST: the effects happen exactly
   * once however often the job is attempted. Call it at most once, as the last step.
   */
  commit<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * Drains one queue. A handler that only writes to the database should do so inside `commit`; one with
 * outside effects (a webhook) should pass `idempotencyKey` or the job id along so a retry is harmless.
 * Throwing a RaygateError of kind `usage` or `input` fails the job for good; anything else is retried with
 * backoff until `maxAttempts`, then the job is dead-lettered (state `dead`, kept with its last error).
 */
export interface JobHandler<P = unknown> {
  /** Stable, dotted name stored in each row, e.g. `maintenance.prune-jobs`. */
  readonly queue: string;
  readonly description: string;
  /** JSON Schema (2020-12) of the payload: checked on enqueue and again before each attempt. */
  readonly payloadSchema: Record<string, unknown>;
  readonly maxAttempts?: number;
  /** An attempt running longer is aborted and counts as failed. */
  readonly timeoutMs?: number;
  run(job: JobRun<P>): Promise<unknown>;
}

/** The payload of a job that only says why it runs (a schedule's `{reason: 'periodic'}`, or a person's). */
export const REASON_PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', maxLength: 200 } },
} as const;

/** Declares a handler with a typed payload; the registry stores it type-erased. */
export function defineJobHandler<P>(handler: JobHandler<P>): JobHandler {
  return handler as JobHandler;
}

const QUEUE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** The handlers this process can run, with their compiled payload schemas. */
export class JobRegistry {
  readonly #handlers = new Map<string, { handler: JobHandler; validate: ValidateFunction }>();

  constructor(handlers: readonly JobHandler[]) {
    const ajv = new Ajv2020({ strict: true, allErrors: false });
    for (const handler of handlers) {
      if (!QUEUE_NAME.test(handler.queue))
        throw new Error(`job queue name '${handler.queue}' is not dotted lowercase`);
      if (this.#handlers.has(handler.queue)) throw new Error(`two job handlers for queue '${handler.queue}'`);
      this.#handlers.set(handler.queue, { handler, validate: ajv.compile(handler.payloadSchema) });
    }
  }

  get(queue: string): JobHandler | undefined {
    return this.#handlers.get(queue)?.handler;
  }

  queues(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  /** Throws JOB_QUEUE_UNKNOWN or JOB_PAYLOAD_INVALID. */
  check(queue: string, payload: unknown): void {
    const entry = this.#handlers.get(queue);
    if (!entry) throw new RaygateError('JOB_QUEUE_UNKNOWN', 'usage', `No job handler for queue '${queue}'.`);
    if (!entry.validate(payload)) {
      const error = entry.validate.errors?.[0];
      throw new RaygateError(
        'JOB_PAYLOAD_INVALID',
        'usage',
        `Payload for ${queue} is invalid: ${error?.instancePath || '(payload)'} ${error?.message ?? ''}`.trim(),
      );
    }
  }
}
