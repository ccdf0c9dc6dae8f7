import type { Config } from '../config.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../shared/log.ts';
import type { ApiTokens } from '../store/api-tokens.ts';
import type { Db } from '../store/db.ts';
import type { Migration } from '../store/migrate.ts';
import type { Authenticator } from './auth/authenticate.ts';

/**
 * Everything routes may use, built by `main.ts`. Route modules take what they need from it; the gate half
 * adds its services (releases, approvals, policies, documents) here.
 */
export interface ApiServices {
  db: Db;
  /** The migrations this build knows, for /readyz. */
  migrations: readonly Migration[];
  tokens: ApiTokens;
  authenticator: Authenticator;
  queue: JobQueue;
  log: Logger;
  now: () => Date;
}

/** The configuration slice the HTTP layer reads. */
export type ApiConfig = Pick<Config, 'server' | 'rateLimits'>;
