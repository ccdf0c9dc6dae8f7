import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { RaygateError, describeError, isRaygateError } from '../shared/errors.ts';
import type { CredentialResolver, RegistryCredential } from './credentials.ts';
import { HostGuard } from './host-policy.ts';
import { guardedLookup } from './guarded-lookup.ts';
import { MANIFEST_ACCEPT, MEDIA_TYPES, baseMediaType } from './media-types.ts';
import { apiHost } from './reference.ts';
import { parseWwwAuthenticate } from './www-authenticate.ts';

/*
 * Why a client of our own: @snyk/docker-registry-v2-client (the maintained npm pull client) reads a blob
 * either whole into memory or into a file on disk, never as a stream, checks no digests, talks HTTPS
 * only, and has no hook to vet the addresses it connects to; @sigstore/oci pushes attestations and reads
 * manifests but does not pull layers. An image scan needs exactly what they lack: blobs streamed once
 * and verified on the way, plain HTTP for a loopback test registry, a custom CA, and an SSRF guard on
 * every connection (registry, token realm and blob redirects alike). The distribution API surface this
 * needs is small (manifests, blobs, the token dance), so it is written here on undici.
 */

export interface RegistryClientOptions {
  /** Registry as the reference names it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  repository: string;
  credentials?: CredentialResolver;
  /** Talk plain HTTP (a loopback test registry). */
  insecure?: boolean;
  /** Extra CA certificates (PEM) trusted for TLS, besides the system ones. */
  ca?: string;
  hostGuard?: HostGuard;
  /** Per-request time limits. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  userAgent?: string;
}

export interface FetchedManifest {
  bytes: Uint8Array;
  mediaType: string | undefined;
  digest: string;
}

const MAX_REDIRECTS = 5;
const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_ERROR_BODY = 16 * 1024;

export class RegistryClient {
  readonly registry: string;
  readonly repository: string;
  private readonly host: string;
  private readonly scheme: 'http' | 'https';
  private readonly credentials: CredentialResolver | undefined;
  private readonly guard: HostGuard;
  private readonly dispatcher: Agent;
  private readonly userAgent: string;
  private credential: RegistryCredential | undefined | null = null;
  /** Authorization header value that last worked for this repository. */
  private authorization: string | undefined;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.repository = options.repository;
    this.host = apiHost(options.registry);
    this.scheme = options.insecure ? 'http' : 'https';
    this.credentials = options.credentials;
    this.guard = options.hostGuard ?? new HostGuard();
    this.userAgent = options.userAgent ?? 'raygate';
    const guard = this.guard;
    this.dispatcher = new Agent({
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
      connect: {
        ...(options.ca ? { ca: options.ca } : {}),
        // Every address a name resolves to is vetted at connect time, so DNS cannot be used to slip
        // past the policy (a name that resolves to 169.254.169.254 is refused like the address itself).
        lookup: guardedLookup(guard),
      } as Record<string, unknown>,
    });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** Fetches a manifest or index by tag or digest, bounded in size, its digest checked. */
  async getManifest(reference: string, maxBytes: number): Promise<FetchedManifest> {
    const url = this.url(`/v2/${this.repository}/manifests/${reference}`);
    const response = await this.send(url, { accept: MANIFEST_ACCEPT, what: 'manifest', reference });
    const bytes = await readBounded(
      response,
      maxBytes,
      () =>
        new RaygateError(
          'OCI_MANIFEST_TOO_LARGE',
          'limit',
          `The manifest of ${this.registry}/${this.repository}:${reference} is larger than the ${maxBytes} bytes allowed.`,
        ),
    );
    const header = headerValue(response.headers, 'docker-content-digest');
    const algorithm = reference.startsWith('sha512:') || header?.startsWith('sha512:') ? 'sha512' : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    const expected = reference.includes(':') ? reference : header;
    if (expected && expected !== digest) {
      throw new RaygateError(
        'OCI_DIGEST_MISMATCH',
        'verification',
        `The manifest ${this.registry}/${this.repository}@${expected} the registry sent has digest ${digest}.`,
      );
    }
    return { bytes, mediaType: baseMediaType(headerValue(response.headers, 'content-type')), digest };
  }

