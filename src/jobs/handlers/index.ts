import type { Logger } from '../../shared/log.ts';
import type { Db } from '../../store/db.ts';
import type { JobHandler } from '../job-handler.ts';
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
}

/** Every job handler: one factory per queue. */
export const JOB_HANDLERS: readonly ((services: JobServices) => JobHandler)[] = [
  () => createPruneJobsHandler(),
  (services) => createCollectEvidenceHandler(() => services.gate),
  (services) => createEvaluateHandler(() => services.gate),
  (services) => createIssueVsaHandler(() => services.gate),
  (services) => createAttachVsaHandler(() => services.gate),
  (services) => createReevaluateHandler(() => services.gate),
];

export function createJobHandlers(services: JobServices): JobHandler[] {
  return JOB_HANDLERS.map((create) => create(services));
}
