import { RaygateError } from '../shared/errors.ts';
import type { ReviewRecord } from '../store/repos/release-reviews.ts';
import type { ReleaseRecord } from '../store/repos/releases.ts';

/**
 * Whether `actor` may approve `release`: never the submitter (for a CI submission that is the repository
 * and workflow identity its OIDC token carried; for a token, the token), and never twice. Pure; the
 * caller holds the release's row lock, so two requests cannot both pass.
 */
export function checkApprover(
  release: Pick<ReleaseRecord, 'id' | 'submittedBy'>,
  actor: string,
  reviews: readonly Pick<ReviewRecord, 'kind' | 'actor'>[],
): void {
  if (actor === release.submittedBy) {
    throw new RaygateError(
      'GATE_SOD_VIOLATION',
      'forbidden',
      `${actor} submitted release ${release.id} and cannot approve it: separation of duties.`,
    );
  }
  if (reviews.some((r) => r.kind === 'approval' && r.actor === actor)) {
    throw new RaygateError(
      'GATE_APPROVAL_DUPLICATE',
      'conflict',
      `${actor} has already approved release ${release.id}; an approval counts once.`,
    );
  }
}

/** Whether `actor` may approve an exception: an admin other than the one who created it (four eyes). */
export function checkExceptionApprover(exception: { id: string; createdBy: string }, actor: string): void {
  if (exception.createdBy === actor) {
    throw new RaygateError(
      'GATE_SOD_VIOLATION',
      'forbidden',
      `${actor} created exception ${exception.id} and cannot approve it: another admin must.`,
    );
  }
}
