import assert from 'node:assert/strict';
import { assertMove, canMove, isFinal, RELEASE_STATES } from '../../src/gate/state-machine.ts';
import type { ReleaseState } from '../../src/store/repos/releases.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

/** The moves issue #8 allows: pending → evaluating → awaiting_approval | rejected → approved | rejected. */
const ALLOWED: readonly [ReleaseState, ReleaseState][] = [
  ['pending', 'evaluating'],
  ['evaluating', 'awaiting_approval'],
  ['evaluating', 'rejected'],
  ['awaiting_approval', 'approved'],
  ['awaiting_approval', 'rejected'],
];

const allowed = (from: ReleaseState, to: ReleaseState) => ALLOWED.some(([f, t]) => f === from && t === to);

describe('release state machine', () => {
  describe('when a move is one of the five allowed', () => {
    for (const [from, to] of ALLOWED) {
      it(`allows ${from} → ${to}`, () => {
        assert.equal(canMove(from, to), true);
        assert.doesNotThrow(() => assertMove(from, to));
      });
    }
  });

  describe('when a move is any other', () => {
    const forbidden = RELEASE_STATES.flatMap((from) =>
      RELEASE_STATES.filter((to) => !allowed(from, to)).map((to) => [from, to] as const),
    );

    it('leaves exactly 20 forbidden moves of the 25 (staying put included)', () => {
      assert.equal(RELEASE_STATES.length, 5);
      assert.equal(forbidden.length, 20);
    });

    for (const [from, to] of forbidden) {
      it(`refuses ${from} → ${to} with GATE_TRANSITION_INVALID (conflict)`, async () => {
        assert.equal(canMove(from, to), false);
        const error = await assertRejectsWithCode(
          () => assertMove(from, to, 'rel_x'),
          'GATE_TRANSITION_INVALID',
        );
        assert.equal(error.kind, 'conflict');
        assert.match(error.message, new RegExp(`rel_x is ${from}; it cannot become ${to}`));
      });
    }
  });

  describe('when a state is final', () => {
    it('names approved and rejected final, and only them', () => {
      assert.deepEqual(
        RELEASE_STATES.filter((s) => isFinal(s)),
        ['approved', 'rejected'],
      );
      const error = (() => {
        try {
          assertMove('rejected', 'approved');
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      assert.match(error?.message ?? '', /rejected is final/);
    });
  });
});
