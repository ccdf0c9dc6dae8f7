import assert from 'node:assert/strict';
import { createJobHandlers } from '../../../src/jobs/handlers/index.ts';
import { createPruneJobsHandler, PRUNE_JOBS_QUEUE } from '../../../src/jobs/handlers/prune-jobs.ts';
import { JobRegistry } from '../../../src/jobs/job-handler.ts';
import { SCHEDULES } from '../../../src/jobs/schedule.ts';
import { SILENT_LOGGER } from '../../../src/shared/log.ts';
import { describeEachBackend, resetDb } from '../../support/test-db.ts';
import { startHarness, type Harness } from '../support.ts';

describe('the shipped schedule', () => {
  it('names only queues that have a handler, with payloads their schemas accept', () => {
    const registry = new JobRegistry(
      createJobHandlers({ db: {} as never, log: SILENT_LOGGER, now: () => new Date(), gate: {} as never }),
    );
    for (const schedule of SCHEDULES) registry.check(schedule.queue, schedule.payload);
    assert.equal(new Set(SCHEDULES.map((s) => s.name)).size, SCHEDULES.length);
  });
});

describeEachBackend('maintenance.prune-jobs', (current) => {
  let harness: Harness | undefined;
  beforeEach(() => resetDb(current().db));
  afterEach(() => harness?.worker.stop(1000));

  it('deletes finished jobs past their retention and keeps the rest', async () => {
    const { db } = current();
    await db.exec(`
      INSERT INTO jobs (queue, payload, state, max_attempts, run_at, finished_at, idempotency_key) VALUES
        ('other.work', '{}', 'succeeded', 1, now(), now() - interval '8 days', 'old-success'),
        ('other.work', '{}', 'succeeded', 1, now(), now() - interval '6 days', 'recent-success'),
        ('other.work', '{}', 'dead', 1, now(), now() - interval '31 days', 'old-dead'),
        ('other.work', '{}', 'dead', 1, now(), now() - interval '8 days', 'recent-dead'),
        ('other.work', '{}', 'queued', 1, now() + interval '1 day', NULL, 'waiting')`);
    harness = startHarness(db, [createPruneJobsHandler()]);
    const { id } = await harness.queue.enqueue({
      queue: PRUNE_JOBS_QUEUE,
      payload: { succeededDays: 7, deadDays: 30 },
    });
    const [outcome] = await harness.waitForOutcomes(1);
    assert.equal(outcome?.outcome, 'succeeded');
    const { rows } = await db.query<{ idempotency_key: string | null }>(
      'SELECT idempotency_key FROM jobs WHERE id <> $1 ORDER BY idempotency_key',
      [id],
    );
    assert.deepEqual(
      rows.map((r) => r.idempotency_key),
      ['recent-dead', 'recent-success', 'waiting'],
    );
  });
});
