import { defineRoute, ok, type Route } from '../define-route.ts';

/** Who the server thinks the caller is: lets CI check its credential and mapping before submitting. */
export function createSessionRoutes(): Route[] {
  return [
    defineRoute({
      name: 'getSession',
      method: 'get',
      path: '/api/v1/session',
      summary: 'The verified identity behind the presented credential, its role and projects.',
      tags: ['auth'],
      permission: 'session:read',
      responses: {
        200: {
          description: 'The caller.',
          schema: {
            type: 'object',
            required: ['kind', 'actor', 'role', 'projects'],
            properties: {
              kind: { enum: ['token', 'oidc'] },
              actor: { type: 'string' },
              role: { type: 'string' },
              projects: { type: ['array', 'null'], items: { type: 'string' } },
              claims: { type: 'object' },
            },
          },
        },
      },
      handler: async ({ principal }) =>
        ok({
          kind: principal.kind,
          actor: principal.actor,
          role: principal.role,
          projects: principal.projects,
          ...(principal.kind === 'oidc' ? { claims: principal.claims } : {}),
        }),
    }),
  ];
}
