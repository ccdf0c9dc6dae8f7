import { RaygateError } from './errors.ts';

/**
 * HTTP for the web APIs raygate reads (OSV, PyPI, GitHub), with the guards they all need: a host
 * allow-list (checked before every request; redirects are refused, so a response cannot send raygate
 * elsewhere), a per-request timeout, retries with exponential backoff on 5xx, 429 and network errors
 * honouring Retry-After, and a request budget shared by everything one command does, so a misbehaving
 * server cannot keep it busy. Error codes carry the service's prefix (`OSV_UNAVAILABLE`, `PYPI_TIMEOUT`).
 */
export interface HttpService {
  /** For messages: `OSV`, `PyPI`, `GitHub`. */
  name: string;
  /** Prefix of the error codes: `OSV`, `PYPI`, `GITHUB`. */
  codePrefix: string;
}

export interface HttpOptions {
  service: HttpService;
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
  /**
   * A response that is a rate limit although its status is not 429 (GitHub's 403 with
   * `x-ratelimit-remaining: 0`): returns how long to wait, or undefined when it is not one.
   */
  rateLimitDelayMs?: (response: Response, now: number) => number | undefined;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  service: { name: 'OSV', codePrefix: 'OSV' },
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
  readonly service: HttpService;
  used = 0;

  constructor(limit: number, service: HttpService = DEFAULT_HTTP_OPTIONS.service) {
    this.limit = limit;
    this.service = service;
  }

  take(url: string): void {
    if (this.used >= this.limit) {
      throw new RaygateError(
        `${this.service.codePrefix}_REQUEST_BUDGET_EXCEEDED`,
        'limit',
        `Gave up before ${url}: the budget of ${this.limit} requests to ${this.service.name} is used up.`,
      );
    }
    this.used++;
  }
}

export function assertAllowedHost(
  url: URL,
  allowed: readonly string[],
  service: HttpService = DEFAULT_HTTP_OPTIONS.service,
): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RaygateError(
      `${service.codePrefix}_URL_INVALID`,
      'usage',
      `${url.href} is not an http(s) URL.`,
    );
  }
  if (!allowed.includes(url.host) && !allowed.includes(url.hostname)) {
    throw new RaygateError(
      `${service.codePrefix}_HOST_NOT_ALLOWED`,
      'usage',
      `${url.host} is not an allowed ${service.name} host (allowed: ${allowed.join(', ') || 'none'}).`,
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
  assertAllowedHost(url, options.allowedHosts, options.service);
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
      const limited = options.rateLimitDelayMs?.(response, Date.now());
      if (response.status !== 429 && response.status < 500 && limited === undefined) return response;
      timedOut = false;
      lastProblem = `HTTP ${response.status}${limited !== undefined || response.status === 429 ? ', rate limited' : ''}`;
      const retryAfter = limited ?? retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
      if (attempt < options.maxRetries) {
        await options.sleep(Math.min(retryAfter ?? backoff(attempt, options), options.maxBackoffMs));
      }
      continue;
    }
    if (attempt < options.maxRetries) await options.sleep(backoff(attempt, options));
  }
  throw new RaygateError(
    `${options.service.codePrefix}_${timedOut ? 'TIMEOUT' : 'UNAVAILABLE'}`,
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
export async function readBody(
  response: Response,
  max: number,
  what: string,
  service: HttpService = DEFAULT_HTTP_OPTIONS.service,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(what, max, service);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge(what, max, service);
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(what: string, max: number, service: HttpService): RaygateError {
  return new RaygateError(
    `${service.codePrefix}_RESPONSE_TOO_LARGE`,
    'limit',
    `${what} is larger than ${max} bytes; refused.`,
  );
}
