import { listAuditEntries } from '../../store/repos/audit-log.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

interface AuditQuery {
  after: number;
  limit: number;
  project?: string;
}

/** Reading the audit log, a page at a time in chain order. */
export function createAuditRoutes(services: Pick<ApiServices, 'db'>): Route[] {
  return [
    defineRoute<undefined, AuditQuery>({
      name: 'listAuditEntries',
      method: 'get',
      path: '/api/v1/audit',
      summary: 'Audit entries after sequence number `after`, oldest first, with their chain hashes.',
      description: 'A credential scoped to projects must name one of them in `project`.',
      tags: ['audit'],
      permission: 'audit:read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          after: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          project: { type: 'string', minLength: 1, maxLength: 128 },
        },
      },
      responses: {
        200: {
          description: 'A page of entries; pass the last seq as `after` for the next.',
          schema: { type: 'object', properties: { entries: { type: 'array', items: { type: 'object' } } } },
        },
      },
      handler: async ({ query, authorize }) => {
        authorize('audit:read', query.project);
        const entries = await listAuditEntries(services.db, {
          afterSeq: query.after,
          limit: query.limit,
          ...(query.project === undefined ? {} : { project: query.project }),
        });
        return ok({
          entries: entries.map((e) => ({
            seq: e.seq,
            recordedAt: e.recordedAt.toISOString(),
            actor: e.actor,
            action: e.action,
            subject: e.subjectKind === null ? null : { kind: e.subjectKind, id: e.subjectId },
            project: e.project,
            details: e.details,
            prevHash: e.prevHash,
            hash: e.hash,
          })),
        });
      },
    }),
  ];
}
