import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import packageJson from '../../package.json' with { type: 'json' };
import { RaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { authenticateRequest } from './auth/cookie-session.ts';
import { authorize, hasPermission } from './auth/permissions.ts';
import { ANONYMOUS, type Principal } from './auth/principal.ts';
import { isMutating, type Reply, type Route } from './define-route.ts';
import { toHttpError } from './errors.ts';
import { ApiMetrics } from './metrics.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { RateLimiter } from './rate-limit.ts';
import { createOperationalRoutes } from './routes/operational.ts';
import { ROUTE_MODULES, type RouteModule } from './routes/index.ts';
import type { ApiConfig, ApiServices } from './services.ts';
import { compileValidator, type Validator } from './validation.ts';
import { createWebUi } from './web-ui.ts';

export interface ApiApp {
  /** The request listener, for `http.createServer` (or supertest-like use). */
  handler: express.Express;
  metrics: ApiMetrics;
  routes: readonly Route[];
  openapi: Record<string, unknown>;
  /** Begins shutdown: /readyz turns 503 and responses ask clients to close their connections. */
  drain(): void;
}

interface RequestLocals {
  requestId: string;
  log: Logger;
  route: string;
  principal: Principal;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Builds the HTTP application: request ids, one JSON log line per request, per-IP and per-principal rate
 * limits, authentication, the permission each route declares, body limits and schema validation, and the
 * one error mapping. Routes come from `routeModules` (ROUTE_MODULES by default) plus the operational
 * routes (/healthz, /readyz, /metrics, /api/openapi.json).
 */
export function createApp(
  services: ApiServices,
  config: ApiConfig,
  routeModules: readonly RouteModule[] = ROUTE_MODULES,
): ApiApp {
  const metrics = new ApiMetrics(() => services.queue.depth());
  let draining = false;
  // Requests in progress: draining aborts them, so long polls and event streams end and shutdown is not held up.
  const inFlight = new Set<AbortController>();
  const featureRoutes = routeModules.flatMap((module) => module(services));
  let openapi: Record<string, unknown> = {};
  const routes = [
    ...createOperationalRoutes({
      db: services.db,
      migrations: services.migrations,
      metrics,
      isDraining: () => draining,
      openapi: () => openapi,
    }),
    ...featureRoutes,
  ];
  checkUnique(routes);
  openapi = buildOpenApiDocument(routes, {
    version: packageJson.version,
    defaultBodyLimitBytes: config.server.bodyLimitBytes,
  });

  const perIp = new RateLimiter(config.rateLimits.perIp);
  const perPrincipal = new RateLimiter(config.rateLimits.perPrincipal);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustedProxies.length > 0 ? config.server.trustedProxies : false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const incoming = req.get('x-request-id');
    const requestId =
      incoming && REQUEST_ID.test(incoming) ? incoming : `req_${randomBytes(9).toString('base64url')}`;
    const locals = res.locals as RequestLocals;
    locals.requestId = requestId;
    locals.log = services.log.child({ requestId });
    locals.route = 'unmatched';
    locals.principal = ANONYMOUS;
    res.set('X-Request-Id', requestId);
    res.set('X-Content-Type-Options', 'nosniff');
    // JSON answers are never pages: nothing in them may run or be framed (the UI's pages set their own policy).
    res.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.set('Referrer-Policy', 'no-referrer');
    if (draining) res.set('Connection', 'close');
    res.on('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      metrics.observeRequest(req.method, locals.route, status, seconds);
      services.log.info('request', {
        requestId,
        method: req.method,
        route: locals.route,
        path: req.path,
        status,
        ms: Math.round(seconds * 1000),
        ip: req.ip,
        actor: locals.principal.actor,
        bytesOut: Number(res.getHeader('content-length') ?? 0),
      });
    });
    if (req.path.startsWith('/api/')) {
      res.set('Cache-Control', 'no-store');
      const decision = perIp.take(`ip:${req.ip ?? 'unknown'}`, Date.now());
      if (!decision.allowed) return next(rateLimited(decision.retryAfterSeconds));
    }
    next();
  });

  for (const route of routes) {
    app[route.method](route.path, createRouteHandler(route, services, config, perPrincipal, inFlight));
  }

  app.use(createWebUi());

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new RaygateError('ROUTE_NOT_FOUND', 'not-found', `No route for ${req.method} ${req.path}.`));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const locals = res.locals as RequestLocals;
    const httpError = toHttpError(error);
    if (httpError.internal) {
      locals.log.error('request failed', { error, stack: (error as Error | undefined)?.stack });
    } else if (httpError.status >= 500) {
      locals.log.warn('request failed', { error });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpError.status).set(httpError.headers);
    res.json({ error: { code: httpError.code, message: httpError.message, requestId: locals.requestId } });
  });

  return {
    handler: app,
    metrics,
    routes,
    openapi,
    drain: () => {
      draining = true;
      for (const controller of inFlight) controller.abort();
    },
  };
}

