import type { Logger } from '../../shared/log.ts';
import type { Db } from '../../store/db.ts';
import type { JobHandler } from '../job-handler.ts';
import { createPruneJobsHandler } from './prune-jobs.ts';

/**
 * What job handlers may use; `main.ts` builds it. New handlers (evidence collection, rescans,
 * notifications) add the services they need here and one factory line to JOB_HANDLERS.
 */
export interface JobServices {
  db: Db;
  log: Logger;
  now: () => Date;
}

/** Every job handler: one factory per queue. */
export const JOB_HANDLERS: readonly ((services: JobServices) => JobHandler)[] = [
  () => createPruneJobsHandler(),
];

export function createJobHandlers(services: JobServices): JobHandler[] {
  return JOB_HANDLERS.map((create) => create(services));
}
