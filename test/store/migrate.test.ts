import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { loadMigrations, migrate, migrationStatus } from '../../src/store/migrate.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { postgresServer } from '../support/postgres-server.ts';
import { BACKENDS, openTestDb } from '../support/test-db.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SLOW = path.join(HERE, 'fixtures/slow-migrations');

describe('migrate', function () {
  this.timeout(120_000);

  describe('loadMigrations', () => {
    it('reads the shipped migrations in order with checksums', async () => {
      const migrations = await loadMigrations();
      assert.ok(migrations.length >= 1);
      const versions = migrations.map((m) => m.version);
      assert.deepEqual(
        versions,
        [...new Set(versions)].sort((a, b) => a - b),
      );
      for (const m of migrations) assert.match(m.checksum, /^[0-9a-f]{64}$/);
    });

    it('refuses two migrations with one version and a badly named file; a reserved gap is allowed', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'raygate-migrations-'));
      try {
        await writeFile(path.join(dir, '0001_first.sql'), 'SELECT 1;');
        await writeFile(path.join(dir, '0003_later.sql'), 'SELECT 1;');
        assert.deepEqual(
          (await loadMigrations(dir)).map((m) => m.version),
          [1, 3],
        );
        await writeFile(path.join(dir, '0003_twin.sql'), 'SELECT 1;');
        await assertRejectsWithCode(() => loadMigrations(dir), 'MIGRATION_INVALID');
        await rm(path.join(dir, '0003_twin.sql'));
        await rm(path.join(dir, '0003_later.sql'));
        await writeFile(path.join(dir, '1_short.sql'), 'SELECT 1;');
        await assertRejectsWithCode(() => loadMigrations(dir), 'MIGRATION_INVALID');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      it('applies everything once; running again applies nothing; status reports none pending', async () => {
        const t = await openTestDb(backend, { migrated: false });
        try {
          const migrations = await loadMigrations();
          const before = await migrationStatus(t.db, migrations);
          assert.deepEqual(
            before.pending,
            migrations.map((m) => m.version),
          );
          assert.deepEqual(
            await migrate(t.db, migrations, SILENT_LOGGER),
            migrations.map((m) => m.version),
          );
          assert.deepEqual(await migrate(t.db, migrations, SILENT_LOGGER), []);
          const after = await migrationStatus(t.db, migrations);
          assert.deepEqual(after, { applied: migrations.map((m) => m.version), pending: [], unknown: [] });
        } finally {
          await t.close();
        }
      });

      it('serializes concurrent migrations in one process (the advisory lock and PGlite both allow it)', async () => {
        const t = await openTestDb(backend, { migrated: false });
        try {
          const migrations = await loadMigrations(SLOW);
          const results = await Promise.all([
            migrate(t.db, migrations, SILENT_LOGGER),
            migrate(t.db, migrations, SILENT_LOGGER),
          ]);
          assert.deepEqual(results.map((r) => r.length).sort(), [0, 2]);
          const { rows } = await t.db.query<{ migration: number }>(
            'SELECT migration FROM applied_count ORDER BY migration',
          );
          assert.deepEqual(
            rows.map((r) => r.migration),
            [1, 2],
          );
        } finally {
          await t.close();
        }
      });

      it('refuses to start when an applied migration was edited', async () => {
        const t = await openTestDb(backend);
        try {
          const migrations = await loadMigrations();
          const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: '0'.repeat(64) } : m));
          await assertRejectsWithCode(() => migrate(t.db, edited, SILENT_LOGGER), 'MIGRATION_CHANGED');
        } finally {
          await t.close();
        }
      });

      it('reports migrations applied by a newer build as unknown and a failing one as MIGRATION_FAILED', async () => {
        const t = await openTestDb(backend);
        try {
          const migrations = await loadMigrations();
          const newest = migrations.at(-1)!.version;
          const status = await migrationStatus(t.db, migrations.slice(0, -1));
          assert.deepEqual(status.unknown, [newest]);
          const broken = [
            ...migrations,
            { version: newest + 1, name: 'broken', sql: 'SELECT * FROM nowhere;', checksum: 'x' },
          ];
          await assertRejectsWithCode(() => migrate(t.db, broken, SILENT_LOGGER), 'MIGRATION_FAILED');
          assert.deepEqual((await migrationStatus(t.db, broken)).pending, [newest + 1]);
        } finally {
          await t.close();
        }
      });
    });
  }

  describe('two processes migrating one PostgreSQL database at once', () => {
    it('applies each migration exactly once; both processes succeed', async () => {
      const url = await (await postgresServer()).createDatabase();
      const runOne = () =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, [path.join(HERE, 'fixtures/migrate-process.ts'), SLOW], {
            env: { ...process.env, DATABASE_URL: url },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d));
          child.stderr.on('data', (d: Buffer) => (stderr += d));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      const [a, b] = await Promise.all([runOne(), runOne()]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const applied = [a, b].map((r) => (JSON.parse(r.stdout) as { applied: number[] }).applied);
      assert.deepEqual(
        applied.map((x) => x.length).sort(),
        [0, 2],
        'one process applied both, the other none',
      );
      const t = await openPgDb({ url, poolMax: 1, log: SILENT_LOGGER });
      try {
        const { rows } = await t.query<{ migration: number }>(
          'SELECT migration FROM applied_count ORDER BY migration',
        );
        assert.deepEqual(
          rows.map((r) => r.migration),
          [1, 2],
        );
      } finally {
        await t.close();
      }
    });
  });
});
