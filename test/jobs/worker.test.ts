import assert from 'node:assert/strict';
import { JobRegistry } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { RaygateError } from '../../src/shared/errors.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { claimJobs, completeJob, findJob } from '../../src/store/repos/jobs.ts';
import { describeEachBackend, resetDb } from '../support/test-db.ts';
import { sleep, startHarness, testHandler, type Harness } from './support.ts';

describeEachBackend('Worker', (current) => {
  let harness: Harness | undefined;

  before(() => current().db.exec('CREATE TABLE effects (job_id bigint PRIMARY KEY, note text)'));
  beforeEach(async () => {
    await resetDb(current().db);
    await current().db.exec('TRUNCATE effects');
  });
  afterEach(async () => {
    await harness?.worker.stop(1000);
    harness = undefined;
  });

  describe('when a job succeeds', () => {
    it('runs it once and stores its result', async () => {
      harness = startHarness(current().db, [
        testHandler('test.echo', async (job) => ({ echoed: job.payload.key })),
      ]);
      const { id } = await harness.queue.enqueue({ queue: 'test.echo', payload: { key: 'hello' } });
      const [outcome] = await harness.waitForOutcomes(1);
      assert.deepEqual([outcome?.outcome, outcome?.jobId, outcome?.attempt], ['succeeded', id, 1]);
      const job = await findJob(current().db, id);
      assert.deepEqual([job?.state, job?.attempts, job?.result], ['succeeded', 1, { echoed: 'hello' }]);
      assert.equal(job?.leaseOwner, null);
    });

    it('commits the effects written through commit() together with the completion', async () => {
      harness = startHarness(current().db, [
        testHandler('test.effect', (job) =>
          job.commit((tx) =>
            tx.query('INSERT INTO effects (job_id, note) VALUES ($1, $2)', [job.id, job.payload.key]),
          ),
        ),
      ]);
      const { id } = await harness.queue.enqueue({ queue: 'test.effect', payload: { key: 'written' } });
      await harness.waitForOutcomes(1);
      const { rows } = await current().db.query('SELECT job_id, note FROM effects');
      assert.deepEqual(rows, [{ job_id: id, note: 'written' }]);
      assert.equal((await findJob(current().db, id))?.state, 'succeeded');
    });
  });

  describe('when a job fails', () => {
    it('retries with backoff and succeeds later; a failed commit leaves no effect behind', async () => {
      harness = startHarness(current().db, [
        testHandler('test.flaky', (job) =>
          job.commit(async (tx) => {
            await tx.query('INSERT INTO effects (job_id, note) VALUES ($1, $2)', [
              job.id,
              `attempt ${job.attempt}`,
            ]);
            if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
          }),
        ),
      ]);
      const { id } = await harness.queue.enqueue({ queue: 'test.flaky', payload: { key: 'x' } });
      const outcomes = await harness.waitForOutcomes(3);
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['retrying', 'retrying', 'succeeded'],
      );
      const { rows } = await current().db.query('SELECT note FROM effects');
      assert.deepEqual(rows, [{ note: 'attempt 3' }]);
      assert.equal((await findJob(current().db, id))?.attempts, 3);
    });

    it('dead-letters the job after maxAttempts with its last error', async () => {
      harness = startHarness(current().db, [
        testHandler('test.broken', async () => {
          throw new Error('the remote is down');
        }),
      ]);
      const { id } = await harness.queue.enqueue({
        queue: 'test.broken',
        payload: { key: 'x' },
        maxAttempts: 2,
      });
      const outcomes = await harness.waitForOutcomes(2);
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['retrying', 'dead'],
      );
      const job = await findJob(current().db, id);
      assert.deepEqual([job?.state, job?.attempts, job?.lastError], ['dead', 2, 'the remote is down']);
      assert.ok(job?.finishedAt);
    });

    it('dead-letters at once when the handler says the input is bad', async () => {
      harness = startHarness(current().db, [
        testHandler('test.bad-input', async () => {
          throw new RaygateError('SBOM_INVALID', 'input', 'not a CycloneDX document');
        }),
      ]);
      const { id } = await harness.queue.enqueue({
        queue: 'test.bad-input',
        payload: { key: 'x' },
        maxAttempts: 5,
      });
      const [outcome] = await harness.waitForOutcomes(1);
      assert.equal(outcome?.outcome, 'dead');
      assert.equal((await findJob(current().db, id))?.attempts, 1);
    });

    it('aborts an attempt that exceeds the handler timeout and counts it as failed', async () => {
      harness = startHarness(current().db, [
        testHandler('test.slow', (job) => sleep(10_000, job.signal), { timeoutMs: 100, maxAttempts: 1 }),
      ]);
      const { id } = await harness.queue.enqueue({ queue: 'test.slow', payload: { key: 'x' } });
      const [outcome] = await harness.waitForOutcomes(1);
      assert.equal(outcome?.outcome, 'dead');
      assert.match((await findJob(current().db, id))?.lastError ?? '', /exceeded 100 ms/);
    });
  });

  describe('when the worker that held a job died', () => {
    it('lets another worker reclaim it after the lease expires, and fences out the old holder', async () => {
      const { db } = current();
      const registry = new JobRegistry([
        testHandler('test.effect', (job) =>
          job.commit((tx) =>
            tx.query('INSERT INTO effects (job_id, note) VALUES ($1, $2)', [job.id, 'survivor']),
          ),
        ),
      ]);
      const queue = new JobQueue(db, registry, 3);
      const { id } = await queue.enqueue({ queue: 'test.effect', payload: { key: 'x' } });
      // A worker claims it and then never renews: what a SIGKILLed replica leaves behind.
      const [claimed] = await claimJobs(db, ['test.effect'], 1, 'dead-replica', 300);
      assert.equal(claimed?.id, id);
      harness = startHarness(db, [registry.get('test.effect')!]);
      const [outcome] = await harness.waitForOutcomes(1);
      assert.deepEqual([outcome?.outcome, outcome?.attempt], ['succeeded', 2]);
      assert.equal(
        await completeJob(db, id, claimed!.leaseToken, null),
        false,
        'the old lease token no longer completes the job',
      );
      assert.deepEqual((await db.query('SELECT note FROM effects')).rows, [{ note: 'survivor' }]);
    });

    it('dead-letters a job whose lease expired on its last attempt', async () => {
      const { db } = current();
      const poison = testHandler('test.poison', async () => 'never runs again');
      const { id } = await new JobQueue(db, new JobRegistry([poison]), 3).enqueue({
        queue: 'test.poison',
        payload: { key: 'x' },
        maxAttempts: 1,
      });
      await claimJobs(db, ['test.poison'], 1, 'dead-replica', 100);
      await sleep(200);
      harness = startHarness(db, [poison]);
      for (let i = 0; i < 100 && (await findJob(db, id))?.state !== 'dead'; i++) await sleep(50);
      const job = await findJob(db, id);
      assert.deepEqual([job?.state, job?.attempts], ['dead', 1]);
      assert.match(job?.lastError ?? '', /dead-replica expired on the last attempt/);
      assert.deepEqual(harness.outcomes, [], 'it never ran again');
    });
  });

  describe('when the worker stops', () => {
    it('finishes a job that completes within the grace period', async () => {
      harness = startHarness(current().db, [testHandler('test.short', (job) => sleep(150, job.signal))]);
      const { id } = await harness.queue.enqueue({ queue: 'test.short', payload: { key: 'x' } });
      while ((await findJob(current().db, id))?.state !== 'running') await sleep(20);
      await harness.worker.stop(5000);
      assert.equal((await findJob(current().db, id))?.state, 'succeeded');
    });

    it('hands a job still running after the grace period back to the queue, attempt not counted', async () => {
      let started = false;
      harness = startHarness(current().db, [
        testHandler('test.long', async (job) => {
          started = true;
          await sleep(60_000, job.signal);
        }),
      ]);
      const { id } = await harness.queue.enqueue({ queue: 'test.long', payload: { key: 'x' } });
      while (!started) await sleep(20);
      await harness.worker.stop(100);
      assert.deepEqual(
        harness.outcomes.map((o) => o.outcome),
        ['released'],
      );
      const job = await findJob(current().db, id);
      assert.deepEqual([job?.state, job?.attempts, job?.leaseOwner], ['queued', 0, null]);
    });
  });
});

describe('Worker without handlers', () => {
  it('does not poll at all', async () => {
    const worker = new Worker({
      db: { query: () => Promise.reject(new Error('polled')) } as never,
      registry: new JobRegistry([]),
      log: SILENT_LOGGER,
      workerId: 'w',
      concurrency: 1,
      pollIntervalMs: 10,
      leaseMs: 1000,
      backoff: { baseMs: 1, maxMs: 1 },
    });
    worker.start();
    await sleep(50);
    await worker.stop(0);
  });
});
