import pg from 'pg';
import { RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { parseByteaHex, parseInt8, type Db, type QueryResult, type Tx } from './db.ts';

const INT8 = 20;
const BYTEA = 17;

// Per-pool type parsers, so raygate never changes the pg module's global state.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8) return parseInt8;
    if (oid === BYTEA) return parseByteaHex;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

export interface PgOptions {
  url: string;
  poolMax: number;
  log: Logger;
}

/** A connection pool to a PostgreSQL server; fails fast with STORE_UNAVAILABLE when it cannot connect. */
export async function openPgDb(options: PgOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'raygate',
    types: TYPES,
  });
  // An idle client's connection can drop (server restart); pg emits it here, and unhandled it kills the process.
  pool.on('error', (error) => options.log.warn('database connection lost', { error }));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new RaygateError(
      'STORE_UNAVAILABLE',
      'unavailable',
      `Cannot connect to the PostgreSQL server at ${redactUrl(options.url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return new PgDb(pool);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}

class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.#pool.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: drop it from the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

class PgTx implements Tx {
  readonly inTransaction = true as const;
  readonly #client: pg.PoolClient;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.#client.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.#client.query(sql);
  }
}
