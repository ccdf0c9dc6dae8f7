import assert from 'node:assert/strict';
import { isRaygateError } from '../../src/shared/errors.ts';

/** Asserts that `run` throws (or rejects with) a RaygateError carrying `code`; returns the error. */
export async function assertRejectsWithCode(run: () => unknown, code: string) {
  try {
    await run();
  } catch (error) {
    assert.ok(isRaygateError(error), `expected a RaygateError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected an error with code ${code}, but nothing was thrown`);
}
