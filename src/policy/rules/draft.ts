import type { ReasonSubject } from '../decision.ts';
import type { ReleaseEvidence } from '../evidence.ts';
import type { Handling } from '../policy.ts';

/**
 * What a rule family reports before the rule's action and the exceptions are applied:
 * - `violation`: the rule is broken here; becomes `fail` or `warn` by the rule's action, or `excepted`;
 * - `fail`: fails whatever the action and no exception covers it (a malicious package, an expired ignore);
 * - `warn`, `info`: reported as such;
 * - `pending`: an approval still missing (becomes `warn` for a rule whose action is warn).
 */
export type DraftKind = 'violation' | 'fail' | 'warn' | 'info' | 'pending';

export interface Draft {
  kind: DraftKind;
  code: string;
  message: string;
  subject: ReasonSubject;
  /** Violations only: false when no exception may cover it. */
  waivable?: boolean;
}

export interface FamilyOutcome {
  drafts: Draft[];
  /** What the rule looked at, for the summary line (`3 artifacts`, `2 lock files, 412 requirements`). */
  checked: string;
}

export interface FamilyInput<R> {
  rule: R;
  evidence: ReleaseEvidence;
  now: Date;
}

/** The draft a secondary condition produces under its handling option, or none. */
export function handled(handling: Handling, draft: Omit<Draft, 'kind'>): Draft[] {
  if (handling === 'ignore') return [];
  return [{ ...draft, kind: handling === 'fail' ? 'violation' : 'warn' }];
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
