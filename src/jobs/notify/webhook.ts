import { RaygateError } from '../../shared/errors.ts';
import { redact, sendNotification, type NotifyPolicy } from './http.ts';
import type { DeliveryReceipt, DeliveryRequest, WebhookTarget } from './targets.ts';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.ts';

/**
 * POSTs the digest document as JSON, signed (see webhook-signature.ts) and carrying the delivery key, so
 * a receiver can verify it came from raygate, refuse a replay, and keep one copy of a retried delivery.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  request: DeliveryRequest,
  policy: NotifyPolicy,
): Promise<DeliveryReceipt> {
  const body = JSON.stringify(request.digest);
  const timestamp = Math.floor(request.now.getTime() / 1000);
  const url = new URL(target.url);
  const response = await sendNotification(
    url,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'raygate-digest',
        [WEBHOOK_HEADERS.event]: 'advisory-digest',
        [WEBHOOK_HEADERS.delivery]: request.key,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        ...(target.secret
          ? { [WEBHOOK_HEADERS.signature]: signWebhook(target.secret, timestamp, body) }
          : {}),
      },
      body,
    },
    policy,
  );
  if (response.status < 200 || response.status >= 300) {
    throw new RaygateError(
      'NOTIFY_REJECTED',
      'input',
      `${redact(url)} refused the digest: HTTP ${response.status} ${response.text.slice(0, 200)}`.trim(),
    );
  }
  return { status: response.status };
}
