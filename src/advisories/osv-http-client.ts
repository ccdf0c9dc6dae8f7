/**
 * OSV's HTTP: the shared client (src/shared/http-client.ts) with OSV's defaults, whose error codes
 * start with OSV_.
 */
export {
  assertAllowedHost,
  DEFAULT_HTTP_OPTIONS,
  HttpBudget,
  readBody,
  requestWithRetries,
  retryAfterMs,
} from '../shared/http-client.ts';
export type { HttpOptions } from '../shared/http-client.ts';
