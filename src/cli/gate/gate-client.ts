import { setTimeout as sleep } from 'node:timers/promises';
import { RaygateError, type ErrorKind } from '../../shared/errors.ts';

/** One server-sent event. */
export interface ServerEvent {
  id?: string;
  event: string;
  data: string;
}

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'usage',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'limit',
  415: 'usage',
  422: 'input',
  429: 'unavailable',
};

/**
 * The gate's HTTP API for the CLI: JSON requests with a bearer credential, the API's `{error: {code,
 * message}}` turned back into RaygateErrors with the same code, and server-sent events.
 */
export class GateClient {
  readonly base: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(server: string, token: string, timeoutMs = 60_000) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new RaygateError('GATE_SERVER_INVALID', 'usage', `--server '${server}' is not a URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RaygateError('GATE_SERVER_INVALID', 'usage', `--server must be an http(s) URL.`);
    }
    this.base = url.toString().replace(/\/+$/, '');
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await this.#fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        accept: 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw errorOf(response.status, text, `${method} ${path}`);
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /**
   * Reads a server-sent event stream until it ends or `signal` aborts, calling `onEvent` for each event.
   * Returns the last event id seen, to resume from.
   */
  async stream(
    path: string,
    lastEventId: string | undefined,
    signal: AbortSignal,
    onEvent: (event: ServerEvent) => void,
  ): Promise<string | undefined> {
    const response = await this.#fetch(path, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal,
    });
    if (!response.ok || !response.body) throw errorOf(response.status, await response.text(), `GET ${path}`);
    let last = lastEventId;
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (;;) {
        const end = buffer.search(/\r?\n\r?\n/);
        if (end === -1) break;
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const event = parseEvent(block);
        if (!event) continue;
        if (event.id !== undefined) last = event.id;
        onEvent(event);
      }
      if (buffer.length > 1024 * 1024)
        throw new RaygateError('GATE_STREAM_INVALID', 'unavailable', 'An event is too large.');
    }
    return last;
  }

  async #fetch(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${this.#token}`, 'user-agent': 'raygate-cli' },
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') throw error;
      throw new RaygateError(
        'GATE_UNREACHABLE',
        'unavailable',
        `Cannot reach the gate at ${this.base}: ${(error as Error).cause ? String((error as Error & { cause: Error }).cause.message) : (error as Error).message}`,
        { cause: error },
      );
    }
  }
}

function parseEvent(block: string): ServerEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  return { event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
}

function errorOf(status: number, text: string, what: string): RaygateError {
  let code = `HTTP_${status}`;
  let message = `${what} answered ${status}.`;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not the API's error shape (a proxy's page)
  }
  return new RaygateError(
    code,
    KIND_BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'usage'),
    message,
    {
      details: { status },
    },
  );
}

/** Retries `work` on transient failures (unreachable, 429, 5xx) until `deadline`. */
export async function withRetry<T>(
  work: () => Promise<T>,
  deadline: number,
  onRetry?: (error: unknown) => void,
): Promise<T> {
  let delay = 1000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const transient = error instanceof RaygateError && error.kind === 'unavailable';
      if (!transient || Date.now() + delay >= deadline) throw error;
      onRetry?.(error);
      await sleep(delay);
      delay = Math.min(delay * 2, 15_000);
    }
  }
}
