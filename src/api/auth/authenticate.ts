import { RaygateError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import { looksLikeApiToken, type ApiTokens } from '../../store/api-tokens.ts';
import type { OidcVerifier } from './oidc.ts';
import { tokenPrincipal, type Principal } from './principal.ts';

export interface Authenticator {
  /** The principal behind an `Authorization` header; throws an `unauthorized` RaygateError otherwise. */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/**
 * Bearer credentials only: a raygate API token (`rg_…`) or an OIDC ID token (a JWT). Every refusal of an
 * API token looks the same to the client (unknown, revoked and expired alike) so a stolen token's state
 * is not revealed; the reason goes to the log.
 */
export function createAuthenticator(
  tokens: Pick<ApiTokens, 'check'>,
  oidc: OidcVerifier,
  log: Logger,
): Authenticator {
  return {
    async authenticate(authorization) {
      const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) {
        throw new RaygateError(
          'UNAUTHENTICATED',
          'unauthorized',
          'Send a raygate API token or a CI OIDC token as "Authorization: Bearer <token>".',
        );
      }
      const credential = match[1]!;
      if (looksLikeApiToken(credential)) {
        const check = await tokens.check(credential);
        if (!check.ok) {
          log.info('api token refused', { reason: check.reason });
          throw new RaygateError(
            'TOKEN_INVALID',
            'unauthorized',
            'The API token is not valid (unknown, expired or revoked).',
          );
        }
        return tokenPrincipal(check.record);
      }
      if (!oidc.enabled) {
        throw new RaygateError(
          'TOKEN_INVALID',
          'unauthorized',
          'The bearer token is not a raygate API token.',
        );
      }
      return oidc.verify(credential);
    },
  };
}
