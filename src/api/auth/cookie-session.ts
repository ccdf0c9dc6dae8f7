import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { RaygateError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { UiSessions } from '../../store/ui-sessions.ts';
import type { Authenticator } from './authenticate.ts';
import { tokenPrincipal, type Principal } from './principal.ts';

/*
 * Why a server-side session and not the token in the browser: a token kept in localStorage or a readable
 * cookie is readable by any script that ever runs on the page, and an API token lives for months. The UI
 * instead trades the token once (POST /api/v1/sessions, token sent as a Bearer header, never stored by the
 * page) for an opaque session id in an HttpOnly cookie that script cannot read. The server stores only the
 * id's hash; the session expires (absolute and idle), dies with its token and is revoked on sign-out.
 *
 * A cookie is sent by the browser on its own, so every mutating call authenticated by it must prove it
 * comes from our pages (CSRF):
 * - SameSite=Strict: browsers do not attach the cookie to requests started by other sites at all;
 * - the Origin header (or, without it, Sec-Fetch-Site) must name this server;
 * - X-Raygate-CSRF must carry a token derived from the session secret (sha256 over a label and the secret).
 *   Only same-origin script can learn it (from GET /api/v1/sessions/current; CORS keeps other origins from
 *   reading that answer), and it cannot be forged without the HttpOnly secret — no extra state to store.
 * Authorization is then exactly what the token behind the session may do: the same principal, the same
 * role table, the same project checks.
 */

export const SESSION_COOKIE = 'raygate_session';
export const CSRF_HEADER = 'x-raygate-csrf';

/** The value of one cookie in a Cookie header (first occurrence), undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** The CSRF token of a session: derived from its secret, so it needs no storage and cannot be guessed. */
export function csrfTokenFor(secret: string): string {
  return createHash('sha256').update('raygate-ui-csrf\0').update(secret).digest('base64url');
}

/** Set-Cookie for a new session. `secure`: the request came over https (directly or via a trusted proxy). */
export function sessionCookie(secret: string, expiresAt: Date, secure: boolean, now: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  return `${SESSION_COOKIE}=${secret}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that makes the browser forget the session. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export interface RequestAuthentication {
  authenticator: Authenticator;
  /** Absent: the server has no UI sessions and ignores cookies. */
  sessions?: UiSessions;
  log: Logger;
}

/**
 * Who sent the request: a Bearer credential when there is an Authorization header (CI, the CLI), else the
 * UI session named by the cookie, with the CSRF checks above for mutating methods.
 */
export async function authenticateRequest(
  req: Request,
  auth: RequestAuthentication,
  mutating: boolean,
): Promise<Principal> {
  const authorization = req.get('authorization');
  const secret = auth.sessions ? readCookie(req.get('cookie'), SESSION_COOKIE) : undefined;
  if (authorization !== undefined || secret === undefined || !auth.sessions) {
    return auth.authenticator.authenticate(authorization);
  }
  const check = await auth.sessions.check(secret);
  if (!check.ok) {
    auth.log.info('ui session refused', { reason: check.reason });
    throw new RaygateError(
      'SESSION_INVALID',
      'unauthorized',
      'Your session has ended (signed out, expired, or its token was revoked). Sign in again.',
    );
  }
  if (mutating) checkCsrf(req, secret);
  return tokenPrincipal(check.token);
}

function checkCsrf(req: Request, secret: string): void {
  const origin = req.get('origin');
  const own = `${req.protocol}://${req.get('host') ?? ''}`;
  if (
    origin !== undefined ? origin !== own : (req.get('sec-fetch-site') ?? 'same-origin') !== 'same-origin'
  ) {
    throw csrfRejected('The request comes from another site.');
  }
  const presented = req.get(CSRF_HEADER);
  const expected = Buffer.from(csrfTokenFor(secret));
  if (presented === undefined || !safeEqual(Buffer.from(presented), expected)) {
    throw csrfRejected(`The request lacks a valid ${CSRF_HEADER} header.`);
  }
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function csrfRejected(why: string): RaygateError {
  return new RaygateError(
    'CSRF_REJECTED',
    'forbidden',
    `${why} Changes through a browser session must come from raygate's own pages.`,
  );
}
