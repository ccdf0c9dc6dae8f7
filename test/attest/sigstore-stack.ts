import { createHash, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';

/**
 * A local Sigstore (Fulcio with a CT log, Rekor v1, an RFC 3161 TSA) served over real HTTP on 127.0.0.1
 * from @sigstore/mock's handler factories, so the real @sigstore/sign clients talk to it as to the
 * public-good instance. Two mock limitations are worked around here, deterministically:
 * - The mock TSA stamps genTime with milliseconds and drops trailing zeros (`…01.5Z`), which
 *   @sigstore/core cannot read; about one timestamp in ten failed. Every service gets one fixed,
 *   whole-second clock, so no timestamp has a fraction.
 * - The mock's Rekor v2 (a random index in a one-leaf tree, a protobuf-shaped body) and its Rekor v1 `dsse`
 *   entries (stored unrewritten) cannot be verified, so tests log DSSE envelopes as `intoto` entries on v1.
 */
export interface SigstoreStack {
  url: string;
  /** The trusted_root.json of this stack (its CA, CT log, Rekor and TSA keys). */
  trustedRoot: Record<string, unknown>;
  /** An unsigned OIDC token (the mock does not check signatures) with these claims. */
  token(claims: Record<string, unknown>): string;
  requests: Record<string, number>;
  close(): Promise<void>;
}

const b64 = (bytes: ArrayBufferView) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

export async function startSigstoreStack(): Promise<SigstoreStack> {
  // Set below, once the services' own certificates exist: the mock issues its CA and TSA roots with
  // notBefore = the real time of creation, and a clock earlier than that (creation crossing a second under
  // load) makes every chain check at the signing time fail. The mock services read this Date by reference.
  const clock = new Date(0);
  const routes = new Map<
    string,
    (
      body: string,
    ) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }>
  >();
  const requests: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      requests[path] = (requests[path] ?? 0) + 1;
      const route = req.method === 'POST' ? routes.get(path) : undefined;
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route(Buffer.concat(chunks).toString('utf8')).then(
        ({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
          res.end(
            typeof response === 'string'
              ? response
              : Buffer.from(response.buffer, response.byteOffset, response.byteLength),
          );
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const [caKeys, ctKeys, rekorKeys, tsaKeys] = [keyPair(), keyPair(), keyPair(), keyPair()];
  const ctlog = await initializeCTLog(ctKeys, clock);
  const ca = await initializeCA(caKeys, ctlog, clock);
  const tlog = await initializeTLog(url, rekorKeys, clock);
  const tsa = await initializeTSA(tsaKeys, clock);
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 1));
  clock.setTime(Math.floor(Date.now() / 1000) * 1000);
  const validFor = { start: new Date(clock.getTime() - 3600_000).toISOString() };
  for (const handler of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)])
    routes.set(handler.path, handler.fn);

  const logKey = (key: KeyObject, id: ArrayBufferView) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(spki(key)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
    logId: { keyId: b64(id) },
  });
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor,
      },
    ],
    tlogs: [logKey(rekorKeys.publicKey, createHash('sha256').update(spki(rekorKeys.publicKey)).digest())],
    ctlogs: [logKey(ctKeys.publicKey, ctlog.logID)],
    timestampAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock tsa' },
        certChain: {
          certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }],
        },
        validFor,
      },
    ],
  };

  return {
    url,
    trustedRoot,
    requests,
    token: (claims) => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: 'sigstore', iat: now, exp: now + 600, ...claims })}.`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
