import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of a webhook delivery: HMAC-SHA256 with the shared secret over `<timestamp>.<body>`, sent as
 * `X-Raygate-Signature-256: sha256=<hex>` beside `X-Raygate-Timestamp: <unix seconds>`. Signing the
 * timestamp with the body lets a receiver refuse replays: it checks the signature, then that the timestamp
 * is recent (five minutes by default), then that it has not seen `X-Raygate-Delivery` before.
 */
export const WEBHOOK_HEADERS = {
  event: 'x-raygate-event',
  delivery: 'x-raygate-delivery',
  timestamp: 'x-raygate-timestamp',
  signature: 'x-raygate-signature-256',
} as const;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type WebhookVerdict = 'valid' | 'bad-signature' | 'stale' | 'malformed';

/** What a receiver does with the headers; exported for receivers written in TypeScript and for the tests. */
export function verifyWebhook(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
  toleranceSeconds?: number;
}): WebhookVerdict {
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp) || !input.signature) return 'malformed';
  const expected = Buffer.from(signWebhook(input.secret, Number(input.timestamp), input.body));
  const given = Buffer.from(input.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  const age = Math.abs(input.now.getTime() / 1000 - Number(input.timestamp));
  return age > (input.toleranceSeconds ?? 300) ? 'stale' : 'valid';
}
