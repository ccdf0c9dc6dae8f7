import { PGlite, type Transaction } from '@electric-sql/pglite';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { ensurePgliteCluster } from './pglite-init.ts';
import { parseByteaHex, parseInt8, type Db, type QueryResult, type Tx } from './db.ts';

const INT8 = 20;
const BYTEA = 17;

/**
 * Settings for an embedded database that serves one process: small shared buffers keep the idle
 * footprint down (PGlite's defaults are a server's); a handful of connections is all a WASM backend
 * with one session can use.
 */
const EMBEDDED_SETTINGS = ['shared_buffers=16MB', 'max_connections=8', 'work_mem=4MB'];

export interface PgliteOptions {
  /** Where the database lives; undefined keeps it in memory (tests). */
  dataDir?: string;
}

/** Subfolder of the data folder that holds the PostgreSQL cluster. */
export const PGLITE_SUBDIR = 'pgdata';

/** Opens (creating on first use, ~5 s, in a child process: see pglite-init.ts) the embedded PostgreSQL in `<dataDir>/pgdata`. */
export async function openPgliteDb(options: PgliteOptions = {}): Promise<Db> {
  let lock: DataDirLock | undefined;
  let clusterDir: string | undefined;
  if (options.dataDir !== undefined) {
    lock = await lockDataDir(options.dataDir);
    clusterDir = path.join(options.dataDir, PGLITE_SUBDIR);
  }
  let pglite: PGlite;
  try {
    if (clusterDir !== undefined) await ensurePgliteCluster(clusterDir);
    pglite = await PGlite.create({
      ...(clusterDir === undefined ? {} : { dataDir: clusterDir }),
      postgresqlconf: EMBEDDED_SETTINGS,
      parsers: { [INT8]: parseInt8, [BYTEA]: parseByteaHex },
    });
  } catch (error) {
    await lock?.release();
    throw new RaygateError(
      'STORE_UNAVAILABLE',
      'unavailable',
      `Cannot open the embedded database in ${clusterDir ?? 'memory'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return new PgliteDb(pglite, lock);
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly #pglite: PGlite;
  readonly #lock: DataDirLock | undefined;
  #closed = false;

  constructor(pglite: PGlite, lock: DataDirLock | undefined) {
    this.#pglite = pglite;
    this.#lock = lock;
  }

  query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return runQuery<R>(this.#pglite, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.#pglite.exec(sql);
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#pglite.transaction((transaction) => fn(new PgliteTx(transaction)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#pglite.close();
    } finally {
      await this.#lock?.release();
    }
  }
}

class PgliteTx implements Tx {
  readonly inTransaction = true as const;
  readonly #transaction: Transaction;

  constructor(transaction: Transaction) {
    this.#transaction = transaction;
  }

  query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return runQuery<R>(this.#transaction, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.#transaction.exec(sql);
  }
}

async function runQuery<R>(
  runner: Pick<PGlite, 'query'> | Transaction,
  sql: string,
  params: readonly unknown[],
): Promise<QueryResult<R>> {
  const result = await runner.query<R>(sql, params as unknown[]);
  return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
}
