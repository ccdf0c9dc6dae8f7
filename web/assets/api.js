// The UI is a client of the same JSON API CI uses. The browser holds no token: after sign-in it carries
// an HttpOnly session cookie, and every change sends the session's CSRF token (see
// src/api/auth/cookie-session.ts for why). Errors come back as {error: {code, message}} and are shown as such.

/** An error answer of the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

let csrfToken = null;

/** Remembers the CSRF token of the current session (null after sign-out). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when the server says the session is gone, so the app can show the sign-in page. */
let onSessionEnded = () => {};
export function whenSessionEnds(callback) {
  onSessionEnded = callback;
}

/**
 * One API call. `path` is an API path (with its query); `json` is sent as the body. `token` is only used
 * by sign-in: it goes out once, in the Authorization header, and is not kept.
 */
export async function api(method, path, { json, token, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  else if (method !== 'GET' && csrfToken) headers['X-Raygate-CSRF'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The raygate server could not be reached. Check your connection.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body?.error;
    const failure = new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
      typeof error?.requestId === 'string' ? error.requestId : undefined,
    );
    if (response.status === 401 && token === undefined) onSessionEnded(failure);
    throw failure;
  }
  return body;
}

/** `/api/v1/releases?project=…` from a path and the defined values of `params`. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
