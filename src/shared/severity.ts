import { RaygateError } from './errors.ts';

/** One severity scale for every kind of finding (advisories, pin checks, hardening rules, policy). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** True when `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[b] - RANK[a];
}

/** `--fail-on` values: a severity, or `never` to always exit 0 on findings. */
export type FailOn = Severity | 'never';
export const FAIL_ON_CHOICES: readonly FailOn[] = [...SEVERITIES, 'never'];

export function parseFailOn(value: string): FailOn {
  const v = value.toLowerCase();
  if ((FAIL_ON_CHOICES as readonly string[]).includes(v)) return v as FailOn;
  throw new RaygateError(
    'FAIL_ON_INVALID',
    'usage',
    `--fail-on must be one of ${FAIL_ON_CHOICES.join(', ')}.`,
  );
}

/** True when any of `severities` reaches the `--fail-on` threshold. */
export function failsOn(severities: Iterable<Severity>, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  for (const s of severities) if (atLeast(s, failOn)) return true;
  return false;
}
