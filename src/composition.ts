import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp } from './api/app.ts';
import { createAuthenticator } from './api/auth/authenticate.ts';
import { CachedTokenCheck } from './api/auth/cached-token-check.ts';
import { OidcVerifier } from './api/auth/oidc.ts';
import { startServer } from './api/server.ts';
import type { RunningService, ServiceRuntime, ServiceStore } from './cli/service-runtime.ts';
import { loadConfig, type Config } from './config.ts';
import { advisorySourceProvider } from './gate/evidence/advisory-sources.ts';
import type { EvidenceEnvironment } from './gate/evidence/environment.ts';
import { packageIndexProvider } from './gate/evidence/package-index.ts';
import { registryPolicy } from './gate/evidence/registry-policy.ts';
import { trustProvider } from './gate/evidence/trust-provider.ts';
import { ExceptionService } from './gate/exception-service.ts';
import { PolicyCatalog } from './gate/policy-catalog.ts';
import { ReleaseService } from './gate/release-service.ts';
import { loadOrCreateSigningKey } from './gate/signing-key.ts';
import { keylessVsaSigner, keyVsaSigner, type VsaSigner } from './gate/vsa-signer.ts';
import { DEFAULT_NOTIFY_POLICY } from './jobs/notify/http.ts';
import { createJobHandlers, type GateJobServices, type JobServices } from './jobs/handlers/index.ts';
import { JobRegistry } from './jobs/job-handler.ts';
import { JobQueue } from './jobs/queue.ts';
import { createSchedules } from './jobs/schedule.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { Worker } from './jobs/worker.ts';
import { RaygateError } from './shared/errors.ts';
import type { Logger } from './shared/log.ts';
import { ApiTokens } from './store/api-tokens.ts';
import { DataVersion } from './store/data-version.ts';
import { UiSessions } from './store/ui-sessions.ts';
import type { Db } from './store/db.ts';
import { loadMigrations, migrate } from './store/migrate.ts';
import { openPgDb, redactUrl } from './store/pg-db.ts';
import { openPgliteDb, PGLITE_SUBDIR } from './store/pglite-db.ts';
import { recordSigningKey } from './store/repos/release-vsas.ts';

// Composition root of the service: the only place that chooses implementations — the embedded store or a
// PostgreSQL server, which job handlers, schedules and routes run. main.ts loads it only for the commands
// that need it (serve, tokens, audit), so a scan never pays for express, PGlite or pg.

const now = () => new Date();

/** PGlite in the data folder unless a PostgreSQL URL is configured. */
async function createDb(config: Config, log: Logger): Promise<{ db: Db; description: string }> {
  if (config.database.url !== undefined) {
    const db = await openPgDb({ url: config.database.url, poolMax: config.database.poolMax, log });
    return { db, description: `PostgreSQL at ${redactUrl(config.database.url)}` };
  }
  const dataDir = path.resolve(config.database.dataDir);
  const db = await openPgliteDb({ dataDir });
  return { db, description: `embedded PostgreSQL in ${path.join(dataDir, PGLITE_SUBDIR)}` };
}

/**
 * The VSA signer: keyless when configured, else the service key (`gate.vsa.keyFile`, default
 * `<data>/vsa-signing-key.pem`, created on first start). The key's public half is recorded in the store so
 * `/api/v1/vsa/keys` lists every key any replica signs with.
 */
async function createVsaSigner(config: Config, dataDir: string, log: Logger): Promise<VsaSigner> {
  if (config.gate.vsa.keyless) return keylessVsaSigner(config.gate.vsa.keyless);
  const file = path.resolve(config.gate.vsa.keyFile ?? path.join(dataDir, 'vsa-signing-key.pem'));
  const key = await loadOrCreateSigningKey(file);
  log.info(key.created ? 'VSA signing key created' : 'VSA signing key loaded', { file, hint: key.hint });
  return keyVsaSigner(key);
}

