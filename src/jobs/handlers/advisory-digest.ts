import { buildDigests } from '../digest/build.ts';
import { deliverDigest, type DeliverPayload } from '../digest/deliver.ts';
import { DIGEST_QUEUES, type DigestJobServices } from '../digest/services.ts';
import { defineJobHandler, REASON_PAYLOAD_SCHEMA, type JobHandler } from '../job-handler.ts';

/** The scheduled digest run: every project's approved releases against the advisories as they are now. */
export function createBuildDigestsHandler(digest: () => DigestJobServices): JobHandler {
  return defineJobHandler<{ reason: string }>({
    queue: DIGEST_QUEUES.build,
    description: 'Compare approved releases with the advisories and record a digest per project.',
    payloadSchema: REASON_PAYLOAD_SCHEMA,
    maxAttempts: 3,
    timeoutMs: 60 * 60_000,
    run: (job) => buildDigests(digest(), job),
  });
}

/** One digest to one destination. */
export function createDeliverDigestHandler(digest: () => DigestJobServices): JobHandler {
  return defineJobHandler<DeliverPayload>({
    queue: DIGEST_QUEUES.deliver,
    description: 'Send a recorded digest to one destination (webhook, Slack, GitHub issue).',
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['digestId', 'destination'],
      properties: {
        digestId: { type: 'integer', minimum: 1 },
        destination: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
      },
    },
    maxAttempts: 8,
    timeoutMs: 5 * 60_000,
    run: (job) => deliverDigest(digest(), job),
  });
}
