import { RaygateError } from '../../shared/errors.ts';
import { releaseNotFound } from '../../gate/errors.ts';
import type { ReleaseRecord } from '../../store/repos/releases.ts';
import { coversProject } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import type { JsonSchema } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

export const RELEASE_ID_PARAMS: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^rel_[A-Za-z0-9_-]{1,64}$' } },
};

/**
 * The release if the caller's credential covers its project. One outside the caller's projects is
 * reported as missing, not forbidden: its existence is not theirs to learn.
 */
export async function visibleRelease(
  services: Pick<ApiServices, 'gate'>,
  principal: Principal,
  id: string,
): Promise<ReleaseRecord> {
  const release = await services.gate.releases.get(id);
  if (!coversProject(principal, release.project)) throw releaseNotFound(id);
  return release;
}

/** Opaque keyset cursor: the last item's time and id. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.getTime()}:${id}`).toString('base64url');
}

/** The cursor a listing gave back to it; anything else is refused (REQUEST_INVALID). */
export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,80})$/.exec(text);
  if (!match) throw new RaygateError('REQUEST_INVALID', 'usage', 'The cursor is not one this server gave.');
  return { at: new Date(Number(match[1])), id: match[2]! };
}
