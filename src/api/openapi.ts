import type { JsonSchema, Route } from './define-route.ts';

export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', description: 'Stable SCREAMING_SNAKE code; match on this, not the message.' },
        message: { type: 'string' },
        requestId: { type: 'string', description: 'Also in the X-Request-Id header and the server log.' },
      },
    },
  },
};

const ERROR_RESPONSES: Record<number, string> = {
  400: 'The request is malformed or fails validation.',
  401: 'No valid credential.',
  403: 'The credential does not grant this.',
  413: 'The body is larger than the route accepts.',
  415: 'The body is not application/json.',
  429: 'Rate limited; retry after the Retry-After header.',
  500: 'raygate failed internally.',
};

/**
 * The OpenAPI 3.1 document, generated from the same route definitions the server enforces: parameters,
 * body schemas, body limits (`x-raygate-max-body-bytes`) and the permission each route needs
 * (`x-raygate-permission`).
 */
export function buildOpenApiDocument(
  routes: readonly Route[],
  info: { version: string; defaultBodyLimitBytes: number },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort(
    (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  )) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = (paths[path] ??= {});
    item[route.method] = toOperation(route, info.defaultBodyLimitBytes);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'raygate',
      version: info.version,
      description:
        'Supply-chain gate for Ray images and Python wheels. Authenticate with "Authorization: Bearer <token>": ' +
        'a raygate API token (rg_…) or a CI OpenID Connect ID token (GitHub Actions) for submissions.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'raygate API token (rg_…) or an OIDC ID token.',
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

function toOperation(route: Route, defaultBodyLimitBytes: number): Record<string, unknown> {
  const parameters = [...toParameters(route.params, 'path'), ...toParameters(route.query, 'query')];
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = {
      description: spec.description,
      ...(spec.schema
        ? { content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } }
        : {}),
    };
  }
  const errorStatuses = [400, 500];
  if (route.permission !== 'public') errorStatuses.push(401, 403, 429);
  if (route.body) errorStatuses.push(413, 415);
  for (const status of errorStatuses.sort()) {
    responses[String(status)] ??= {
      description: ERROR_RESPONSES[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: route.name,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    ...(route.permission === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
    'x-raygate-permission': route.permission,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: route.body } },
          },
          'x-raygate-max-body-bytes': route.maxBodyBytes ?? defaultBodyLimitBytes,
        }
      : {}),
    responses,
  };
}

function toParameters(schema: JsonSchema | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof propertySchema.description === 'string' ? { description: propertySchema.description } : {}),
    schema: propertySchema,
  }));
}
