import type { Db } from '../../store/db.ts';
import { migrationStatus, type Migration } from '../../store/migrate.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiMetrics } from '../metrics.ts';

export interface OperationalDeps {
  db: Db;
  migrations: readonly Migration[];
  metrics: ApiMetrics;
  isDraining: () => boolean;
  openapi: () => Record<string, unknown>;
}

const READY_TIMEOUT_MS = 2000;

const READINESS = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { enum: ['ready', 'not-ready'] },
    checks: {
      type: 'object',
      properties: {
        database: { type: 'string' },
        migrations: { type: 'string' },
        draining: { type: 'boolean' },
      },
    },
  },
};

/** Liveness, readiness, metrics and the API description: public, read-only, outside the rate limits. */
export function createOperationalRoutes(deps: OperationalDeps): Route[] {
  return [
    defineRoute({
      name: 'healthz',
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process answers.',
      tags: ['operations'],
      permission: 'public',
      responses: {
        200: { description: 'Alive.', schema: { type: 'object', properties: { status: { const: 'ok' } } } },
      },
      handler: async () => ok({ status: 'ok' }),
    }),
    defineRoute({
      name: 'readyz',
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: the database answers and every migration this build knows is applied.',
      tags: ['operations'],
      permission: 'public',
      responses: {
        200: { description: 'Ready to serve.', schema: READINESS },
        503: {
          description: 'Not ready (database unreachable, migrations pending, or shutting down).',
          schema: READINESS,
        },
      },
      handler: async () => {
        const checks: Record<string, unknown> = { draining: deps.isDraining() };
        let ready = !deps.isDraining();
        try {
          const status = await withTimeout(migrationStatus(deps.db, deps.migrations), READY_TIMEOUT_MS);
          checks.database = `reachable (${deps.db.kind})`;
          checks.migrations =
            status.pending.length === 0
              ? `applied (${status.applied.length})`
              : `pending: ${status.pending.join(', ')}`;
          ready &&= status.pending.length === 0;
        } catch (error) {
          checks.database = `unreachable: ${(error as Error).message}`;
          ready = false;
        }
        return ok({ status: ready ? 'ready' : 'not-ready', checks }, ready ? 200 : 503);
      },
    }),
    defineRoute({
      name: 'metrics',
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics: requests, latencies, job outcomes, queue depth, process.',
      tags: ['operations'],
      permission: 'public',
      responses: {
        200: {
          description: 'Prometheus text format 0.0.4.',
          contentType: 'text/plain',
          schema: { type: 'string' },
        },
      },
      handler: async () => ({
        status: 200,
        body: await deps.metrics.render(),
        contentType: deps.metrics.contentType,
      }),
    }),
    defineRoute({
      name: 'openapi',
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This OpenAPI 3.1 document, generated from the routes the server runs.',
      tags: ['operations'],
      permission: 'public',
      responses: { 200: { description: 'OpenAPI 3.1 document.', schema: { type: 'object' } } },
      handler: async () => ok(deps.openapi(), 200, { 'Cache-Control': 'no-cache' }),
    }),
  ];
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
