import type { Config } from '../config.ts';
import type { Logger } from '../shared/log.ts';
import type { ApiTokens } from '../store/api-tokens.ts';
import type { Db } from '../store/db.ts';

/**
 * What the service commands (serve, tokens, audit) get from `main.ts`, which alone chooses the
 * implementations (PGlite or PostgreSQL, which job handlers and routes run). Commands stay thin and
 * testable; the CLI never imports the API layer.
 */
export interface ServiceRuntime {
  /** Settings from the environment and `RAYGATE_CONFIG`, with `overrides` (env-style names, from flags) on top. */
  loadConfig(overrides?: Readonly<Record<string, string>>): Promise<Config>;
  /** JSON-lines logs at the configured level, on stdout (the server) or stderr (one-shot commands). */
  createLogger(config: Config, stream: 'stdout' | 'stderr'): Logger;
  /** Opens the configured store and applies pending migrations. */
  openStore(config: Config, log: Logger): Promise<ServiceStore>;
  /** Starts the HTTP API, and the job worker and scheduler unless `jobs.enabled` is false. */
  startService(config: Config, store: ServiceStore, log: Logger): Promise<RunningService>;
}

export interface ServiceStore {
  db: Db;
  tokens: ApiTokens;
  /** e.g. `embedded PostgreSQL in /srv/raygate/data/pgdata` or `PostgreSQL at postgres://db/raygate`. */
  description: string;
  close(): Promise<void>;
}

export interface RunningService {
  url: string;
  /** Graceful: stops accepting, finishes in-flight requests and jobs (bounded), releases the rest. */
  stop(): Promise<void>;
}
