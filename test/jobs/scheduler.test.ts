import assert from 'node:assert/strict';
import { JobRegistry } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { Scheduler, type Schedule } from '../../src/jobs/scheduler.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import type { Db } from '../../src/store/db.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { describeEachBackend, resetDb } from '../support/test-db.ts';
import { sleep, testHandler } from './support.ts';

const registry = new JobRegistry([testHandler('test.tick', async () => 'ok')]);

function scheduler(db: Db, schedule: Partial<Schedule> = {}): Scheduler {
  return new Scheduler({
    db,
    queue: new JobQueue(db, registry, 3),
    schedules: [
      {
        name: 'tick',
        queue: 'test.tick',
        payload: { key: 'k' },
        everyMs: 400,
        jitterMs: 0,
        skipIfActive: false,
        ...schedule,
      },
    ],
    log: SILENT_LOGGER,
    tickMs: 50,
    random: () => 0,
  });
}

async function jobs(db: Db): Promise<{ idempotency_key: string }[]> {
  return (await db.query<{ idempotency_key: string }>('SELECT idempotency_key FROM jobs ORDER BY id')).rows;
}

describeEachBackend('Scheduler', (current) => {
  beforeEach(() => resetDb(current().db));

  it('enqueues each due run exactly once across replicas ticking together', async () => {
    const { db, backend, location } = current();
    const other =
      backend === 'postgres' ? await openPgDb({ url: location, poolMax: 3, log: SILENT_LOGGER }) : db;
    try {
      const replicas = [scheduler(db), scheduler(other), scheduler(db), scheduler(other)];
      const first = await Promise.all(replicas.map((r) => r.tick()));
      assert.equal(first.flat().length, 1, 'one replica enqueued the first run');
      assert.deepEqual((await Promise.all(replicas.map((r) => r.tick()))).flat(), [], 'not due again yet');
      await sleep(450);
      const second = await Promise.all(replicas.map((r) => r.tick()));
      assert.equal(second.flat().length, 1, 'one replica enqueued the second run');
      const keys = (await jobs(db)).map((j) => j.idempotency_key);
      assert.equal(keys.length, 2);
      assert.equal(new Set(keys).size, 2);
      for (const key of keys) assert.match(key, /^schedule:tick:\d+$/);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('skips a run while the previous run is still queued when skipIfActive is set', async () => {
    const { db } = current();
    const s = scheduler(db, { skipIfActive: true, everyMs: 100 });
    assert.deepEqual(await s.tick(), ['tick']);
    await sleep(150);
    assert.deepEqual(await s.tick(), [], 'the first run is still queued');
    await db.query("UPDATE jobs SET state = 'succeeded', finished_at = now()");
    await sleep(150);
    assert.deepEqual(await s.tick(), ['tick']);
    assert.equal((await jobs(db)).length, 2);
  });

  it('runs on its own timer once started, and stops', async () => {
    const { db } = current();
    const s = scheduler(db, { everyMs: 100 });
    s.start();
    await sleep(600);
    await s.stop();
    const count = (await jobs(db)).length;
    assert.ok(count >= 2 && count <= 7, `${count} runs in 600 ms at one per 100 ms`);
    await sleep(250);
    assert.equal((await jobs(db)).length, count, 'nothing after stop');
  });
});
