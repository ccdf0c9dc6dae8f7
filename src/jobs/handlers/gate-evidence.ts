import {
  collectPart,
  evaluateCollected,
  type CollectionDeps,
  type CollectPayload,
  type EvaluatePayload,
} from '../../gate/collection.ts';
import { GATE_QUEUES } from '../../gate/job-names.ts';
import { reevaluateAwaiting } from '../../gate/reevaluation.ts';
import { attachVsas, issueVsas, markVsasFailed, type VsaDeps } from '../../gate/vsa-issuer.ts';
import { defineJobHandler, REASON_PAYLOAD_SCHEMA, type JobHandler } from '../job-handler.ts';

/** What the gate's job handlers use; composition.ts builds it. */
export interface GateJobServices {
  collection: CollectionDeps;
  vsa: VsaDeps;
}

const RELEASE_ID = { type: 'string', pattern: '^rel_[A-Za-z0-9_-]{1,64}$' } as const;
const RELEASE_PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['releaseId'],
  properties: { releaseId: RELEASE_ID },
} as const;

/** One part of a release's evidence (an artifact, its lock files, its Ray manifests). */
export function createCollectEvidenceHandler(gate: () => GateJobServices): JobHandler {
  return defineJobHandler<CollectPayload>({
    queue: GATE_QUEUES.collect,
    description:
      "Collect one part of a release candidate's evidence (SBOM, advisories, signatures, pins, Ray lint).",
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['releaseId', 'round', 'part'],
      properties: {
        releaseId: RELEASE_ID,
        round: { type: 'integer', minimum: 1 },
        part: { type: 'string', pattern: '^(artifact:[0-9]{1,4}|lock-files|ray)$' },
      },
    },
    maxAttempts: 5,
    timeoutMs: 15 * 60_000,
    run: (job) => collectPart(gate().collection, job.payload, job),
  });
}

/** Every part is in: the first decision. */
export function createEvaluateHandler(gate: () => GateJobServices): JobHandler {
  return defineJobHandler<EvaluatePayload>({
    queue: GATE_QUEUES.evaluate,
    description: 'Evaluate the policy over a release candidate whose evidence is complete.',
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['releaseId', 'round'],
      properties: { releaseId: RELEASE_ID, round: { type: 'integer', minimum: 1 } },
    },
    maxAttempts: 5,
    timeoutMs: 5 * 60_000,
    run: (job) => evaluateCollected(gate().collection, job.payload, job),
  });
}

export function createIssueVsaHandler(gate: () => GateJobServices): JobHandler {
  return defineJobHandler<{ releaseId: string }>({
    queue: GATE_QUEUES.issueVsa,
    description: 'Sign a SLSA verification summary (VSA) for each artifact of an approved release.',
    payloadSchema: RELEASE_PAYLOAD_SCHEMA,
    maxAttempts: 5,
    timeoutMs: 5 * 60_000,
    run: async (job) => {
      try {
        return await issueVsas(gate().vsa, job.payload.releaseId, job);
      } catch (error) {
        if (job.attempt < job.maxAttempts) throw error;
        return markVsasFailed(gate().vsa, job.payload.releaseId, error, job);
      }
    },
  });
}

export function createAttachVsaHandler(gate: () => GateJobServices): JobHandler {
  return defineJobHandler<{ releaseId: string }>({
    queue: GATE_QUEUES.attachVsa,
    description: "Attach an approved release's VSAs to its images as OCI referrers.",
    payloadSchema: RELEASE_PAYLOAD_SCHEMA,
    maxAttempts: 5,
    timeoutMs: 5 * 60_000,
    run: (job) => attachVsas(gate().vsa, job.payload.releaseId, job),
  });
}

export function createReevaluateHandler(gate: () => GateJobServices): JobHandler {
  return defineJobHandler<{ reason: string }>({
    queue: GATE_QUEUES.reevaluate,
    description: 'Judge releases awaiting approval again (exceptions expire or change, advisories change).',
    payloadSchema: REASON_PAYLOAD_SCHEMA,
    maxAttempts: 3,
    timeoutMs: 30 * 60_000,
    run: () => reevaluateAwaiting(gate().collection),
  });
}
