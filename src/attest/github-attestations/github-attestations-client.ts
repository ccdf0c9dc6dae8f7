import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { RaygateError } from '../../shared/errors.ts';
import {
  DEFAULT_HTTP_OPTIONS,
  HttpBudget,
  readBody,
  requestWithRetries,
  retryAfterMs,
} from '../../shared/http-client.ts';
import type { HttpOptions } from '../../shared/http-client.ts';

/**
 * GitHub's artifact attestations API (`GET /repos/{owner}/{repo}/attestations/{digest}` and
 * `/orgs/{org}/attestations/{digest}`) through octokit, for github.com or a GitHub Enterprise Server
 * (`https://HOST/api/v3`). Requests go through raygate's HTTP client: only the API host, bounded
 * bodies, retries honouring Retry-After and GitHub's rate-limit headers (a 403 with
 * `x-ratelimit-remaining: 0` waits for `x-ratelimit-reset`), and a request budget.
 */
export interface GithubAttestation {
  bundle: unknown;
  repositoryId?: number;
  bundleUrl?: string;
  /** Why the bundle behind `bundleUrl` could not be had. */
  bundleError?: { code: string; message: string };
}

export interface GithubAttestationsOptions {
  baseUrl: string;
  /** From GITHUB_TOKEN / GH_TOKEN; anonymous when absent (public repositories, low rate limit). */
  token?: string;
  http?: Partial<HttpOptions>;
  /** More attestations than this for one digest is refused rather than read. */
  maxAttestations?: number;
  maxResponseBytes?: number;
  /**
   * Hosts a `bundle_url` may point to besides the API host (GitHub answers large bundles with a link to
   * blob storage instead of the bundle). Anything else is refused, and the token is never sent there.
   */
  bundleHosts?: readonly string[];
}

export const GITHUB_API = 'https://api.github.com';
const SERVICE = { name: 'GitHub', codePrefix: 'GITHUB' };

/** GitHub answers an exhausted primary rate limit with 403 and x-ratelimit-remaining: 0. */
export function githubRateLimitDelay(response: Response, now: number): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PaginatedOctokit = Octokit.plugin(paginateRest);

/** The length a raw (block format) snappy stream says it decompresses to: its leading varint. */
export function snappyDecodedLength(bytes: Uint8Array): number | undefined {
  let value = 0;
  for (let i = 0; i < 5 && i < bytes.length; i++) {
    value += (bytes[i]! & 0x7f) * 2 ** (7 * i);
    if ((bytes[i]! & 0x80) === 0) return value;
  }
  return undefined;
}

export class GithubAttestationsClient {
  private readonly octokit: InstanceType<typeof PaginatedOctokit>;
  private readonly maxAttestations: number;
  private readonly maxBytes: number;
  private readonly bundleHttp: HttpOptions;
  private readonly budget: HttpBudget;
  readonly baseUrl: string;

