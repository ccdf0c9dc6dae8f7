import { RaygateError } from '../shared/errors.ts';

/**
 * HTTP for OSV's API and export bucket, with the guards both need: a host allow-list (checked before
 * every request; redirects are refused, so a response cannot send raygate elsewhere), a per-request
 * timeout, retries with exponential backoff on 5xx, 429 and network errors honouring Retry-After, and a
 * request budget shared by everything one command does, so a misbehaving server cannot keep it busy.
 */
export interface HttpOptions {
  allowedHosts: readonly string[];
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Requests (attempts included) one client may make in all. */
  maxRequests: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  allowedHosts: [],
  timeoutMs: 30_000,
  maxRetries: 4,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  maxRequests: 5_000,
  fetch: (input, init) => fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class HttpBudget {
  readonly limit: number;
  used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  take(url: string): void {
    if (this.used >= this.limit) {
      throw new RaygateError(
        'OSV_REQUEST_BUDGET_EXCEEDED',
        'limit',
        `Gave up before ${url}: the budget of ${this.limit} requests to OSV is used up.`,
      );
    }
    this.used++;
  }
}

export function assertAllowedHost(url: URL, allowed: readonly string[]): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RaygateError('OSV_URL_INVALID', 'usage', `${url.href} is not an http(s) URL.`);
  }
  if (!allowed.includes(url.host) && !allowed.includes(url.hostname)) {
    throw new RaygateError(
      'OSV_HOST_NOT_ALLOWED',
      'usage',
      `${url.host} is not an allowed OSV host (allowed: ${allowed.join(', ') || 'none'}).`,
    );
  }
}

/**
 * Sends one request with retries. Returns the final response for any status that is not retried (the
 * caller decides what 200, 304 or 404 mean); throws OSV_UNAVAILABLE or OSV_TIMEOUT once retries run out.
 */
export async function requestWithRetries(
  url: URL,
  init: RequestInit,
  options: HttpOptions,
  budget: HttpBudget,
): Promise<Response> {
  assertAllowedHost(url, options.allowedHosts);
  let lastProblem = '';
  let timedOut = false;
  for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
    budget.take(url.href);
    let response: Response | undefined;
    try {
      response = await options.fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      timedOut = (error as Error).name === 'TimeoutError';
      lastProblem = timedOut ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error);
    }
    if (response) {
      if (response.status !== 429 && response.status < 500) return response;
      timedOut = false;
      lastProblem = `HTTP ${response.status}`;
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
      if (attempt < options.maxRetries) {
        await options.sleep(Math.min(retryAfter ?? backoff(attempt, options), options.maxBackoffMs));
      }
      continue;
    }
    if (attempt < options.maxRetries) await options.sleep(backoff(attempt, options));
  }
  throw new RaygateError(
    timedOut ? 'OSV_TIMEOUT' : 'OSV_UNAVAILABLE',
    'unavailable',
    `${url.origin}${url.pathname} failed after ${options.maxRetries + 1} attempts (${lastProblem}).`,
  );
}

function backoff(attempt: number, options: HttpOptions): number {
  const base = options.backoffMs * 2 ** attempt;
  // Full jitter keeps many CI jobs that failed together from retrying together.
  return Math.min(options.maxBackoffMs, Math.round(base / 2 + (Math.random() * base) / 2));
}

/** Retry-After as delay-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Reads a response body whole, refusing bodies larger than `max` bytes. */
export async function readBody(response: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(what, max);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge(what, max);
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(what: string, max: number): RaygateError {
  return new RaygateError('OSV_RESPONSE_TOO_LARGE', 'limit', `${what} is larger than ${max} bytes; refused.`);
}
