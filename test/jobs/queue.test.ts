import assert from 'node:assert/strict';
import { JobRegistry } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { describeEachBackend, resetDb } from '../support/test-db.ts';
import { testHandler } from './support.ts';

describeEachBackend('JobQueue', (current) => {
  const registry = new JobRegistry([testHandler('test.echo', async () => 'ok', { maxAttempts: 7 })]);
  const queue = () => new JobQueue(current().db, registry, 3);

  beforeEach(() => resetDb(current().db));

  it('enqueues a job once per idempotency key', async () => {
    const first = await queue().enqueue({
      queue: 'test.echo',
      payload: { key: 'a' },
      idempotencyKey: 'release-1',
    });
    const again = await queue().enqueue({
      queue: 'test.echo',
      payload: { key: 'a' },
      idempotencyKey: 'release-1',
    });
    const other = await queue().enqueue({
      queue: 'test.echo',
      payload: { key: 'a' },
      idempotencyKey: 'release-2',
    });
    assert.deepEqual([first.created, again.created, other.created], [true, false, true]);
    assert.equal(again.id, first.id);
    assert.notEqual(other.id, first.id);
    const job = await queue().get(first.id);
    assert.equal(job?.state, 'queued');
    assert.equal(job?.maxAttempts, 7, "the handler's maxAttempts is the default");
    assert.deepEqual(job?.payload, { key: 'a' });
  });

  it('refuses an unknown queue and a payload that fails the schema', async () => {
    await assertRejectsWithCode(
      () => queue().enqueue({ queue: 'test.nowhere', payload: {} }),
      'JOB_QUEUE_UNKNOWN',
    );
    await assertRejectsWithCode(
      () => queue().enqueue({ queue: 'test.echo', payload: { key: 1 } }),
      'JOB_PAYLOAD_INVALID',
    );
  });

  it('enqueues atomically with the caller’s transaction', async () => {
    const { db } = current();
    await assert.rejects(
      db.transaction(async (tx) => {
        await queue().enqueue({ queue: 'test.echo', payload: { key: 'tx' } }, tx);
        throw new Error('the change failed');
      }),
    );
    assert.deepEqual(await queue().depth(), []);
  });

  it('reports depth by queue and state', async () => {
    await queue().enqueue({ queue: 'test.echo', payload: { key: '1' } });
    await queue().enqueue({ queue: 'test.echo', payload: { key: '2' } });
    assert.deepEqual(await queue().depth(), [{ queue: 'test.echo', state: 'queued', count: 2 }]);
  });
});

describe('JobRegistry', () => {
  it('refuses duplicate and badly named queues', () => {
    assert.throws(
      () => new JobRegistry([testHandler('test.a', async () => 1), testHandler('test.a', async () => 2)]),
      /two job handlers/,
    );
    assert.throws(() => new JobRegistry([testHandler('NoDots', async () => 1)]), /dotted/);
  });
});
