import { RaygateError } from '../../shared/errors.ts';
import type { UiSessionRecord, UiSessions } from '../../store/ui-sessions.ts';
import {
  clearedSessionCookie,
  csrfTokenFor,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from '../auth/cookie-session.ts';
import type { Principal } from '../auth/principal.ts';
import { defineRoute, ok, type JsonSchema, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

const SESSION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['actor', 'name', 'role', 'projects', 'expiresAt', 'csrfToken'],
  properties: {
    actor: { type: 'string' },
    name: { type: 'string', description: "The token's label." },
    role: { enum: ['viewer', 'submitter', 'approver', 'admin'] },
    projects: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every project.' },
    approvalRoles: { type: 'array', items: { type: 'string' } },
    expiresAt: { type: 'string', format: 'date-time' },
    csrfToken: {
      type: 'string',
      description: 'Send it as X-Raygate-CSRF on every change made with the cookie.',
    },
  },
};

/**
 * Sign-in for the web UI (see auth/cookie-session.ts for why): a Bearer API token is exchanged for a
 * session cookie; the page reads who it is and its CSRF token from `current`; sign-out revokes it.
 */
export function createUiSessionRoutes(services: ApiServices): Route[] {
  const { sessions, now } = services;
  if (!sessions) return [];
  return [
    defineRoute({
      name: 'createSession',
      method: 'post',
      path: '/api/v1/sessions',
      summary:
        'Sign in to the web UI: exchange the API token in the Authorization header for a session cookie.',
      description:
        'The answer sets an HttpOnly, SameSite=Strict cookie (Secure over https) holding an opaque session id; ' +
        'the token itself is not kept. The session acts with the token’s role and projects, ends after 12 hours, ' +
        'after 2 idle hours, when the token is revoked or expires, or on sign-out.',
      tags: ['auth'],
      permission: 'session:read',
      responses: {
        201: { description: 'Signed in; Set-Cookie carries the session.', schema: SESSION_SCHEMA },
        400: { description: 'Not an API token (SESSION_TOKEN_REQUIRED).' },
        401: { description: 'The token is not valid.' },
      },
      handler: async ({ principal, header, secure }) => {
        if (header('authorization') === undefined || principal.kind !== 'token') {
          throw new RaygateError(
            'SESSION_TOKEN_REQUIRED',
            'usage',
            'Sign in with a raygate API token (rg_…) in the Authorization header.',
          );
        }
        const token = await services.tokens.get(principal.tokenId);
        if (!token) throw new Error(`token ${principal.tokenId} vanished after authentication`);
        const issued = await sessions.create(token, header('user-agent'));
        return ok(describe(principal, issued.record, issued.secret), 201, {
          'Set-Cookie': sessionCookie(issued.secret, issued.record.expiresAt, secure, now()),
        });
      },
    }),
    defineRoute({
      name: 'getCurrentSession',
      method: 'get',
      path: '/api/v1/sessions/current',
      summary: 'The web UI session of the cookie: who is signed in, until when, and its CSRF token.',
      tags: ['auth'],
      permission: 'session:read',
      responses: {
        200: { description: 'The session.', schema: SESSION_SCHEMA },
        401: { description: 'No session (or it ended): sign in.' },
      },
      handler: async ({ principal, header }) => {
        const { session, secret } = await cookieSession(sessions, header);
        return ok(describe(principal, session, secret));
      },
    }),
    defineRoute({
      name: 'deleteCurrentSession',
      method: 'delete',
      path: '/api/v1/sessions/current',
      summary: 'Sign out: revoke the web UI session of the cookie on the server and clear the cookie.',
      tags: ['auth'],
      permission: 'session:read',
      responses: { 204: { description: 'Signed out.' } },
      handler: async ({ principal, header, secure }) => {
        const { session } = await cookieSession(sessions, header);
        await sessions.revoke(session, principal.actor);
        return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(secure) } };
      },
    }),
  ];
}

/** The session behind the request's cookie (the app has already authenticated the request with it). */
async function cookieSession(
  sessions: UiSessions,
  header: (name: string) => string | undefined,
): Promise<{ session: UiSessionRecord; secret: string }> {
  const secret =
    header('authorization') === undefined ? readCookie(header('cookie'), SESSION_COOKIE) : undefined;
  const check = secret === undefined ? undefined : await sessions.check(secret);
  if (!secret || !check?.ok) {
    throw new RaygateError('SESSION_NOT_FOUND', 'not-found', 'This request carries no web UI session.');
  }
  return { session: check.session, secret };
}

function describe(principal: Principal, session: UiSessionRecord, secret: string) {
  return {
    actor: principal.actor,
    name: principal.kind === 'token' ? principal.name : principal.actor,
    role: principal.role,
    projects: principal.projects,
    approvalRoles: principal.kind === 'token' ? principal.approvalRoles : [],
    expiresAt: session.expiresAt.toISOString(),
    csrfToken: csrfTokenFor(secret),
  };
}
