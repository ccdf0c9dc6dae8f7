import { exceptionNotFound } from '../../gate/errors.ts';
import { exceptionStatus } from '../../gate/exception-service.ts';
import { PROJECT_PATTERN } from '../../store/api-tokens.ts';
import type { ExceptionRecord, ExceptionScopeRecord } from '../../store/repos/exceptions.ts';
import { coversProject } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { defineRoute, ok, type JsonSchema, type Route } from '../define-route.ts';
import { actorOf } from '../gate-actor.ts';
import type { ApiServices } from '../services.ts';
import { decodeCursor, encodeCursor, visibleRelease } from './release-access.ts';

const EXCEPTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'scope', 'reason', 'owner', 'expiresAt', 'status', 'createdBy', 'createdAt'],
  properties: {
    id: { type: 'string' },
    project: { type: ['string', 'null'], description: 'null: every project.' },
    scope: { type: 'object' },
    rules: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
    owner: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' },
    status: { enum: ['unapproved', 'active', 'expired', 'revoked'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    approvedBy: { type: ['string', 'null'] },
    approvedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedBy: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

const ID_PARAMS: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^exc_[A-Za-z0-9_-]{1,64}$' } },
};

const PURL = { type: 'string', pattern: '^pkg:[a-z][a-z0-9.+-]*/', maxLength: 1024 };

interface CreateBody {
  project?: string;
  scope: ExceptionScopeRecord;
  rules?: string[];
  reason: string;
  owner: string;
  expiresAt: string;
}

/** Exceptions: accepted risks, visible to every reader, managed by admins (one records, another approves). */
export function createExceptionRoutes(services: ApiServices): Route[] {
  const { gate, now } = services;
  const json = (e: ExceptionRecord) => toJson(e, now());
  return [
    defineRoute<
      undefined,
      {
        project?: string;
        status?: 'revoked' | 'expired' | 'active' | 'unapproved';
        limit: number;
        cursor?: string;
      }
    >({
      name: 'listExceptions',
      method: 'get',
      path: '/api/v1/exceptions',
      summary: "Exceptions, newest first: those of the caller's projects and those for every project.",
      tags: ['exceptions'],
      permission: 'release:read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          project: {
            type: 'string',
            pattern: PROJECT_PATTERN,
            description: 'Only those applying to this project.',
          },
          status: { enum: ['unapproved', 'active', 'expired', 'revoked'] },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 200 },
        },
      },
      responses: {
        200: {
          description: 'A page of exceptions.',
          schema: {
            type: 'object',
            properties: {
              exceptions: { type: 'array', items: EXCEPTION_SCHEMA },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
      handler: async ({ query, principal, authorize }) => {
        if (query.project !== undefined) authorize('release:read', query.project);
        const before = decodeCursor(query.cursor);
        const at = now();
        const page = await gate.exceptions.list({
          ...(principal.projects === null ? {} : { projects: principal.projects }),
          ...(query.project !== undefined ? { appliesTo: query.project } : {}),
          ...(query.status !== undefined ? { status: { is: query.status, at } } : {}),
          ...(before ? { before: { createdAt: before.at, id: before.id } } : {}),
          limit: query.limit,
        });
        const last = page.at(-1);
        return ok({
          exceptions: page.map(json),
          next: page.length === query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
        });
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'getException',
      method: 'get',
      path: '/api/v1/exceptions/:id',
      summary: 'One exception.',
      tags: ['exceptions'],
      permission: 'release:read',
      params: ID_PARAMS,
      responses: {
        200: { description: 'The exception.', schema: EXCEPTION_SCHEMA },
        404: { description: 'No such exception.' },
      },
      handler: async ({ params, principal }) =>
        ok(json(await visibleException(services, principal, params.id))),
    }),
    defineRoute<CreateBody>({
      name: 'createException',
      method: 'post',
      path: '/api/v1/exceptions',
      summary: 'Record an exception (an accepted risk); another admin must approve it before it applies.',
      description:
        'Scope: an advisory (any of its ids or aliases, optionally in one package), a package URL (versioned or ' +
        'not), an artifact digest, or one release. `rules` narrows it to policy rule ids. Once past `expiresAt` an ' +
        'exception fails every release it would apply to, until it is revoked or replaced.',
      tags: ['exceptions'],
      permission: 'exception:manage',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['scope', 'reason', 'owner', 'expiresAt'],
        properties: {
          project: { type: 'string', pattern: PROJECT_PATTERN },
          scope: {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'id'],
                properties: {
                  kind: { const: 'advisory' },
                  id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{1,99}$' },
                  purl: PURL,
                },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'purl'],
                properties: { kind: { const: 'purl' }, purl: PURL },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'digest'],
                properties: {
                  kind: { const: 'artifact' },
                  digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
                },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'releaseId'],
                properties: {
                  kind: { const: 'release' },
                  releaseId: { type: 'string', pattern: '^rel_[A-Za-z0-9_-]{1,64}$' },
                },
              },
            ],
          },
          rules: {
            type: 'array',
            maxItems: 50,
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
          },
          reason: { type: 'string', minLength: 1, maxLength: 2000 },
          owner: { type: 'string', minLength: 1, maxLength: 200 },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      maxBodyBytes: 16 * 1024,
      responses: { 201: { description: 'Recorded, unapproved.', schema: EXCEPTION_SCHEMA } },
      handler: async ({ body, principal, authorize }) => {
        let project = body.project;
        if (body.scope.kind === 'release')
          project = (await visibleRelease(services, principal, body.scope.releaseId)).project;
        if (project === undefined) authorize('exception:manage');
        else authorize('exception:manage', project);
        const record = await gate.exceptions.create(actorOf(principal), {
          ...(project !== undefined ? { project } : {}),
          scope: body.scope,
          ...(body.rules ? { rules: body.rules } : {}),
          reason: body.reason,
          owner: body.owner,
          expiresAt: new Date(body.expiresAt),
        });
        return ok(json(record), 201, { Location: `/api/v1/exceptions/${record.id}` });
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'approveException',
      method: 'post',
      path: '/api/v1/exceptions/:id/approval',
      summary:
        'Approve an exception (not by the admin who recorded it); it applies from now until it expires.',
      tags: ['exceptions'],
      permission: 'exception:manage',
      params: ID_PARAMS,
      responses: {
        200: { description: 'Approved.', schema: EXCEPTION_SCHEMA },
        403: { description: 'The recording admin cannot approve it (GATE_SOD_VIOLATION).' },
        409: { description: 'Already approved, revoked or expired.' },
      },
      handler: async ({ params, principal, authorize }) => {
        const existing = await visibleException(services, principal, params.id);
        authorizeFor(authorize, existing);
        return ok(json(await gate.exceptions.approve(actorOf(principal), existing.id)));
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'revokeException',
      method: 'delete',
      path: '/api/v1/exceptions/:id',
      summary: 'Revoke an exception: it stops applying at once (the record stays, audited).',
      tags: ['exceptions'],
      permission: 'exception:manage',
      params: ID_PARAMS,
      responses: {
        200: { description: 'Revoked.', schema: EXCEPTION_SCHEMA },
        409: { description: 'Already revoked.' },
      },
      handler: async ({ params, principal, authorize }) => {
        const existing = await visibleException(services, principal, params.id);
        authorizeFor(authorize, existing);
        return ok(json(await gate.exceptions.revoke(actorOf(principal), existing.id)));
      },
    }),
  ];
}

function authorizeFor(
  authorize: (permission: 'exception:manage', project?: string) => void,
  e: ExceptionRecord,
): void {
  if (e.project === null) authorize('exception:manage');
  else authorize('exception:manage', e.project);
}

async function visibleException(
  services: Pick<ApiServices, 'gate'>,
  principal: Principal,
  id: string,
): Promise<ExceptionRecord> {
  const record = await services.gate.exceptions.get(id);
  if (record.project !== null && !coversProject(principal, record.project)) throw exceptionNotFound(id);
  return record;
}

function toJson(e: ExceptionRecord, at: Date) {
  return {
    id: e.id,
    project: e.project,
    scope: e.scope,
    rules: e.rules,
    reason: e.reason,
    owner: e.owner,
    expiresAt: e.expiresAt.toISOString(),
    status: exceptionStatus(e, at),
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    approvedBy: e.approvedBy,
    approvedAt: e.approvedAt?.toISOString() ?? null,
    revokedBy: e.revokedBy,
    revokedAt: e.revokedAt?.toISOString() ?? null,
  };
}
