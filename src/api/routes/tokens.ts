import { parseDuration } from '../../config.ts';
import { RaygateError } from '../../shared/errors.ts';
import {
  APPROVAL_ROLE_PATTERN,
  PROJECT_PATTERN,
  ROLES,
  type ApiTokenRecord,
  type Role,
} from '../../store/api-tokens.ts';
import { coversProject } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { defineRoute, ok, type JsonSchema, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

export const DEFAULT_TOKEN_LIFETIME = '90d';
export const EXPIRY_PATTERN = '^([1-9][0-9]{0,5}[hdw]|never)$';

const TOKEN_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'hint', 'role', 'projects', 'state', 'createdBy', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    hint: { type: 'string', description: 'The first characters of the secret, to tell tokens apart.' },
    role: { enum: [...ROLES] },
    projects: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every project.' },
    approvalRoles: {
      type: 'array',
      items: { type: 'string' },
      description: "Approval roles of the holder, counted by policies' approvals rules.",
    },
    state: { enum: ['active', 'expired', 'revoked'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedBy: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

const ID_PARAMS: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^tok_[A-Za-z0-9_-]{1,64}$' } },
};

interface CreateTokenBody {
  name: string;
  role: Role;
  projects?: string[];
  approvalRoles?: string[];
  expiresIn: string;
}

/** Token management for admins: the first mutating routes, so authentication is exercised end to end. */
export function createTokenRoutes(services: Pick<ApiServices, 'tokens' | 'now'>): Route[] {
  const { tokens, now } = services;
  return [
    defineRoute({
      name: 'listTokens',
      method: 'get',
      path: '/api/v1/tokens',
      summary: 'API tokens the caller administers (never their secrets).',
      tags: ['tokens'],
      permission: 'token:manage',
      responses: {
        200: {
          description: 'Tokens.',
          schema: { type: 'object', properties: { tokens: { type: 'array', items: TOKEN_SCHEMA } } },
        },
      },
      handler: async ({ principal }) => {
        const all = await tokens.list();
        const at = now();
        return ok({
          tokens: all.filter((t) => administers(principal, t.projects)).map((t) => toTokenJson(t, at)),
        });
      },
    }),
    defineRoute<CreateTokenBody>({
      name: 'createToken',
      method: 'post',
      path: '/api/v1/tokens',
      summary: 'Create an API token. The secret is in this response only.',
      tags: ['tokens'],
      permission: 'token:manage',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          role: { enum: [...ROLES] },
          projects: {
            type: 'array',
            maxItems: 100,
            uniqueItems: true,
            items: { type: 'string', pattern: PROJECT_PATTERN },
            description:
              'Projects the token may act on; omit or leave empty for every project (needs an unscoped admin).',
          },
          approvalRoles: {
            type: 'array',
            maxItems: 20,
            uniqueItems: true,
            items: { type: 'string', pattern: APPROVAL_ROLE_PATTERN },
            description:
              "Approval roles of the holder (e.g. security), counted by policies' approvals rules.",
          },
          expiresIn: {
            type: 'string',
            pattern: EXPIRY_PATTERN,
            default: DEFAULT_TOKEN_LIFETIME,
            description: 'e.g. 12h, 30d, 2w, or never.',
          },
        },
      },
      responses: {
        201: {
          description: 'Created. `token` is the secret: store it now.',
          schema: {
            ...TOKEN_SCHEMA,
            required: [...(TOKEN_SCHEMA.required as string[]), 'token'],
            properties: { ...(TOKEN_SCHEMA.properties as object), token: { type: 'string' } },
          },
        },
      },
      handler: async ({ body, principal, authorize }) => {
        const projects = body.projects ?? [];
        if (projects.length === 0) authorize('token:manage');
        for (const project of projects) authorize('token:manage', project);
        const at = now();
        const issued = await tokens.create({
          name: body.name,
          role: body.role,
          projects,
          approvalRoles: body.approvalRoles ?? [],
          expiresAt: expiryFrom(body.expiresIn, at),
          actor: principal.actor,
        });
        return ok({ ...toTokenJson(issued.record, at), token: issued.token }, 201);
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'revokeToken',
      method: 'delete',
      path: '/api/v1/tokens/:id',
      summary: 'Revoke an API token; it stops working at once.',
      tags: ['tokens'],
      permission: 'token:manage',
      params: ID_PARAMS,
      responses: {
        200: { description: 'Revoked.', schema: TOKEN_SCHEMA },
        404: { description: 'No such token.' },
        409: { description: 'Already revoked.' },
      },
      handler: async ({ params, principal }) => {
        const existing = await tokens.get(params.id);
        // A token outside the caller's projects is reported as missing, not as forbidden: its existence is not theirs to learn.
        if (!existing || !administers(principal, existing.projects)) {
          throw new RaygateError('TOKEN_NOT_FOUND', 'not-found', `No token ${params.id}.`);
        }
        const revoked = await tokens.revoke(params.id, principal.actor);
        return ok(toTokenJson(revoked, now()));
      },
    }),
  ];
}

/** A scoped admin administers tokens confined to its projects; an unscoped admin administers all. */
function administers(principal: Principal, projects: readonly string[] | null): boolean {
  if (principal.projects === null) return true;
  return projects !== null && projects.every((project) => coversProject(principal, project));
}

function expiryFrom(expiresIn: string, at: Date): Date | null {
  if (expiresIn === 'never') return null;
  const ms = parseDuration(expiresIn);
  if (ms === undefined)
    throw new RaygateError('REQUEST_INVALID', 'usage', `expiresIn '${expiresIn}' is not a duration.`);
  return new Date(at.getTime() + ms);
}

function toTokenJson(token: ApiTokenRecord, at: Date) {
  const state = token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt <= at ? 'expired' : 'active';
  return {
    id: token.id,
    name: token.name,
    hint: token.tokenHint,
    role: token.role,
    projects: token.projects,
    approvalRoles: token.approvalRoles,
    state,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    revokedBy: token.revokedBy,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}
