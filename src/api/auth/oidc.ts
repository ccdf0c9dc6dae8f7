import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcIssuerConfig, OidcProjectMapping } from '../../config.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { OidcPrincipal } from './principal.ts';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies OpenID Connect ID tokens from configured issuers (GitHub Actions: issuer
 * https://token.actions.githubusercontent.com) and maps their `repository`/`ref` claims to a project.
 * The signature is checked against the issuer's JWKS, fetched from the configured URL and cached (a key
 * the cache does not know triggers a refetch, rate limited by jose's cooldown); `iss`, `aud`, `exp`,
 * `nbf` and `iat` are checked with a small clock tolerance, and `iat` may not be older than
 * `maxTokenAgeSeconds`. Only the issuers' own claims are believed.
 */
export class OidcVerifier {
  readonly #issuers: Map<string, { config: OidcIssuerConfig; keys: KeySet }>;
  readonly #now: () => Date;

  constructor(issuers: readonly OidcIssuerConfig[], now: () => Date) {
    this.#now = now;
    this.#issuers = new Map(
      issuers.map((config) => [
        config.issuer,
        {
          config,
          keys: createRemoteJWKSet(new URL(config.jwksUrl), {
            cacheMaxAge: config.jwksCacheSeconds * 1000,
            cooldownDuration: config.jwksCooldownSeconds * 1000,
            timeoutDuration: 5000,
          }),
        },
      ]),
    );
  }

  get enabled(): boolean {
    return this.#issuers.size > 0;
  }

  async verify(token: string): Promise<OidcPrincipal> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw unauthorized('TOKEN_MALFORMED', 'The bearer token is neither a raygate token nor a JWT.');
    }
    // The unverified `iss` only picks which keys to verify with; nothing else is read before verification.
    const issuer = typeof unverified.iss === 'string' ? this.#issuers.get(unverified.iss) : undefined;
    if (!issuer)
      throw unauthorized(
        'OIDC_ISSUER_UNTRUSTED',
        'The token was issued by an issuer raygate does not trust.',
      );
    const { config, keys } = issuer;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audiences,
        algorithms: config.algorithms,
        clockTolerance: config.clockToleranceSeconds,
        maxTokenAge: config.maxTokenAgeSeconds,
        requiredClaims: ['exp', 'iat', 'sub', 'repository', 'ref'],
        currentDate: this.#now(),
      }));
    } catch (error) {
      throw toVerificationError(error);
    }
    const claims = {
      issuer: config.issuer,
      subject: stringClaim(payload, 'sub'),
      repository: stringClaim(payload, 'repository'),
      ref: stringClaim(payload, 'ref'),
      sha: optionalClaim(payload, 'sha'),
      workflowRef: optionalClaim(payload, 'workflow_ref'),
      runId: optionalClaim(payload, 'run_id'),
      actor: optionalClaim(payload, 'actor'),
    };
    const mapping = config.projects.find((m) => matchesMapping(m, claims.repository, claims.ref));
    if (!mapping) {
      throw new RaygateError(
        'OIDC_PROJECT_UNMAPPED',
        'forbidden',
        `No project is mapped to repository ${claims.repository} at ${claims.ref}.`,
      );
    }
    return {
      kind: 'oidc',
      actor: `oidc:${config.issuer}#${claims.subject}`,
      role: 'submitter',
      projects: [mapping.project],
      claims,
    };
  }
}

/** GitHub treats repository names case-insensitively; refs are exact, with `*` as a wildcard. */
export function matchesMapping(mapping: OidcProjectMapping, repository: string, ref: string): boolean {
  if (mapping.repository.toLowerCase() !== repository.toLowerCase()) return false;
  return mapping.refs.length === 0 || mapping.refs.some((pattern) => globMatch(pattern, ref));
}

function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stringClaim(payload: JWTPayload, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw unauthorized('OIDC_TOKEN_INVALID', `The token's ${name} claim is missing or not a string.`);
  }
  return value;
}

function optionalClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

function toVerificationError(error: unknown): RaygateError {
  if (error instanceof joseErrors.JWTExpired)
    return unauthorized('OIDC_TOKEN_EXPIRED', `The OIDC token has expired (${error.claim}).`);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthorized('OIDC_TOKEN_INVALID', `The OIDC token was rejected: ${error.message}.`);
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return new RaygateError(
      'OIDC_KEYS_UNAVAILABLE',
      'unavailable',
      "The issuer's signing keys could not be fetched.",
      { cause: error },
    );
  }
  if (error instanceof joseErrors.JOSEError) {
    return unauthorized('OIDC_TOKEN_INVALID', "The OIDC token's signature or form does not verify.");
  }
  // fetch failures (issuer unreachable) are not JOSE errors.
  return new RaygateError(
    'OIDC_KEYS_UNAVAILABLE',
    'unavailable',
    "The issuer's signing keys could not be fetched.",
    { cause: error },
  );
}

function unauthorized(code: string, message: string): RaygateError {
  return new RaygateError(code, 'unauthorized', message);
}
