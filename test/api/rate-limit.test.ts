import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/api/rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst of the budget, then refuses with the wait until the next request', () => {
    const limiter = new RateLimiter({ requests: 3, windowSeconds: 60 });
    const t = 1_000_000;
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('k', t).allowed),
      [true, true, true],
    );
    const refused = limiter.take('k', t);
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 20, remaining: 0 });
    assert.equal(limiter.take('other', t).allowed, true, 'keys are independent');
  });

  it('refills continuously', () => {
    const limiter = new RateLimiter({ requests: 2, windowSeconds: 10 });
    limiter.take('k', 0);
    limiter.take('k', 0);
    assert.equal(limiter.take('k', 4000).allowed, false);
    assert.equal(limiter.take('k', 5000).allowed, true);
  });

  it('forgets the least recently used keys when full, never the busy ones', () => {
    const limiter = new RateLimiter({ requests: 1, windowSeconds: 3600 }, 10);
    limiter.take('busy', 0);
    for (let i = 0; i < 30; i++) {
      limiter.take(`idle-${i}`, i);
      assert.equal(limiter.take('busy', i).allowed, false, 'the busy key keeps its empty bucket');
    }
  });
});
