import type { Logger } from '../shared/log.ts';
import type { Permission } from './auth/permissions.ts';
import type { Principal } from './auth/principal.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** What a handler receives: validated input and the verified caller. */
export interface RouteRequest<B, Q, P> {
  /** The body, validated against the route's `body` schema (undefined when the route takes none). */
  body: B;
  /** Query parameters, validated (and coerced to numbers/booleans) against `query`. */
  query: Q;
  /** Path parameters, validated against `params`. */
  params: P;
  /** The verified caller (ANONYMOUS on public routes). */
  principal: Principal;
  requestId: string;
  /** The client address (from X-Forwarded-For only through configured trusted proxies). */
  ip: string;
  /** The request came over https (directly, or through a configured trusted proxy). */
  secure: boolean;
  log: Logger;
  /** Aborted when the client disconnects or the server starts shutting down (long polls should stop waiting). */
  signal: AbortSignal;
  /** A request header (lower or mixed case), e.g. `accept`, `last-event-id`. */
  header(name: string): string | undefined;
  /** Throws FORBIDDEN unless the caller holds `permission` for `project` (every project when omitted). */
  authorize(permission: Permission, project?: string): void;
}

/** What a handler returns. `body` is sent as JSON unless `contentType` says otherwise (then a string or bytes). */
export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * A streamed body (server-sent events): called after the status and headers are sent; `write` resolves
   * once the chunk is handed to the socket (waiting out back-pressure). The response ends when it returns.
   * `signal` aborts when the client goes away or the server drains.
   */
  stream?: (write: (chunk: string) => Promise<void>, signal: AbortSignal) => Promise<void>;
}

export interface ResponseSpec {
  description: string;
  schema?: JsonSchema;
  contentType?: string;
}

export interface RouteDefinition<B, Q, P> {
  /** operationId in the OpenAPI document; unique. */
  name: string;
  method: HttpMethod;
  /** Express syntax: `/api/v1/tokens/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Checked before the handler runs; `public` is allowed only for GET. */
  permission: Permission | 'public';
  body?: JsonSchema;
  /** Overrides the server's body limit for this route (uploads). */
  maxBodyBytes?: number;
  query?: JsonSchema;
  params?: JsonSchema;
  responses: Record<number, ResponseSpec>;
  handler(request: RouteRequest<B, Q, P>): Promise<Reply>;
}

/** A route with its input types erased, as the app and the OpenAPI generator hold it. */
export type Route = RouteDefinition<unknown, unknown, unknown>;

type Empty = Record<string, never>;

/**
 * Declares a route. The same definition drives the server (permission check, size limit, validation) and
 * the OpenAPI document, so the document describes exactly what the server accepts. The type parameters
 * state what the schemas guarantee to the handler.
 */
export function defineRoute<B = undefined, Q = Empty, P = Empty>(
  definition: RouteDefinition<B, Q, P>,
): Route {
  if (definition.permission === 'public' && definition.method !== 'get') {
    throw new Error(`route ${definition.name}: a ${definition.method.toUpperCase()} route cannot be public`);
  }
  if (definition.body && definition.method === 'get') {
    throw new Error(`route ${definition.name}: GET routes take no body`);
  }
  const pathParams = [...definition.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const declared = Object.keys((definition.params?.properties as Record<string, unknown> | undefined) ?? {});
  if (pathParams.sort().join() !== declared.sort().join()) {
    throw new Error(
      `route ${definition.name}: path parameters ${pathParams.join()} do not match params schema ${declared.join()}`,
    );
  }
  return definition as unknown as Route;
}

export function isMutating(method: HttpMethod): boolean {
  return method !== 'get';
}

/** `{status: 200, body}` — the common case. */
export function ok(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return { status, body, ...(headers ? { headers } : {}) };
}
