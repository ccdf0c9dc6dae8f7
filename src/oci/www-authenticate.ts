/** One challenge of a `WWW-Authenticate` header (RFC 7235): a scheme and its parameters. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate` as registries send it: `Bearer realm="…",service="…",scope="…"` or
 * `Basic realm="…"`, possibly several challenges in one header. Parameter names are lower-cased.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
  };
  while (i < n) {
    skipSpace();
    const schemeStart = i;
    while (i < n && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(header[i]!)) i++;
    if (i === schemeStart) break;
    const challenge: AuthChallenge = { scheme: header.slice(schemeStart, i).toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skipSpace();
      const nameStart = i;
      while (i < n && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(header[i]!)) i++;
      const name = header.slice(nameStart, i);
      let j = i;
      while (j < n && header[j] === ' ') j++;
      if (name === '' || header[j] !== '=') {
        i = nameStart; // the next challenge's scheme
        break;
      }
      i = j + 1;
      while (i < n && header[i] === ' ') i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < n && header[i] !== ',' && header[i] !== ' ') i++;
        value = header.slice(start, i);
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
