import { Agent, request, type Dispatcher } from 'undici';
import { guardedLookup } from '../../oci/guarded-lookup.ts';
import { HostGuard } from '../../oci/host-policy.ts';
import { RaygateError } from '../../shared/errors.ts';
import { assertAllowedHost, retryAfterMs } from '../../shared/http-client.ts';

/**
 * Where notifications may go. Two checks, before every attempt: the destination's host must be on
 * `allowedHosts` (the operator names every host a digest may be sent to), and neither the host nor any
 * address its name resolves to (checked again when connecting, so DNS cannot slip past) may be private,
 * loopback or link-local unless listed in `allowPrivate` (the OCI registry guard, reused). Plain http is
 * accepted only for hosts in `allowPrivate`; redirects are never followed.
 */
export interface NotifyPolicy {
  allowedHosts: readonly string[];
  allowPrivate: readonly string[];
  timeoutMs: number;
  /** Retries after the first attempt within one delivery attempt (the job system retries beyond that). */
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_NOTIFY_POLICY: Omit<NotifyPolicy, 'allowedHosts' | 'allowPrivate'> = {
  timeoutMs: 15_000,
  maxRetries: 2,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
};

export interface NotifyResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const SERVICE = { name: 'notification', codePrefix: 'NOTIFY' };
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Checks a destination URL against the policy without sending anything (config load, CLI options). */
export function checkDestinationUrl(
  url: URL,
  policy: Pick<NotifyPolicy, 'allowedHosts' | 'allowPrivate'>,
): void {
  if (url.username || url.password)
    throw new RaygateError(
      'NOTIFY_URL_INVALID',
      'usage',
      `${redact(url)}: credentials do not belong in the URL.`,
    );
  assertAllowedHost(url, policy.allowedHosts, SERVICE);
  try {
    new HostGuard({ allow: policy.allowPrivate }).checkHost(url.host);
  } catch (error) {
    throw denied(url, error);
  }
  if (url.protocol !== 'https:' && !namedPrivate(url, policy.allowPrivate))
    throw new RaygateError(
      'NOTIFY_URL_INVALID',
      'usage',
      `${redact(url)}: notifications go over https (plain http only to a host named in the private allow-list).`,
    );
}

/** True when the allow-list of private hosts names this host (`host`, `host:port`, or the address). */
function namedPrivate(url: URL, allowPrivate: readonly string[]): boolean {
  const names = new Set([url.hostname.replace(/^\[|\]$/g, ''), url.host].map((n) => n.toLowerCase()));
  return allowPrivate.some((entry) => names.has(entry.trim().toLowerCase()));
}

/**
 * Sends one request to a notification destination with the policy's checks, a timeout, and retries with
 * backoff on network errors, 429 and 5xx (honouring Retry-After). Returns any other response; throws
 * NOTIFY_UNAVAILABLE / NOTIFY_TIMEOUT once retries run out, NOTIFY_HOST_* / NOTIFY_URL_INVALID when the
 * destination is not allowed.
 */
export async function sendNotification(
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  policy: NotifyPolicy,
  retryable: (response: NotifyResponse) => number | undefined = () => undefined,
): Promise<NotifyResponse> {
  checkDestinationUrl(url, policy);
  const guard = new HostGuard({ allow: policy.allowPrivate });
  const dispatcher = new Agent({
    headersTimeout: policy.timeoutMs,
    bodyTimeout: policy.timeoutMs,
    connect: { timeout: policy.timeoutMs, lookup: guardedLookup(guard) } as Record<string, unknown>,
  });
  const sleep = policy.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let lastProblem = '';
  let timedOut = false;
  try {
    for (let attempt = 0; attempt <= policy.maxRetries; attempt++) {
      let response: NotifyResponse | undefined;
      try {
        response = await send(url, init, dispatcher, policy.timeoutMs);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error;
        if (cause instanceof RaygateError && cause.code === 'OCI_HOST_DENIED') throw denied(url, cause);
        timedOut = /timeout/i.test((error as Error).name) || (error as Error).name === 'AbortError';
        lastProblem = timedOut ? `no answer within ${policy.timeoutMs} ms` : describe(error);
      }
      if (response) {
        const extra = retryable(response);
        if (response.status !== 429 && response.status < 500 && extra === undefined) return response;
        timedOut = false;
        lastProblem = `HTTP ${response.status}`;
        if (attempt < policy.maxRetries)
          await sleep(
            Math.min(
              extra ?? retryAfterMs(response.headers['retry-after'] ?? null) ?? backoff(attempt, policy),
              policy.maxBackoffMs,
            ),
          );
        continue;
      }
      if (attempt < policy.maxRetries) await sleep(backoff(attempt, policy));
    }
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
  throw new RaygateError(
    timedOut ? 'NOTIFY_TIMEOUT' : 'NOTIFY_UNAVAILABLE',
    'unavailable',
    `${redact(url)} failed after ${policy.maxRetries + 1} attempts (${lastProblem}).`,
  );
}

async function send(
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<NotifyResponse> {
  const response = await request(url, {
    method: init.method,
    headers: init.headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      response.body.destroy();
      throw new RaygateError(
        'NOTIFY_RESPONSE_TOO_LARGE',
        'limit',
        `${redact(url)} answered with more than ${MAX_RESPONSE_BYTES} bytes.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers, text: Buffer.concat(chunks).toString('utf8') };
}

function backoff(attempt: number, policy: NotifyPolicy): number {
  const base = policy.backoffMs * 2 ** attempt;
  return Math.min(policy.maxBackoffMs, Math.round(base / 2 + (Math.random() * base) / 2));
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** A URL for messages: Slack webhook paths and query strings are secrets, so only origin and a hint. */
export function redact(url: URL): string {
  return `${url.origin}${url.pathname.length > 1 ? '/…' : '/'}`;
}

function denied(url: URL, error: unknown): RaygateError {
  const why =
    error instanceof RaygateError ? error.message.replace(/^Refusing to contact [^:]+: /, '') : String(error);
  return new RaygateError(
    'NOTIFY_HOST_DENIED',
    'usage',
    `Refusing to send to ${url.host}: ${why.replace(/; allow it explicitly.*$/, '')}; list it under digest.allowPrivateHosts (--allow-private-host) if it is yours.`,
    { cause: error },
  );
}