  constructor(options: GithubAttestationsOptions) {
    const base = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const http: HttpOptions = {
      ...DEFAULT_HTTP_OPTIONS,
      maxRetries: 3,
      maxRequests: 500,
      ...options.http,
      service: SERVICE,
      allowedHosts: [base.host],
      rateLimitDelayMs: githubRateLimitDelay,
    };
    const budget = new HttpBudget(http.maxRequests, SERVICE);
    this.budget = budget;
    const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.maxBytes = maxBytes;
    this.bundleHttp = { ...http, allowedHosts: [base.host, ...(options.bundleHosts ?? [])] };
    this.maxAttestations = options.maxAttestations ?? 1000;
    const fetchThrough: typeof fetch = async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const response = await requestWithRetries(url, init ?? {}, http, budget);
      const body = await readBody(response, maxBytes, `A GitHub API response (${url.pathname})`, SERVICE);
      return new Response(response.status === 204 || response.status === 304 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
    this.octokit = new PaginatedOctokit({
      baseUrl: this.baseUrl,
      ...(options.token ? { auth: options.token } : {}),
      userAgent: 'raygate',
      request: { fetch: fetchThrough },
    });
  }

  /** Every attestation GitHub holds for `digest` (`sha256:<hex>`) in a repository (`owner/repo`) or an organisation. */
  async list(
    where: { repository: string } | { owner: string },
    digest: string,
  ): Promise<{ url: string; attestations: GithubAttestation[] }> {
    const url =
      'repository' in where
        ? `${this.baseUrl}/repos/${where.repository}/attestations/${digest}`
        : `${this.baseUrl}/orgs/${where.owner}/attestations/${digest}`;
    const attestations: GithubAttestation[] = [];
    try {
      const pages =
        'repository' in where
          ? this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
              owner: where.repository.split('/')[0] ?? '',
              repo: where.repository.split('/').slice(1).join('/'),
              subject_digest: digest,
              per_page: 100,
            })
          : this.octokit.paginate.iterator('GET /orgs/{org}/attestations/{subject_digest}', {
              org: where.owner,
              subject_digest: digest,
              per_page: 100,
            });
      for await (const page of pages) {
        const data = page.data as unknown;
        const list = Array.isArray(data)
          ? data
          : isRecord(data) && Array.isArray(data.attestations)
            ? data.attestations
            : [];
        for (const item of list) {
          if (!isRecord(item)) continue;
          attestations.push({
            bundle: item.bundle ?? null,
            ...(typeof item.repository_id === 'number' ? { repositoryId: item.repository_id } : {}),
            ...(typeof item.bundle_url === 'string' ? { bundleUrl: item.bundle_url } : {}),
          });
          if (attestations.length > this.maxAttestations) {
            throw new RaygateError(
              'GITHUB_TOO_MANY_ATTESTATIONS',
              'limit',
              `GitHub lists more than ${this.maxAttestations} attestations for ${digest}; raygate reads at most that many.`,
            );
          }
        }
      }
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404) return { url, attestations: [] };
      if (status === 401) {
        throw new RaygateError(
          'GITHUB_UNAUTHORIZED',
          'unauthorized',
          `GitHub refused the token for ${url} (401): set GITHUB_TOKEN or GH_TOKEN to a token with attestations:read.`,
        );
      }
      if (status === 403) {
        throw new RaygateError(
          'GITHUB_FORBIDDEN',
          'forbidden',
          `GitHub denied ${url} (403): the token lacks access to this repository's attestations.`,
        );
      }
      if (typeof status === 'number') {
        throw new RaygateError(
          'GITHUB_UNAVAILABLE',
          'unavailable',
          `GitHub answered HTTP ${status} for ${url}.`,
        );
      }
      throw error;
    }
    for (const attestation of attestations) {
      if ((attestation.bundle === null || attestation.bundle === undefined) && attestation.bundleUrl) {
        try {
          attestation.bundle = await this.fetchBundle(attestation.bundleUrl);
        } catch (error) {
          if (!(error instanceof RaygateError) || error.kind === 'internal') throw error;
          attestation.bundleError = { code: error.code, message: error.message };
        }
      }
    }
    return { url, attestations };
  }

  /**
   * A bundle GitHub links to instead of inlining: snappy-compressed (block format) JSON, as
   * `gh attestation` reads it. Fetched without the token, from an allowed host only, and refused when
   * its declared size is over the limit before anything is decompressed.
   */
  private async fetchBundle(bundleUrl: string): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(bundleUrl);
    } catch {
      throw new RaygateError(
        'GITHUB_BUNDLE_URL_UNSUPPORTED',
        'input',
        `The bundle_url ${bundleUrl} is not a URL.`,
      );
    }
    if (!this.bundleHttp.allowedHosts.includes(url.host)) {
      throw new RaygateError(
        'GITHUB_BUNDLE_URL_UNSUPPORTED',
        'input',
        `GitHub returned only a bundle_url on ${url.host}, which is not an allowed host (allow it with --github-bundle-host ${url.host}).`,
      );
    }
    const response = await requestWithRetries(
      url,
      { headers: { accept: 'application/octet-stream' } },
      this.bundleHttp,
      this.budget,
    );
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new RaygateError(
        'GITHUB_UNAVAILABLE',
        'unavailable',
        `Fetching the bundle at ${url.host}${url.pathname} answered HTTP ${response.status}.`,
      );
    }
    const body = await readBody(response, this.maxBytes, 'A GitHub attestation bundle', SERVICE);
    const declared = snappyDecodedLength(body);
    let text: string | undefined;
    if (declared !== undefined && declared <= this.maxBytes) {
      try {
        const { uncompressSync } = await import('snappy');
        text = (uncompressSync(body, { asBuffer: true }) as Buffer).toString('utf8');
      } catch {
        text = undefined;
      }
    } else if (declared !== undefined && body[0] !== 0x7b) {
      throw new RaygateError(
        'GITHUB_RESPONSE_TOO_LARGE',
        'limit',
        `The bundle at ${url.host} says it decompresses to ${declared} bytes; at most ${this.maxBytes} are read.`,
      );
    }
    // A server may also answer with the bundle JSON itself.
    text ??= body.toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RaygateError(
        'GITHUB_BUNDLE_URL_UNSUPPORTED',
        'input',
        `The bundle at ${url.host}${url.pathname} is neither snappy-compressed JSON nor JSON.`,
      );
    }
  }
}
