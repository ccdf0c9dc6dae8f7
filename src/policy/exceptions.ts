import type { AppliedException, ReasonSubject } from './decision.ts';
import type { ExceptionEvidence, ReleaseInfo } from './evidence.ts';
import { packageMatches } from './package-ref.ts';

export type ExceptionState = 'active' | 'expired' | 'unapproved';

/**
 * Where an exception stands at `now`: active (approved, unexpired), expired (it fails the gate: an accepted
 * risk is reviewed, never kept silently past its date), or unapproved (it covers nothing).
 */
export function exceptionState(exception: ExceptionEvidence, now: Date): ExceptionState {
  const expires = Date.parse(exception.expiresAt);
  if (Number.isNaN(expires) || expires <= now.getTime()) return 'expired';
  return exception.approvedBy ? 'active' : 'unapproved';
}

/** True when the exception's scope (and rule list) covers a reason of rule `ruleId`. */
export function exceptionCovers(
  exception: ExceptionEvidence,
  ruleId: string,
  subject: ReasonSubject,
  release: ReleaseInfo,
): boolean {
  if (exception.rules && exception.rules.length > 0 && !exception.rules.includes(ruleId)) return false;
  const scope = exception.scope;
  switch (scope.kind) {
    case 'advisory': {
      const wanted = scope.id.toUpperCase();
      const ids = [subject.advisory, ...(subject.advisoryAliases ?? [])].filter((x): x is string => !!x);
      if (!ids.some((id) => id.toUpperCase() === wanted)) return false;
      return (
        scope.purl === undefined ||
        (subject.package !== undefined && packageMatches(scope.purl, subject.package))
      );
    }
    case 'purl':
      return subject.package !== undefined && packageMatches(scope.purl, subject.package);
    case 'artifact':
      return subject.artifact !== undefined && subject.artifact.toLowerCase() === scope.digest.toLowerCase();
    case 'release':
      return (
        scope.project === release.project &&
        (scope.version === undefined || scope.version === release.version)
      );
  }
}

export function applied(exception: ExceptionEvidence): AppliedException {
  return {
    id: exception.id,
    reason: exception.reason,
    owner: exception.owner,
    expiresAt: exception.expiresAt,
    ...(exception.approvedBy ? { approvedBy: exception.approvedBy } : {}),
  };
}

/** `advisory CVE-2023-48022 in pkg:pypi/ray`, for messages. */
export function describeScope(exception: ExceptionEvidence): string {
  const s = exception.scope;
  switch (s.kind) {
    case 'advisory':
      return `advisory ${s.id}${s.purl ? ` in ${s.purl}` : ''}`;
    case 'purl':
      return `package ${s.purl}`;
    case 'artifact':
      return `artifact ${s.digest}`;
    case 'release':
      return `release ${s.project}${s.version ? ` ${s.version}` : ' (every version)'}`;
  }
}
