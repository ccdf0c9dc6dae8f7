import type { AdvisorySource } from '../../advisories/source.ts';
import type { DigestConfig } from '../../config/digest-config.ts';
import type { Logger } from '../../shared/log.ts';
import type { Db } from '../../store/db.ts';
import type { NotifyPolicy } from '../notify/http.ts';
import type { JobQueue } from '../queue.ts';

/** What the digest jobs use; composition.ts builds it. */
export interface DigestJobServices {
  db: Db;
  queue: JobQueue;
  config: DigestConfig;
  advisorySource: () => Promise<AdvisorySource>;
  /** Where destination secrets are read from (process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** The service's public URL, for links to the full digest in messages. */
  publicUrl: () => string | undefined;
  /** Timeouts and retries of one delivery attempt (the allow-lists come from `config`). */
  http: Omit<NotifyPolicy, 'allowedHosts' | 'allowPrivate'>;
  log: Logger;
  now: () => Date;
}

export const DIGEST_QUEUES = {
  /** Compare every project's approved releases with the advisories and record what changed. */
  build: 'digest.build',
  /** Send one recorded digest to one destination. */
  deliver: 'digest.deliver',
} as const;

export const SNAPSHOT_MEDIA_TYPE = 'application/vnd.raygate.digest-snapshot+json';
