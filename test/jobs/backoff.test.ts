import assert from 'node:assert/strict';
import { retryDelayMs } from '../../src/jobs/backoff.ts';

describe('retryDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt, half of it fixed and half random', () => {
    assert.equal(
      retryDelayMs(1, policy, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(1, policy, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(3, policy, () => 0),
      2000,
    );
    assert.equal(
      retryDelayMs(3, policy, () => 1),
      4000,
    );
  });

  it('never exceeds the cap, even after very many attempts', () => {
    assert.equal(
      retryDelayMs(10, policy, () => 1),
      60_000,
    );
    assert.equal(
      retryDelayMs(10_000, policy, () => 1),
      60_000,
    );
    assert.equal(
      retryDelayMs(10, policy, () => 0),
      30_000,
    );
  });
});
