import { renderMarkdown } from '../../advisories/digest/index.ts';
import { RaygateError } from '../../shared/errors.ts';
import { PROJECT_PATTERN } from '../../store/api-tokens.ts';
import {
  findDigest,
  listDeliveries,
  listDigests,
  type DeliveryRecord,
  type DigestRecord,
} from '../../store/repos/digests.ts';
import { coversProject } from '../auth/permissions.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

interface ListQuery {
  project?: string;
  limit: number;
  cursor?: string;
}

const DIGEST_SUMMARY = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    project: { type: 'string' },
    generatedAt: { type: 'string', format: 'date-time' },
    since: { type: ['string', 'null'], format: 'date-time' },
    empty: { type: 'boolean' },
    contentId: { type: 'string' },
    summary: { type: 'object' },
    deliveries: { type: 'array', items: { type: 'object' } },
  },
} as const;

/** Past advisory digests, per project, with how each delivery went. */
export function createDigestRoutes(services: Pick<ApiServices, 'db'>): Route[] {
  const { db } = services;
  return [
    defineRoute<undefined, ListQuery>({
      name: 'listDigests',
      method: 'get',
      path: '/api/v1/digests',
      summary: 'Advisory digests, newest first, with their summaries and delivery states.',
      description: 'Only digests of the projects the credential covers.',
      tags: ['digests'],
      permission: 'release:read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          project: { type: 'string', pattern: PROJECT_PATTERN },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
          cursor: { type: 'string', pattern: '^[0-9]{1,15}$', description: '`next` of the previous page.' },
        },
      },
      responses: {
        200: {
          description: 'A page of digests; `next` is the cursor of the following page (null at the end).',
          schema: {
            type: 'object',
            properties: {
              digests: { type: 'array', items: DIGEST_SUMMARY },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
      handler: async ({ query, principal, authorize }) => {
        if (query.project !== undefined) authorize('release:read', query.project);
        const digests = await listDigests(db, {
          ...(principal.projects === null ? {} : { projects: principal.projects }),
          ...(query.project !== undefined ? { project: query.project } : {}),
          ...(query.cursor !== undefined ? { beforeId: Number(query.cursor) } : {}),
          limit: query.limit,
        });
        const deliveries = await listDeliveries(
          db,
          digests.map((d) => d.id),
        );
        const last = digests.at(-1);
        return ok({
          digests: digests.map((d) => digestSummary(d, deliveries)),
          next: digests.length === query.limit && last ? String(last.id) : null,
        });
      },
    }),
    defineRoute<undefined, { format: 'json' | 'markdown' }, { id: string }>({
      name: 'getDigest',
      method: 'get',
      path: '/api/v1/digests/:id',
      summary: 'One digest: the document (schema https://raygate.dev/schemas/digest/v1) and its deliveries.',
      description: '`format=markdown` returns the digest as the Markdown a GitHub issue gets.',
      tags: ['digests'],
      permission: 'release:read',
      params: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
      },
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { format: { enum: ['json', 'markdown'], default: 'json' } },
      },
      responses: {
        200: { description: 'The digest.', schema: { type: 'object' } },
        404: { description: 'No such digest (or not in a project the credential covers).' },
      },
      handler: async ({ params, query, principal }) => {
        const digest = await findDigest(db, Number(params.id));
        // A digest of another project is reported missing: its existence is not the caller's to learn.
        if (!digest || !coversProject(principal, digest.project))
          throw new RaygateError('DIGEST_NOT_FOUND', 'not-found', `No digest ${params.id}.`);
        if (query.format === 'markdown')
          return {
            status: 200,
            contentType: 'text/markdown; charset=utf-8',
            body: renderMarkdown(digest.document),
          };
        const deliveries = await listDeliveries(db, [digest.id]);
        return ok({ ...digestSummary(digest, deliveries), document: digest.document });
      },
    }),
  ];
}

function digestSummary(d: DigestRecord, deliveries: readonly DeliveryRecord[]) {
  return {
    id: d.id,
    project: d.project,
    generatedAt: d.generatedAt.toISOString(),
    since: d.since?.toISOString() ?? null,
    empty: d.empty,
    contentId: d.contentId,
    summary: d.summary,
    deliveries: deliveries
      .filter((x) => x.digestId === d.id)
      .map((x) => ({
        destination: x.destination,
        kind: x.kind,
        state: x.state,
        attempts: x.attempts,
        lastError: x.lastError,
        lastAttemptAt: x.lastAttemptAt?.toISOString() ?? null,
        deliveredAt: x.deliveredAt?.toISOString() ?? null,
        receipt: x.receipt,
      })),
  };
}
