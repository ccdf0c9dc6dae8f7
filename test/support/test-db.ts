import { PGlite } from '@electric-sql/pglite';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { openPgliteDb, PGLITE_SUBDIR } from '../../src/store/pglite-db.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { postgresServer } from './postgres-server.ts';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];

const CACHE = process.env.RAYGATE_TEST_CACHE ?? path.join(homedir(), '.cache', 'raygate-test');

let template: Promise<string> | undefined;

/**
 * A freshly initialized PGlite cluster, built once (initdb costs ~5 s) and kept in the test cache keyed by
 * the PGlite version; each test database is a copy of it (~1 s to open).
 */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = path.join(CACHE, `pglite-cluster-${await pgliteVersion()}`);
    if (await exists(path.join(dir, 'PG_VERSION'))) return dir;
    await mkdir(CACHE, { recursive: true });
    const building = await mkdtemp(path.join(CACHE, 'pglite-building-'));
    const pglite = await PGlite.create({ dataDir: building });
    await pglite.close();
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir);
    return dir;
  })();
  return template;
}

/** A data folder (RAYGATE_DATA) holding a copy of the template cluster, for `raygate` processes. */
export async function makePgliteDataDir(parent?: string): Promise<string> {
  const dataDir = parent ?? (await mkdtemp(path.join(tmpdir(), 'raygate-data-')));
  await cp(await pgliteTemplate(), path.join(dataDir, PGLITE_SUBDIR), { recursive: true });
  return dataDir;
}

export interface TestDb {
  backend: Backend;
  db: Db;
  /** The PostgreSQL URL (postgres backend) or the data folder (pglite backend). */
  location: string;
  close(): Promise<void>;
}

/** A new, empty database on `backend`, migrated unless `migrated` is false. */
export async function openTestDb(backend: Backend, options: { migrated?: boolean } = {}): Promise<TestDb> {
  let db: Db;
  let location: string;
  let cleanup = async () => {};
  if (backend === 'pglite') {
    location = await makePgliteDataDir();
    db = await openPgliteDb({ dataDir: location });
    const dir = location;
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    location = await (await postgresServer()).createDatabase();
    db = await openPgDb({ url: location, poolMax: 10, log: SILENT_LOGGER });
  }
  if (options.migrated !== false) await migrate(db, await loadMigrations(), SILENT_LOGGER);
  return {
    backend,
    db,
    location,
    async close() {
      await db.close();
      await cleanup();
    },
  };
}

/** Empties every table and resets the audit chain (the append-only trigger is lifted for that). */
export async function resetDb(db: Db): Promise<void> {
  await db.exec(`
    TRUNCATE documents, api_tokens, jobs, job_schedules, releases, release_artifacts, release_documents,
      release_evidence_parts, release_decisions, release_reviews, release_events, release_vsas, exceptions,
      signing_keys, ui_sessions, digests, digest_deliveries;
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
    TRUNCATE audit_log;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
    UPDATE audit_head SET seq = 0, hash = repeat('0', 64);
  `);
}

/**
 * Runs `body` once per backend inside `describe('<title> (<backend>)')`, with a migrated database opened
 * before and closed after. `current()` returns it inside hooks and tests.
 */
export function describeEachBackend(title: string, body: (current: () => TestDb) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} (${backend})`, function () {
      this.timeout(120_000);
      let testDb: TestDb | undefined;
      before(async () => {
        testDb = await openTestDb(backend);
      });
      after(async () => {
        await testDb?.close();
      });
      body(() => {
        if (!testDb) throw new Error('test database not open yet');
        return testDb;
      });
    });
  }
}

/** The installed PGlite's version (its package.json is not in the package's exports, so read it from disk). */
async function pgliteVersion(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!(await exists(path.join(dir, 'package.json')))) dir = path.dirname(dir);
  return (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
