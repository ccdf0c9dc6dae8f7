import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDigest } from '../shared/digest.ts';
import { RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { ADVISORY_LOCKS } from './advisory-locks.ts';
import type { Db, Queryable } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the file: an applied migration must never change. */
  checksum: string;
}

export interface MigrationStatus {
  applied: number[];
  pending: number[];
  /** Applied by a newer raygate than this one (a rolling upgrade in progress). */
  unknown: number[];
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Reads `NNNN_name.sql` files in order. Versions must increase; a gap is allowed, because features developed
 * side by side reserve their numbers (a database that has 4 applies 3 when it arrives: pending migrations
 * are applied whatever their number).
 */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match)
      throw new RaygateError(
        'MIGRATION_INVALID',
        'internal',
        `Migration file name ${file} is not NNNN_name.sql`,
      );
    const version = Number(match[1]);
    const last = migrations.at(-1)?.version ?? 0;
    if (version <= last) {
      throw new RaygateError(
        'MIGRATION_INVALID',
        'internal',
        `Migration ${file} breaks the sequence (expected a version above ${last})`,
      );
    }
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({ version, name: match[2]!, sql, checksum: hexDigest('sha256', sql) });
  }
  return migrations;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies pending migrations in one transaction under an advisory lock, so replicas starting together
 * apply each exactly once (the others wait, then find nothing to do) and a failure leaves the schema as
 * it was. Returns the versions applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[], log: Logger): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.migrations]);
    await tx.exec(CREATE_TABLE);
    const applied = await readApplied(tx);
    checkUnchanged(migrations, applied);
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      const started = performance.now();
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new RaygateError(
          'MIGRATION_FAILED',
          'internal',
          `Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      log.info('migration applied', {
        version: migration.version,
        name: migration.name,
        ms: Math.round(performance.now() - started),
      });
      done.push(migration.version);
    }
    return done;
  });
}

/** What is applied, pending and unknown; used by /readyz. */
export async function migrationStatus(
  db: Queryable,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const exists = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  const applied = exists.rows[0]?.exists ? await readApplied(db) : new Map<number, string>();
  const known = new Set(migrations.map((m) => m.version));
  return {
    applied: [...applied.keys()].filter((v) => known.has(v)).sort((a, b) => a - b),
    pending: migrations.filter((m) => !applied.has(m.version)).map((m) => m.version),
    unknown: [...applied.keys()].filter((v) => !known.has(v)).sort((a, b) => a - b),
  };
}

async function readApplied(q: Queryable): Promise<Map<number, string>> {
  const result = await q.query<{ version: number; checksum: string }>(
    'SELECT version, checksum FROM schema_migrations ORDER BY version',
  );
  return new Map(result.rows.map((r) => [r.version, r.checksum]));
}

function checkUnchanged(migrations: readonly Migration[], applied: Map<number, string>): void {
  for (const migration of migrations) {
    const checksum = applied.get(migration.version);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new RaygateError(
        'MIGRATION_CHANGED',
        'internal',
        `Migration ${migration.version}_${migration.name} was changed after it was applied; migrations are forward-only (add a new one).`,
      );
    }
  }
}
