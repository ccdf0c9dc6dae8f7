import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobRegistry, defineJobHandler } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import type { Db } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { postgresServer } from '../support/postgres-server.ts';
import { sleep } from './support.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/worker-process.ts');
const JOBS = 6;

function startWorker(url: string, id: string, processes: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, DATABASE_URL: url, WORKER_ID: id, LEASE_MS: '1500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  processes.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker ${id} exited early (${code})`)));
    child.stdout!.once('data', () => resolve(child));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('job crash safety: two worker processes, one PostgreSQL', function () {
  this.timeout(120_000);
  let db: Db;
  let url: string;
  let queue: JobQueue;
  const processes: ChildProcess[] = [];

  beforeEach(async () => {
    url = await (await postgresServer()).createDatabase();
    db = await openPgDb({ url, poolMax: 3, log: SILENT_LOGGER });
    await migrate(db, await loadMigrations(), SILENT_LOGGER);
    await db.exec(`
      CREATE TABLE job_starts (job_id bigint NOT NULL, worker text NOT NULL, attempt integer NOT NULL);
      CREATE TABLE job_effects (job_id bigint PRIMARY KEY, worker text NOT NULL);`);
    const handler = defineJobHandler<{ ms: number }>({
      queue: 'test.crash',
      description: 'enqueue side only',
      payloadSchema: { type: 'object', required: ['ms'], properties: { ms: { type: 'integer' } } },
      maxAttempts: 5,
      run: async () => undefined,
    });
    queue = new JobQueue(db, new JobRegistry([handler]), 5);
    for (let i = 0; i < JOBS; i++)
      await queue.enqueue({ queue: 'test.crash', payload: { ms: 2500 }, idempotencyKey: `job-${i}` });
  });

  afterEach(async () => {
    for (const child of processes.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await db.close();
  });

  async function held(worker: string): Promise<number[]> {
    const { rows } = await db.query<{ id: number }>(
      "SELECT id FROM jobs WHERE state = 'running' AND lease_owner = $1",
      [worker],
    );
    return rows.map((r) => r.id);
  }

  async function allDone(): Promise<true | undefined> {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE state = 'succeeded'",
    );
    return rows[0]!.n === JOBS ? true : undefined;
  }

  async function assertExactlyOnce(): Promise<void> {
    const { rows: jobs } = await db.query<{ id: number; state: string }>(
      'SELECT id, state FROM jobs ORDER BY id',
    );
    assert.equal(jobs.length, JOBS, 'no job lost or duplicated in the queue');
    assert.ok(jobs.every((j) => j.state === 'succeeded'));
    const { rows: effects } = await db.query<{ job_id: number }>(
      'SELECT job_id FROM job_effects ORDER BY job_id',
    );
    assert.deepEqual(
      effects.map((e) => e.job_id),
      jobs.map((j) => j.id),
      'each job wrote its effect exactly once',
    );
  }

  it('finishes the jobs of a replica killed with SIGKILL mid-job, exactly once', async () => {
    const a = await startWorker(url, 'replica-a', processes);
    const victims = await until('replica-a holds jobs', async () => {
      const ids = await held('replica-a');
      return ids.length > 0 ? ids : undefined;
    });
    await startWorker(url, 'replica-b', processes);
    a.kill('SIGKILL');
    await until('every job succeeded', allDone);
    await assertExactlyOnce();
    const { rows } = await db.query<{ job_id: number; worker: string }>(
      'SELECT job_id, worker FROM job_starts ORDER BY job_id, attempt',
    );
    for (const id of victims) {
      const starts = rows.filter((r) => r.job_id === id).map((r) => r.worker);
      assert.deepEqual(
        starts,
        ['replica-a', 'replica-b'],
        `job ${id}: started by a, finished by b after a died`,
      );
    }
    const { rows: effects } = await db.query<{ job_id: number; worker: string }>(
      'SELECT job_id, worker FROM job_effects',
    );
    for (const id of victims) assert.equal(effects.find((e) => e.job_id === id)?.worker, 'replica-b');
  });

  it('fences out a stalled replica (SIGSTOP past its lease) that wakes up after another finished its job', async () => {
    const a = await startWorker(url, 'replica-a', processes);
    const victims = await until('replica-a holds jobs', async () => {
      const ids = await held('replica-a');
      return ids.length > 0 ? ids : undefined;
    });
    a.kill('SIGSTOP');
    await startWorker(url, 'replica-b', processes);
    await until('every job succeeded', allDone);
    a.kill('SIGCONT'); // a resumes mid-attempt, its lease long gone
    await sleep(3000);
    await assertExactlyOnce();
    const { rows: effects } = await db.query<{ job_id: number; worker: string }>(
      'SELECT job_id, worker FROM job_effects',
    );
    for (const id of victims) assert.equal(effects.find((e) => e.job_id === id)?.worker, 'replica-b');
  });

  it('hands running jobs back at SIGTERM so the other replica starts them at once', async () => {
    const a = await startWorker(url, 'replica-a', processes);
    const victims = await until('replica-a holds jobs', async () => {
      const ids = await held('replica-a');
      return ids.length > 0 ? ids : undefined;
    });
    const exited = new Promise<number | null>((resolve) => a.once('exit', resolve));
    a.kill('SIGTERM');
    assert.equal(await exited, 0);
    const { rows } = await db.query<{ state: string; attempts: number }>(
      'SELECT state, attempts FROM jobs WHERE id = ANY($1::bigint[])',
      [victims],
    );
    assert.ok(
      rows.every((r) => r.state === 'queued' && r.attempts === 0),
      JSON.stringify(rows),
    );
    await startWorker(url, 'replica-b', processes);
    await until('every job succeeded', allDone);
    await assertExactlyOnce();
  });
});
