import { renderSlack } from '../../advisories/digest/index.ts';
import { RaygateError } from '../../shared/errors.ts';
import { redact, sendNotification, type NotifyPolicy } from './http.ts';
import type { DeliveryReceipt, DeliveryRequest, SlackTarget } from './targets.ts';

/**
 * Posts the digest to a Slack incoming webhook as Block Kit. Slack answers 200 `ok`, or 4xx with an error
 * name (`invalid_blocks`, `no_service`, `channel_is_archived`), which will not get better by retrying.
 */
export async function deliverSlack(
  target: SlackTarget,
  request: DeliveryRequest,
  policy: NotifyPolicy,
): Promise<DeliveryReceipt> {
  const url = new URL(target.url);
  const message = renderSlack(
    request.digest,
    request.fullDigestUrl ? { fullDigestUrl: request.fullDigestUrl } : {},
  );
  const response = await sendNotification(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'raygate-digest' },
      body: JSON.stringify(message),
    },
    policy,
  );
  if (response.status !== 200) {
    throw new RaygateError(
      'NOTIFY_REJECTED',
      'input',
      `Slack (${redact(url)}) refused the digest: HTTP ${response.status} ${response.text.slice(0, 200)}`.trim(),
    );
  }
  return { status: response.status };
}