  /** Fetches a small blob (an image config) whole, its digest checked. */
  async getBlob(digest: string, maxBytes: number): Promise<Uint8Array> {
    const response = await this.openBlobResponse(digest);
    const bytes = await readBounded(
      response,
      maxBytes,
      () =>
        new RaygateError(
          'OCI_MANIFEST_TOO_LARGE',
          'limit',
          `Blob ${digest} is larger than the ${maxBytes} bytes allowed.`,
        ),
    );
    const [algorithm, hex] = digest.split(':') as [string, string];
    if (createHash(algorithm).update(bytes).digest('hex') !== hex) {
      throw new RaygateError(
        'OCI_DIGEST_MISMATCH',
        'verification',
        `Blob ${digest} does not match its digest.`,
      );
    }
    return bytes;
  }

  /**
   * Opens a blob as a stream of its stored bytes, following the registry's redirect to storage. The
   * caller verifies the digest while it reads (the layer reader does).
   */
  async openBlob(digest: string, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.openBlobResponse(digest, signal);
    return response.body as AsyncIterable<Uint8Array>;
  }

  private async openBlobResponse(digest: string, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    let url = this.url(`/v2/${this.repository}/blobs/${digest}`);
    let withAuth = true;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.send(url, {
        what: 'blob',
        reference: digest,
        signal,
        withAuth,
        redirects: true,
      });
      if (response.statusCode < 300 || response.statusCode >= 400) return response;
      await response.body.dump();
      const location = headerValue(response.headers, 'location');
      if (!location)
        throw this.failure(
          'OCI_REGISTRY_ERROR',
          'unavailable',
          `redirect without a Location for blob ${digest}`,
        );
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.scheme === 'http')) {
        throw this.failure(
          'OCI_REGISTRY_ERROR',
          'unavailable',
          `blob ${digest} redirects to a ${next.protocol} URL`,
        );
      }
      // Storage back ends get pre-signed URLs; the registry's credentials never leave its origin.
      withAuth = next.origin === new URL(url).origin && withAuth;
      url = next.toString();
    }
    throw this.failure(
      'OCI_REGISTRY_ERROR',
      'unavailable',
      `blob ${digest} redirects more than ${MAX_REDIRECTS} times`,
    );
  }

  private url(path: string): string {
    return `${this.scheme}://${this.host}${path}`;
  }

  /** Sends a GET, doing the registry's authentication dance once if it answers 401. */
  private async send(
    url: string,
    options: {
      accept?: string;
      what: 'manifest' | 'blob';
      reference: string;
      signal?: AbortSignal | undefined;
      withAuth?: boolean;
      redirects?: boolean;
    },
  ): Promise<Dispatcher.ResponseData> {
    const withAuth = options.withAuth ?? true;
    let response = await this.get(
      url,
      options.accept,
      withAuth ? this.authorization : undefined,
      options.signal,
    );
    if (response.statusCode === 401 && withAuth) {
      const challenge = headerValue(response.headers, 'www-authenticate');
      await response.body.dump();
      const authorization = await this.authorize(challenge);
      if (authorization === undefined) throw await this.unauthorized(options, undefined);
      this.authorization = authorization;
      response = await this.get(url, options.accept, authorization, options.signal);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) return response;
    if (options.redirects && status >= 300 && status < 400) return response;
    const body = await readErrorBody(response);
    if (status === 401) throw await this.unauthorized(options, body);
    if (status === 403) {
      throw this.failure(
        'OCI_DENIED',
        'forbidden',
        `access to ${this.registry}/${this.repository} is denied${body}`,
      );
    }
    if (status === 404) {
      if (options.what === 'manifest') {
        throw new RaygateError(
          'OCI_MANIFEST_UNKNOWN',
          'not-found',
          `Unknown image: ${this.registry}/${this.repository} has no manifest '${options.reference}'${body}.`,
        );
      }
      throw new RaygateError(
        'OCI_BLOB_UNKNOWN',
        'not-found',
        `${this.registry}/${this.repository} has no blob ${options.reference}${body}.`,
      );
    }
    if (status === 429) {
      const retryAfter = headerValue(response.headers, 'retry-after');
      throw new RaygateError(
        'OCI_RATE_LIMITED',
        'unavailable',
        `${this.registry} is rate-limiting requests${retryAfter ? `; it asks to retry after ${retryAfter}${/^\d+$/.test(retryAfter) ? ' seconds' : ''}` : ''}${body}.`,
        { details: { retryAfter } },
      );
    }
    if (status === 415 || status === 406) {
      throw new RaygateError(
        'OCI_UNSUPPORTED_MEDIA_TYPE',
        'input',
        `${this.registry} cannot serve ${options.reference} in a media type raygate reads${body}.`,
      );
    }
    throw this.failure(
      'OCI_REGISTRY_ERROR',
      'unavailable',
      `the registry answered HTTP ${status} for ${options.what} ${options.reference}${body}`,
    );
  }

  private async unauthorized(
    options: { reference: string },
    body: string | undefined,
  ): Promise<RaygateError> {
    const credential = await this.resolveCredential();
    return new RaygateError(
      'OCI_UNAUTHORIZED',
      'unauthorized',
      `${this.registry} refused access to ${this.repository}:${options.reference}` +
        (credential
          ? ' with the credentials found'
          : ' without credentials (none found in the Docker config)') +
        `; the image may not exist, or may need a login${body ?? ''}.`,
    );
  }

  private async get(
    url: string,
    accept: string | undefined,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    return this.rawRequest('GET', url, { accept, authorization, signal });
  }

  private async rawRequest(
    method: 'GET' | 'HEAD' | 'PUT' | 'POST',
    url: string,
    options: {
      accept?: string | undefined;
      authorization?: string | undefined;
      signal?: AbortSignal | undefined;
      body?: Uint8Array;
      contentType?: string;
    },
  ): Promise<Dispatcher.ResponseData> {
    const parsed = new URL(url);
    this.guard.checkHost(parsed.host);
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (options.accept) headers.accept = options.accept;
    if (options.authorization) headers.authorization = options.authorization;
    if (options.contentType) headers['content-type'] = options.contentType;
    if (options.body !== undefined) headers['content-length'] = String(options.body.byteLength);
    try {
      return await request(url, {
        method,
        headers,
        dispatcher: this.dispatcher,
        ...(options.body !== undefined ? { body: Buffer.from(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw networkError(this.registry, error);
    }
  }

  /** Sends any request with the registry's authentication dance, once, when it answers 401. */
  private async authorized(
    method: 'GET' | 'HEAD' | 'PUT' | 'POST',
    url: string,
    options: { accept?: string; body?: Uint8Array; contentType?: string } = {},
  ): Promise<Dispatcher.ResponseData> {
    let response = await this.rawRequest(method, url, { ...options, authorization: this.authorization });
    if (response.statusCode === 401) {
      const challenge = headerValue(response.headers, 'www-authenticate');
      await response.body.dump();
      const authorization = await this.authorize(challenge);
      if (authorization === undefined) throw await this.unauthorized({ reference: url }, undefined);
      this.authorization = authorization;
      response = await this.rawRequest(method, url, { ...options, authorization });
    }
    return response;
  }

  /**
   * The OCI 1.1 referrers API for a manifest digest (`GET /v2/<name>/referrers/<digest>`), following
   * `Link: <…>; rel="next"` pages up to `maxPages`. Returns undefined when the registry does not have the
   * API (404, as registries without it answer), so the caller falls back to the referrers tag schema.
   */
  async getReferrers(
    digest: string,
    options: { artifactType?: string; maxBytes: number; maxPages: number },
  ): Promise<{ pages: Uint8Array[]; filtered: boolean } | undefined> {
    let url = this.url(
      `/v2/${this.repository}/referrers/${digest}${options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : ''}`,
    );
    const pages: Uint8Array[] = [];
    let filtered = false;
    for (let page = 0; page < options.maxPages; page++) {
      const response = await this.authorized('GET', url, { accept: MEDIA_TYPES.ociIndex });
      if (response.statusCode === 404 && page === 0) {
        await response.body.dump();
        return undefined;
      }
      if (response.statusCode !== 200) {
        const body = await readErrorBody(response);
        throw this.statusError(response, `referrers of ${digest}`, body);
      }
      pages.push(
        await readBounded(
          response,
          options.maxBytes,
          () =>
            new RaygateError(
              'OCI_MANIFEST_TOO_LARGE',
              'limit',
              `The referrers list of ${this.registry}/${this.repository}@${digest} is larger than ${options.maxBytes} bytes.`,
            ),
        ),
      );
      filtered ||= (headerValue(response.headers, 'oci-filters-applied') ?? '').includes('artifactType');
      const next = nextLink(headerValue(response.headers, 'link'), url);
      if (!next) return { pages, filtered };
      if (new URL(next).origin !== new URL(url).origin) {
        throw this.failure('OCI_REGISTRY_ERROR', 'unavailable', 'the referrers list links to another host');
      }
      url = next;
    }
    throw new RaygateError(
      'OCI_REFERRERS_TOO_MANY',
      'limit',
      `The referrers list of ${this.registry}/${this.repository}@${digest} has more than ${options.maxPages} pages.`,
    );
  }

  /** True when the repository has the blob (`HEAD /v2/<name>/blobs/<digest>`). */
  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.authorized('HEAD', this.url(`/v2/${this.repository}/blobs/${digest}`));
    await response.body.dump();
    if (response.statusCode === 200) return true;
    if (response.statusCode === 404) return false;
    throw this.statusError(response, `blob ${digest}`, '');
  }

  /** Uploads a blob in one monolithic upload (POST then PUT), unless the repository already has it. */
  async pushBlob(bytes: Uint8Array): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (await this.hasBlob(digest)) return digest;
    const start = await this.authorized('POST', this.url(`/v2/${this.repository}/blobs/uploads/`));
    if (start.statusCode !== 202) {
      throw this.statusError(start, `an upload of blob ${digest}`, await readErrorBody(start));
    }
    await start.body.dump();
    const location = headerValue(start.headers, 'location');
    if (!location) throw this.failure('OCI_REGISTRY_ERROR', 'unavailable', 'the upload has no Location');
    const upload = new URL(location, this.url('/'));
    if (upload.origin !== new URL(this.url('/')).origin) {
      throw this.failure(
        'OCI_REGISTRY_ERROR',
        'unavailable',
        `the upload location ${upload.origin} is another host`,
      );
    }
    upload.searchParams.set('digest', digest);
    const put = await this.authorized('PUT', upload.toString(), {
      body: bytes,
      contentType: 'application/octet-stream',
    });
    if (put.statusCode !== 201) {
      throw this.statusError(put, `the upload of blob ${digest}`, await readErrorBody(put));
    }
    await put.body.dump();
    return digest;
  }

  /**
   * Stores a manifest or index under a tag or its digest. Returns its digest and the `OCI-Subject` header
   * the registry answered with: present when the registry indexes referrers itself (OCI 1.1).
   */
  async putManifest(
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<{ digest: string; subject: string | undefined }> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const response = await this.authorized('PUT', this.url(`/v2/${this.repository}/manifests/${reference}`), {
      body: bytes,
      contentType: mediaType,
    });
    if (response.statusCode !== 201 && response.statusCode !== 200) {
      throw this.statusError(response, `manifest ${reference}`, await readErrorBody(response));
    }
    await response.body.dump();
    return { digest, subject: headerValue(response.headers, 'oci-subject') };
  }

  private statusError(response: Dispatcher.ResponseData, what: string, body: string): RaygateError {
    const status = response.statusCode;
    if (status === 401) {
      return new RaygateError('OCI_UNAUTHORIZED', 'unauthorized', `${this.registry} refused ${what}${body}.`);
    }
    if (status === 403) return this.failure('OCI_DENIED', 'forbidden', `${what} is denied${body}`);
    if (status === 429) {
      return new RaygateError(
        'OCI_RATE_LIMITED',
        'unavailable',
        `${this.registry} is rate-limiting requests${body}.`,
      );
    }
    return this.failure('OCI_REGISTRY_ERROR', 'unavailable', `HTTP ${status} for ${what}${body}`);
  }

  private async resolveCredential(): Promise<RegistryCredential | undefined> {
    if (this.credential === null)
      this.credential = this.credentials ? await this.credentials(this.registry) : undefined;
    return this.credential ?? undefined;
  }

  /** Answers a 401 challenge: Basic with the credential, or Bearer with a token from the realm. */
  private async authorize(header: string | undefined): Promise<string | undefined> {
    const challenges = header ? parseWwwAuthenticate(header) : [];
    const credential = await this.resolveCredential();
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      if (credential?.kind === 'bearer') return `Bearer ${credential.token}`;
      const token = await this.fetchToken(bearer.params, credential);
      return `Bearer ${token}`;
    }
    if (challenges.some((c) => c.scheme === 'basic') && credential?.kind === 'basic') {
      return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    return undefined;
  }

  /** The token endpoint of the distribution token spec (GET), or its OAuth2 form for refresh tokens (POST). */
  private async fetchToken(
    params: Record<string, string>,
    credential: RegistryCredential | undefined,
  ): Promise<string> {
    const realm = params.realm;
    if (!realm) throw this.failure('OCI_AUTH_FAILED', 'unauthorized', 'the Bearer challenge names no realm');
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw this.failure('OCI_AUTH_FAILED', 'unauthorized', `the token realm '${realm}' is not a URL`);
    }
    if (realmUrl.protocol !== 'https:' && !(realmUrl.protocol === 'http:' && this.scheme === 'http')) {
      throw this.failure('OCI_AUTH_FAILED', 'unauthorized', `the token realm ${realm} is not HTTPS`);
    }
    const scope = params.scope ?? `repository:${this.repository}:pull`;
    this.guard.checkHost(realmUrl.host);
    const dispatcher = this.dispatcher;
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    let response: Dispatcher.ResponseData;
    try {
      if (credential?.kind === 'identity-token') {
        const form = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: credential.token,
          service: params.service ?? '',
          scope,
          client_id: 'raygate',
        });
        headers['content-type'] = 'application/x-www-form-urlencoded';
        response = await request(realmUrl, { method: 'POST', headers, body: form.toString(), dispatcher });
      } else {
        if (params.service) realmUrl.searchParams.set('service', params.service);
        realmUrl.searchParams.set('scope', scope);
        if (credential?.kind === 'basic') {
          headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
        }
        response = await request(realmUrl, { method: 'GET', headers, dispatcher });
      }
    } catch (error) {
      throw networkError(realmUrl.host, error);
    }
    if (response.statusCode === 401 || response.statusCode === 403) {
      const body = await readErrorBody(response);
      throw new RaygateError(
        'OCI_UNAUTHORIZED',
        'unauthorized',
        `The token service of ${this.registry} refused ${credential ? 'the credentials found' : 'anonymous access'} for ${scope}${body}.`,
      );
    }
    if (response.statusCode === 429) {
      const retryAfter = headerValue(response.headers, 'retry-after');
      await response.body.dump();
      throw new RaygateError(
        'OCI_RATE_LIMITED',
        'unavailable',
        `The token service of ${this.registry} is rate-limiting requests${retryAfter ? `; it asks to retry after ${retryAfter} seconds` : ''}.`,
        { details: { retryAfter } },
      );
    }
    if (response.statusCode !== 200) {
      const body = await readErrorBody(response);
      throw this.failure(
        'OCI_AUTH_FAILED',
        'unauthorized',
        `the token service answered HTTP ${response.statusCode}${body}`,
      );
    }
    const bytes = await readBounded(response, MAX_TOKEN_BYTES, () =>
      this.failure('OCI_AUTH_FAILED', 'unauthorized', 'the token response is too large'),
    );
    let json: { token?: unknown; access_token?: unknown };
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof json;
    } catch {
      throw this.failure('OCI_AUTH_FAILED', 'unauthorized', 'the token response is not JSON');
    }
    const token =
      typeof json.token === 'string'
        ? json.token
        : typeof json.access_token === 'string'
          ? json.access_token
          : '';
    if (token === '')
      throw this.failure('OCI_AUTH_FAILED', 'unauthorized', 'the token response holds no token');
    return token;
  }

  private failure(
    code: string,
    kind: 'unavailable' | 'unauthorized' | 'forbidden',
    why: string,
  ): RaygateError {
    return new RaygateError(code, kind, `${this.registry}/${this.repository}: ${why}.`);
  }
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a response body into memory, refusing more than `maxBytes` (checked before and while reading). */
async function readBounded(
  response: Dispatcher.ResponseData,
  maxBytes: number,
  tooLarge: () => RaygateError,
): Promise<Uint8Array> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      response.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The OCI error JSON (`{errors: [{code, message}]}`) as a short suffix for messages. */
async function readErrorBody(response: Dispatcher.ResponseData): Promise<string> {
  let text: string;
  try {
    const bytes = await readBounded(response, MAX_ERROR_BODY, () => new RaygateError('X', 'internal', ''));
    text = Buffer.from(bytes).toString('utf8');
  } catch {
    return '';
  }
  try {
    const json = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = json.errors?.[0];
    if (first) return ` (${[first.code, first.message].filter(Boolean).join(': ')})`;
  } catch {
    // not JSON
  }
  const line = text.trim().split('\n')[0]?.slice(0, 200);
  return line ? ` (${line})` : '';
}

function networkError(host: string, error: unknown): RaygateError {
  if (isRaygateError(error)) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (isRaygateError(cause)) return cause;
  if (error instanceof Error && error.name === 'AbortError') {
    return new RaygateError('OCI_ABORTED', 'internal', `The request to ${host} was aborted.`, {
      cause: error,
    });
  }
  return new RaygateError(
    'OCI_REGISTRY_UNREACHABLE',
    'unavailable',
    `Cannot reach ${host}: ${describeError(error)}.`,
    {
      cause: error,
    },
  );
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
function nextLink(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /rel="?next"?/i.test(match[2] ?? '')) return new URL(match[1]!, base).toString();
  }
  return undefined;
}
