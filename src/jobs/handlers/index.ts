import type { Logger } from '../../shared/log.ts';
import type { Db } from '../../store/db.ts';
import type { DigestJobServices } from '../digest/services.ts';
import type { JobHandler } from '../job-handler.ts';
import { createBuildDigestsHandler, createDeliverDigestHandler } from './advisory-digest.ts';
import {
  createAttachVsaHandler,
  createCollectEvidenceHandler,
  createEvaluateHandler,
  createIssueVsaHandler,
  createReevaluateHandler,
  type GateJobServices,
} from './gate-evidence.ts';
import { createPruneJobsHandler } from './prune-jobs.ts';

export type { GateJobServices };

/**
 * What job handlers may use; `main.ts` builds it. New handlers (evidence collection, rescans,
 * notifications) add the services they need here and one factory line to JOB_HANDLERS.
 */
export interface JobServices {
  db: Db;
  log: Logger;
  now: () => Date;
  /** The release gate's services (evidence, evaluation, VSAs), read when a gate job runs. */
  gate: GateJobServices;
  /** Advisory digests and their deliveries (absent where nothing builds digests, e.g. some tests). */
  digest?: DigestJobServices;
}

/** Every job handler: one factory per queue. */
export const JOB_HANDLERS: readonly ((services: JobServices) => JobHandler)[] = [
  () => createPruneJobsHandler(),
  (services) => createCollectEvidenceHandler(() => services.gate),
  (services) => createEvaluateHandler(() => services.gate),
  (services) => createIssueVsaHandler(() => services.gate),
  (services) => createAttachVsaHandler(() => services.gate),
  (services) => createReevaluateHandler(() => services.gate),
  (services) => createBuildDigestsHandler(() => digestServices(services)),
  (services) => createDeliverDigestHandler(() => digestServices(services)),
];

function digestServices(services: JobServices): DigestJobServices {
  if (!services.digest) throw new Error('the digest services are not configured in this process');
  return services.digest;
}

export function createJobHandlers(services: JobServices): JobHandler[] {
  return JOB_HANDLERS.map((create) => create(services));
}
