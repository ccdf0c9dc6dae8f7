import type { Config } from '../config.ts';
import type { ExceptionService } from '../gate/exception-service.ts';
import type { PolicyCatalog } from '../gate/policy-catalog.ts';
import type { ReleaseService } from '../gate/release-service.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../shared/log.ts';
import type { ApiTokens } from '../store/api-tokens.ts';
import type { DataVersion } from '../store/data-version.ts';
import type { Db } from '../store/db.ts';
import type { Migration } from '../store/migrate.ts';
import type { UiSessions } from '../store/ui-sessions.ts';
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
  /** Web UI sessions (cookie sign-in); without them the server accepts Bearer credentials only. */
  sessions?: UiSessions;
  queue: JobQueue;
  log: Logger;
  now: () => Date;
  gate: GateApiServices;
  /** When given, hot answers (release details) are cached per data version. */
  dataVersion?: DataVersion;
}

/** The release gate as routes use it. */
export interface GateApiServices {
  releases: ReleaseService;
  exceptions: ExceptionService;
  policies: PolicyCatalog;
  /** The public key VSAs are signed with now (absent when signing keylessly). */
  vsaKey?: { hint: string; publicKeyPem: string };
  /** Largest submission body accepted. */
  maxSubmissionBytes: number;
}

/** The configuration slice the HTTP layer reads. */
export type ApiConfig = Pick<Config, 'server' | 'rateLimits'>;
