/**
 * The one database interface every repo and service uses. Two implementations (PGlite in-process, a `pg`
 * pool for a PostgreSQL server) speak the same SQL dialect; `main.ts` picks one. Values come back the same
 * from both: int8 as number, bytea as Buffer, jsonb parsed, timestamptz as Date, numeric as string.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted, updated, deleted or returned. */
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * A query runner inside an open transaction. Functions that must be atomic with their caller's change
 * (the audit append, a job's completion) take a `Tx`, so the type system refuses a bare connection.
 */
export interface Tx extends Queryable {
  readonly inTransaction: true;
}

export type DbKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  /**
   * Runs `fn` in one transaction (READ COMMITTED), committing when it resolves and rolling back when it
   * throws. Inside, use only `tx`: on PGlite the single connection is held by the transaction, so a query
   * on the outer `Db` would wait for it forever.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, e.g. `23505` for a unique violation. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';

/** Parses int8 text: ids and counts stay far below 2^53; anything larger is a bug worth failing on. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return n;
}

/** Parses bytea's hex text form (`\x…`). */
export function parseByteaHex(text: string): Buffer {
  return Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex');
}
