import { loadConfig, type Config } from '../../src/config.ts';
import { createApp, type ApiApp } from '../../src/api/app.ts';
import { createAuthenticator } from '../../src/api/auth/authenticate.ts';
import { OidcVerifier } from '../../src/api/auth/oidc.ts';
import { ROUTE_MODULES, type RouteModule } from '../../src/api/routes/index.ts';
import { startServer, type RunningServer } from '../../src/api/server.ts';
import type { EvidenceEnvironment } from '../../src/gate/evidence/environment.ts';
import { registryPolicy } from '../../src/gate/evidence/registry-policy.ts';
import { ExceptionService } from '../../src/gate/exception-service.ts';
import { PolicyCatalog } from '../../src/gate/policy-catalog.ts';
import { ReleaseService } from '../../src/gate/release-service.ts';
import type { VsaSigner } from '../../src/gate/vsa-signer.ts';
import { createJobHandlers, type GateJobServices } from '../../src/jobs/handlers/index.ts';
import { JobRegistry } from '../../src/jobs/job-handler.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { Worker } from '../../src/jobs/worker.ts';
import path from 'node:path';
import { REPO_ROOT } from '../support/run-cli.ts';
import { createJsonLogger, type Logger } from '../../src/shared/log.ts';
import { ApiTokens, type Role } from '../../src/store/api-tokens.ts';
import { UiSessions } from '../../src/store/ui-sessions.ts';
import { loadMigrations, type Migration } from '../../src/store/migrate.ts';
import { openTestDb, type Backend, type TestDb } from '../support/test-db.ts';

export interface TestApi {
  url: string;
  testDb: TestDb;
  app: ApiApp;
  server: RunningServer;
  tokens: ApiTokens;
  queue: JobQueue;
  /** The in-process job worker, when `gate.worker` asked for one. */
  worker?: Worker;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
  /** Sets the clock the service sees. */
  setNow(date: Date): void;
  /** An API token issued directly in the store. */
  issue(
    role: Role,
    projects?: string[],
    expiresAt?: Date | null,
    approvalRoles?: string[],
  ): Promise<{ token: string; id: string }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  backend?: Backend;
  env?: Record<string, string>;
  configFile?: string;
  extraRoutes?: RouteModule[];
  testDb?: TestDb;
  /** The migrations the app believes in (default: the shipped ones). */
  migrations?: Migration[];
  /** Run gate jobs in this process: the evidence environment and VSA signer they use. */
  gate?: { env: EvidenceEnvironment; signer: VsaSigner; pollIntervalMs?: number };
}

/** The real app on a real socket (127.0.0.1, a free port) over a real database, as `raygate serve` builds it. */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const config: Config = loadConfig(
    { RAYGATE_PORT: '0', ...options.env },
    options.configFile ? { path: 'test-config.yaml', text: options.configFile } : undefined,
  );
  const testDb = options.testDb ?? (await openTestDb(options.backend ?? 'pglite'));
  let now = new Date();
  const clock = () => now;
  const logs: Record<string, unknown>[] = [];
  const log: Logger = createJsonLogger(
    (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    'debug',
    clock,
  );
  const tokens = new ApiTokens(testDb.db, clock);
  let gateJobs: GateJobServices | undefined;
  const registry = new JobRegistry(
    createJobHandlers({
      db: testDb.db,
      log,
      now: clock,
      get gate() {
        if (!gateJobs) throw new Error('no gate jobs in this test app');
        return gateJobs;
      },
    }),
  );
  let worker: Worker | undefined;
  const queue = new JobQueue(testDb.db, registry, 3, () => worker?.wake());
  const registries = registryPolicy(config.gate);
  const policies = new PolicyCatalog(
    path.isAbsolute(config.gate.policiesDir)
      ? config.gate.policiesDir
      : path.join(REPO_ROOT, config.gate.policiesDir),
  );
  const app = createApp(
    {
      db: testDb.db,
      migrations: options.migrations ?? (await loadMigrations()),
      tokens,
      authenticator: createAuthenticator(tokens, new OidcVerifier(config.auth.oidc, clock), log),
      sessions: new UiSessions(testDb.db, clock),
      queue,
      log,
      now: clock,
      gate: {
        releases: new ReleaseService({
          db: testDb.db,
          jobs: queue,
          policies,
          registries,
          limits: config.gate.limits,
          defaultPolicy: config.gate.defaultPolicy,
          log,
          now: clock,
        }),
        exceptions: new ExceptionService({ db: testDb.db, jobs: queue, now: clock }),
        policies,
        ...(options.gate?.signer.publicKeyPem && options.gate.signer.keyHint
          ? { vsaKey: { hint: options.gate.signer.keyHint, publicKeyPem: options.gate.signer.publicKeyPem } }
          : {}),
        maxSubmissionBytes: config.gate.limits.maxSubmissionBytes,
      },
    },
    { server: config.server, rateLimits: config.rateLimits },
    [...ROUTE_MODULES, ...(options.extraRoutes ?? [])],
  );
  const server = await startServer(app, config.server);
  if (options.gate) {
    gateJobs = {
      collection: { db: testDb.db, jobs: queue, env: options.gate.env, log, now: clock },
      vsa: {
        db: testDb.db,
        jobs: queue,
        signer: options.gate.signer,
        registries,
        verifierId: server.url,
        publicUrl: server.url,
        log,
        now: clock,
      },
    };
    worker = new Worker({
      db: testDb.db,
      registry,
      log,
      workerId: 'test-worker',
      concurrency: 2,
      pollIntervalMs: options.gate.pollIntervalMs ?? 100,
      leaseMs: 30_000,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    worker.start();
  }
  return {
    url: server.url,
    testDb,
    app,
    server,
    tokens,
    queue,
    ...(worker ? { worker } : {}),
    logs,
    setNow: (date) => {
      now = date;
    },
    async issue(role, projects = [], expiresAt = null, approvalRoles = []) {
      const issued = await tokens.create({
        name: `${role}-test`,
        role,
        projects,
        approvalRoles,
        expiresAt,
        actor: 'test:setup',
      });
      return { token: issued.token, id: issued.record.id };
    },
    async close() {
      await worker?.stop(1000);
      await server.close(1000);
      if (!options.testDb) await testDb.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** One HTTP request; `token` becomes a Bearer header. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: {
    token?: string;
    json?: unknown;
    body?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (metrics)
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The `error.code` of an error answer. */
export function errorCode(answer: Answer): string | undefined {
  return (answer.body.error as { code?: string } | undefined)?.code;
}
