import { isRaygateError } from '../../shared/errors.ts';
import { findDelivery, findDigest, markDelivered, recordDeliveryFailure } from '../../store/repos/digests.ts';
import type { JobRun } from '../job-handler.ts';
import { deliver } from '../notify/deliver.ts';
import type { DigestJobServices } from './services.ts';
import { resolveTarget } from './targets.ts';

export interface DeliverPayload {
  digestId: number;
  destination: string;
}

/**
 * Sends one recorded digest to one destination. A delivered one is never sent again; a failed attempt is
 * recorded on the delivery (attempts, last error) and thrown, so the job system retries it with backoff;
 * one that cannot succeed (destination removed or refused, secret missing, a 4xx answer) or has used its
 * last attempt is marked failed, visible in the API, never dropped silently.
 */
export async function deliverDigest(
  services: DigestJobServices,
  job: JobRun<DeliverPayload>,
): Promise<Record<string, unknown>> {
  const { db, config } = services;
  const { digestId, destination } = job.payload;
  const delivery = await findDelivery(db, digestId, destination);
  if (!delivery) return { skipped: 'no such delivery' };
  if (delivery.state === 'delivered') return { alreadyDelivered: true };
  const digest = await findDigest(db, digestId);
  if (!digest) return { skipped: 'no such digest' };
  const fail = async (error: unknown, final: boolean) => {
    const described = isRaygateError(error)
      ? { code: error.code, message: error.message }
      : { code: 'INTERNAL', message: (error as Error).message };
    await recordDeliveryFailure(db, digestId, destination, described, services.now(), final);
  };
  try {
    const configured = config.destinations.find((d) => d.name === destination);
    if (!configured) {
      await fail(
        { code: 'NOTIFY_DESTINATION_GONE', message: `destination ${destination} is no longer configured` },
        true,
      );
      return { failed: 'destination no longer configured' };
    }
    const target = resolveTarget(configured, config, services.env);
    const publicUrl = services.publicUrl();
    const receipt = await deliver(
      target,
      {
        digest: digest.document,
        key: delivery.idempotencyKey,
        ...(publicUrl ? { fullDigestUrl: `${publicUrl}/api/v1/digests/${digestId}` } : {}),
        now: services.now(),
      },
      { ...services.http, allowedHosts: config.allowedHosts, allowPrivate: config.allowPrivateHosts },
    );
    await job.commit((tx) => markDelivered(tx, digestId, destination, { ...receipt }, services.now()));
    job.log.info('digest delivered', { digest: digestId, destination, status: receipt.status });
    return { ...receipt };
  } catch (error) {
    const permanent = isRaygateError(error) && (error.kind === 'usage' || error.kind === 'input');
    if (isRaygateError(error) && error.code === 'JOB_LEASE_LOST') throw error;
    await fail(error, permanent || job.attempt >= job.maxAttempts);
    job.log.warn('digest delivery failed', { digest: digestId, destination, attempt: job.attempt, error });
    throw error;
  }
}
