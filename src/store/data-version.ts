import type { Queryable } from './db.ts';

/**
 * A stamp of the data a new transaction sees: PostgreSQL's current snapshot (`xmin:xmax:in-progress xids`).
 * Every transaction that writes takes a transaction id, so its commit changes the snapshot; reads never do.
 * Two equal stamps therefore mean nothing was committed in between, and whatever was computed after reading
 * the first is still what a fresh computation would give. It holds for one process's PGlite and for
 * replicas sharing a PostgreSQL server alike (a commit by any of them changes the stamp).
 *
 * Concurrent callers share one query, so a burst of requests costs one round trip. A caller only joins a
 * read that has not been sent yet, never one already under way: that one might predate a write the caller
 * has already seen committed (its own POST, answered a moment ago).
 */
export class DataVersion {
  readonly #db: Queryable;
  #next: Promise<string> | undefined;

  constructor(db: Queryable) {
    this.#db = db;
  }

  read(): Promise<string> {
    this.#next ??= new Promise<string>((resolve, reject) => {
      setImmediate(() => {
        this.#next = undefined;
        this.#db
          .query<{ v: string }>('SELECT pg_current_snapshot()::text AS v')
          .then((result) => resolve(result.rows[0]!.v), reject);
      });
    });
    return this.#next;
  }
}
