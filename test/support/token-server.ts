import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServer {
  realm: string;
  /** Requests seen: scope, service and the user (or '' for anonymous). */
  requests: { scope: string; service: string; user: string }[];
  close(): Promise<void>;
}

/**
 * The token issuer of the distribution token auth spec, for a registry configured with `auth: token`:
 * checks Basic credentials, then returns a JWT (ES256, the signing certificate in `x5c`) granting the
 * scope asked for. The registry verifies it against the certificate it was given as root bundle.
 */
export async function startTokenServer(options: {
  cert: string;
  key: string;
  issuer: string;
  service: string;
  users: Record<string, string>;
  /** Allow anonymous pulls (like Docker Hub for public images). */
  anonymousPull?: boolean;
}): Promise<TokenServer> {
  const key = createPrivateKey(await readFile(options.key));
  const der = new X509Certificate(await readFile(options.cert)).raw.toString('base64');
  const requests: TokenServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = url.searchParams.get('scope') ?? '';
    const service = url.searchParams.get('service') ?? '';
    let user = '';
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (!u || options.users[u] !== p) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ details: 'wrong credentials' }));
        return;
      }
      user = u;
    }
    requests.push({ scope, service, user });
    const access = scope
      .split(' ')
      .filter(Boolean)
      .map((s) => {
        const [type, name, actions] = s.split(':');
        const granted = (actions ?? '')
          .split(',')
          .filter((a) => user !== '' || (options.anonymousPull && a === 'pull'));
        return { type, name, actions: granted };
      });
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = b64({ alg: 'ES256', typ: 'JWT', x5c: [der] });
    const claims = b64({
      iss: options.issuer,
      sub: user,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    });
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
      key,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${header}.${claims}.${signature}`, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
