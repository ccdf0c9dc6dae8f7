import { isRaygateError, type ErrorKind } from '../shared/errors.ts';

/** How an error leaves the API: `{error: {code, message, requestId}}` with this status. */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
  /** True for failures of raygate itself: logged with their stack, described only vaguely to the client. */
  internal: boolean;
}

/** The one table from error kind to HTTP status. */
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  usage: 400,
  input: 422,
  'not-found': 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  limit: 413,
  unavailable: 503,
  verification: 422,
  internal: 500,
};

/** Codes whose status is more specific than their kind's. */
const STATUS_BY_CODE: Record<string, number> = {
  RATE_LIMITED: 429,
  BODY_UNSUPPORTED_MEDIA_TYPE: 415,
  ROUTE_NOT_FOUND: 404,
};

/** body-parser's error `type`s, turned into raygate codes. */
const BODY_PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.too.large': {
    status: 413,
    code: 'BODY_TOO_LARGE',
    message: 'The request body is larger than this server accepts.',
  },
  'entity.parse.failed': {
    status: 400,
    code: 'BODY_INVALID_JSON',
    message: 'The request body is not valid JSON.',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'BODY_UNSUPPORTED_ENCODING',
    message: 'The request body encoding is not supported.',
  },
  'charset.unsupported': {
    status: 415,
    code: 'BODY_UNSUPPORTED_CHARSET',
    message: 'The request body charset is not supported.',
  },
  'request.aborted': {
    status: 400,
    code: 'BODY_ABORTED',
    message: 'The request body was not received completely.',
  },
  'request.size.invalid': {
    status: 400,
    code: 'BODY_SIZE_MISMATCH',
    message: 'The request body does not match its Content-Length.',
  },
  'parameters.too.many': {
    status: 413,
    code: 'BODY_TOO_LARGE',
    message: 'The request body has too many parameters.',
  },
};

export function toHttpError(error: unknown): HttpError {
  if (isRaygateError(error)) {
    const status = STATUS_BY_CODE[error.code] ?? STATUS_BY_KIND[error.kind];
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="raygate"';
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
    if (status >= 500 && error.kind === 'internal') {
      return {
        status,
        code: error.code,
        message: 'raygate failed internally; the request id leads to the log entry.',
        headers,
        internal: true,
      };
    }
    return { status, code: error.code, message: error.message, headers, internal: false };
  }
  const bodyType = (error as { type?: unknown } | null)?.type;
  if (typeof bodyType === 'string' && BODY_PARSER_ERRORS[bodyType]) {
    return { ...BODY_PARSER_ERRORS[bodyType], headers: {}, internal: false };
  }
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'raygate failed internally; the request id leads to the log entry.',
    headers: {},
    internal: true,
  };
}