function createRouteHandler(
  route: Route,
  services: ApiServices,
  config: ApiConfig,
  perPrincipal: RateLimiter,
  inFlight: Set<AbortController>,
) {
  const validateBody = route.body ? compileValidator(route.body, 'body') : undefined;
  const validateQuery: Validator = route.query ? compileValidator(route.query, 'query') : (q) => q;
  const validateParams: Validator = route.params ? compileValidator(route.params, 'params') : (p) => p;
  const limit = route.maxBodyBytes ?? config.server.bodyLimitBytes;
  const parseJson = express.json({ limit, strict: true, type: () => true });

  return async (req: Request, res: Response) => {
    const locals = res.locals as RequestLocals;
    locals.route = route.path;
    const principal =
      route.permission === 'public'
        ? ANONYMOUS
        : await authenticateRequest(req, services, isMutating(route.method));
    locals.principal = principal;
    if (route.permission !== 'public' && !hasPermission(principal, route.permission)) {
      throw new RaygateError(
        'FORBIDDEN',
        'forbidden',
        `Role ${principal.role ?? 'anonymous'} may not ${route.permission}.`,
      );
    }
    if (isMutating(route.method)) {
      const decision = perPrincipal.take(principal.actor, Date.now());
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    }
    let body: unknown;
    if (validateBody) {
      if (!req.is('application/json')) {
        throw new RaygateError(
          'BODY_UNSUPPORTED_MEDIA_TYPE',
          'usage',
          hasBody(req) ? 'Send the body as application/json.' : 'This route needs a JSON body.',
        );
      }
      await new Promise<void>((resolve, reject) =>
        parseJson(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
      );
      body = validateBody(req.body);
    }
    const controller = new AbortController();
    inFlight.add(controller);
    res.on('close', () => {
      inFlight.delete(controller);
      if (!res.writableFinished) controller.abort();
    });
    const reply = await route.handler({
      body,
      query: validateQuery({ ...req.query }),
      params: validateParams({ ...req.params }),
      principal,
      requestId: locals.requestId,
      ip: req.ip ?? 'unknown',
      secure: req.secure,
      log: locals.log,
      signal: controller.signal,
      header: (name) => req.get(name),
      authorize: (permission, project) => authorize(principal, permission, project),
    });
    await send(res, reply, controller.signal);
  };
}

async function send(res: Response, reply: Reply, signal: AbortSignal): Promise<void> {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  if (reply.stream) {
    res.set({ 'Content-Type': reply.contentType ?? 'text/event-stream', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const write = (chunk: string) =>
      new Promise<void>((resolve) => {
        if (res.destroyed || res.writableEnded) return resolve();
        if (res.write(chunk)) return resolve();
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    try {
      await reply.stream(write, signal);
    } finally {
      if (!res.writableEnded) res.end();
    }
    return;
  }
  if (reply.body === undefined) {
    res.end();
  } else if (reply.contentType !== undefined) {
    res.type(reply.contentType).send(reply.body as string | Buffer);
  } else {
    res.json(reply.body);
  }
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

function rateLimited(retryAfterSeconds: number): RaygateError {
  return new RaygateError('RATE_LIMITED', 'limit', `Too many requests; retry in ${retryAfterSeconds} s.`, {
    details: { retryAfterSeconds },
  });
}

function checkUnique(routes: readonly Route[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    for (const key of [`name ${route.name}`, `${route.method} ${route.path}`]) {
      if (seen.has(key)) throw new Error(`duplicate route ${key}`);
      seen.add(key);
    }
  }
}
