/**
 * Credentials written into index and package URLs (`https://user:token@host/simple`). Catalogers redact them
 * before a URL enters the inventory, so SBOMs and reports never repeat a secret; the redaction marker stays
 * visible so `raygate pins` can still tell that a secret was there.
 */

export const REDACTED = '***';

/** What the user-info part of a URL holds. */
export type UrlCredentials =
  /** No user-info at all. */
  | 'none'
  /** Only `${VAR}` placeholders, which pip expands from the environment at install time: no secret in the file. */
  | 'placeholder'
  /** A login name with no secret, over a transport that authenticates otherwise (`ssh://git@host`). */
  | 'login'
  /** A password or token written into the file (or the redaction marker that replaced one). */
  | 'secret';

interface Authority {
  /** Index where the user-info starts. */
  start: number;
  /** Index of the `@` that ends the user-info. */
  at: number;
  scheme: string;
}

const PLACEHOLDER_ONLY = /^(?:\$\{[A-Za-z0-9_]+\}|:)+$/;

function findUserInfo(url: string): Authority | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0) return undefined;
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return undefined;
  const start = schemeEnd + 3;
  let end = url.length;
  for (const stop of ['/', '?', '#']) {
    const i = url.indexOf(stop, start);
    if (i >= 0 && i < end) end = i;
  }
  // A raw `@` inside a password is common in hand-written files; the host follows the last one.
  const at = url.lastIndexOf('@', end - 1);
  if (at < start) return undefined;
  return { start, at, scheme };
}

export function credentialsIn(url: string): UrlCredentials {
  const authority = findUserInfo(url);
  if (!authority) return 'none';
  const userInfo = url.slice(authority.start, authority.at);
  if (userInfo === REDACTED) return 'secret';
  if (userInfo === '') return 'none';
  if (PLACEHOLDER_ONLY.test(userInfo)) return 'placeholder';
  if (!userInfo.includes(':') && authority.scheme.endsWith('ssh')) return 'login';
  return 'secret';
}

/** Replaces a secret user-info with `***` (`https://***@host/simple`); other URLs come back unchanged. */
export function redactUrlCredentials(url: string): string {
  if (credentialsIn(url) !== 'secret') return url;
  const authority = findUserInfo(url)!;
  return `${url.slice(0, authority.start)}${REDACTED}${url.slice(authority.at)}`;
}