/** The service's building blocks, loaded by main.ts only when a service command runs. */
export const runtime: Omit<ServiceRuntime, 'createLogger'> = {
  async loadConfig(overrides = {}) {
    const env = { ...process.env, ...overrides };
    const file = env.RAYGATE_CONFIG?.trim();
    if (!file) return loadConfig(env);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new RaygateError(
        'CONFIG_UNREADABLE',
        'usage',
        `Cannot read RAYGATE_CONFIG ${file}: ${(error as Error).message}`,
      );
    }
    return loadConfig(env, { path: file, text });
  },

  async openStore(config, log): Promise<ServiceStore> {
    const { db, description } = await createDb(config, log);
    try {
      await migrate(db, await loadMigrations(), log);
    } catch (error) {
      await db.close();
      throw error;
    }
    return { db, tokens: new ApiTokens(db, now), description, close: () => db.close() };
  },

  async startService(config, store, log): Promise<RunningService> {
    const { db } = store;
    const dataDir = path.resolve(config.database.dataDir);
    const signer = await createVsaSigner(config, dataDir, log);
    if (signer.publicKeyPem && signer.keyHint) {
      await recordSigningKey(db, { hint: signer.keyHint, publicKey: signer.publicKeyPem, firstUsed: now() });
    }
    // Filled in once the server listens (VSAs link to its URL); jobs start only after that.
    const ready: { gate?: GateJobServices; publicUrl?: string } = {};
    const advisorySource = advisorySourceProvider(config.gate.advisories, path.join(dataDir, 'osv'));
    const jobServices: JobServices = {
      db,
      log,
      now,
      get gate() {
        if (!ready.gate) throw new Error('the gate services are not ready yet');
        return ready.gate;
      },
      get digest() {
        return {
          db,
          queue,
          config: config.digest,
          advisorySource,
          env: process.env,
          publicUrl: () => ready.publicUrl,
          http: DEFAULT_NOTIFY_POLICY,
          log: log.child({ component: 'digest' }),
          now,
        };
      },
    };
    const registry = new JobRegistry(createJobHandlers(jobServices));
    let worker: Worker | undefined;
    const queue = new JobQueue(db, registry, config.jobs.maxAttempts, () => worker?.wake());
    const registries = registryPolicy(config.gate);
    const policies = new PolicyCatalog(config.gate.policiesDir);
    const env: EvidenceEnvironment = {
      advisorySource,
      trust: trustProvider(config.gate.trust, path.join(dataDir, 'tuf'), now),
      registries,
      packageIndex: packageIndexProvider(config.gate.packageIndex),
      now,
      log: log.child({ component: 'evidence' }),
    };
    // Token checks and release details are answered from memory while the data has not changed.
    const dataVersion = new DataVersion(db);
    const app = createApp(
      {
        db,
        migrations: await loadMigrations(),
        tokens: store.tokens,
        dataVersion,
        authenticator: createAuthenticator(
          new CachedTokenCheck(store.tokens, dataVersion, now),
          new OidcVerifier(config.auth.oidc, now),
          log,
        ),
        sessions: new UiSessions(db, now),
        queue,
        log,
        now,
        gate: {
          releases: new ReleaseService({
            db,
            jobs: queue,
            policies,
            registries,
            limits: config.gate.limits,
            defaultPolicy: config.gate.defaultPolicy,
            log,
            now,
          }),
          exceptions: new ExceptionService({ db, jobs: queue, now }),
          policies,
          ...(signer.publicKeyPem && signer.keyHint
            ? { vsaKey: { hint: signer.keyHint, publicKeyPem: signer.publicKeyPem } }
            : {}),
          maxSubmissionBytes: config.gate.limits.maxSubmissionBytes,
        },
      },
      { server: config.server, rateLimits: config.rateLimits },
    );
    let scheduler: Scheduler | undefined;
    if (config.jobs.enabled) {
      worker = new Worker({
        db,
        registry,
        log: log.child({ component: 'worker' }),
        workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
        concurrency: config.jobs.concurrency,
        pollIntervalMs: config.jobs.pollIntervalMs,
        leaseMs: config.jobs.leaseMs,
        backoff: { baseMs: config.jobs.backoffBaseMs, maxMs: config.jobs.backoffMaxMs },
        onOutcome: (event) => app.metrics.observeJob(event),
      });
      scheduler = new Scheduler({
        db,
        queue,
        schedules: createSchedules({
          reevaluateEveryMs: config.gate.reevaluateEveryMs,
          ...(config.digest.destinations.length > 0 ? { digestEveryMs: config.digest.everyMs } : {}),
        }),
        log: log.child({ component: 'scheduler' }),
        tickMs: config.jobs.schedulerTickMs,
      });
    }
    const server = await startServer(app, config.server);
    const publicUrl = config.gate.publicUrl ?? server.url;
    ready.publicUrl = publicUrl;
    if (config.gate.publicUrl === undefined && config.gate.vsa.verifierId === undefined) {
      // Consumers of VSAs pin the verifier id: one that changes with the bind address or port breaks them.
      log.warn(
        'VSAs will name this listen address as their verifier; set RAYGATE_PUBLIC_URL (or gate.vsa.verifierId)',
        {
          verifierId: publicUrl,
        },
      );
    }
    ready.gate = {
      collection: { db, jobs: queue, env, log: log.child({ component: 'gate' }), now },
      vsa: {
        db,
        jobs: queue,
        signer,
        registries,
        verifierId: config.gate.vsa.verifierId ?? publicUrl,
        publicUrl,
        log: log.child({ component: 'vsa' }),
        now,
      },
    };
    worker?.start();
    scheduler?.start();
    log.info('listening', { url: server.url, store: store.description, jobs: config.jobs.enabled });
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      stop() {
        const grace = config.server.shutdownGraceMs;
        stopping ??= Promise.all([
          server.close(grace),
          (async () => {
            await scheduler?.stop();
            await worker?.stop(grace);
          })(),
        ]).then(() => undefined);
        return stopping;
      },
    };
  },
};
