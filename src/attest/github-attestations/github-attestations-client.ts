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
}

export interface GithubAttestationsOptions {
  baseUrl: string;
  /** From GITHUB_TOKEN / GH_TOKEN; anonymous when absent (public repositories, low rate limit). */
  token?: string;
  http?: Partial<HttpOptions>;
  /** More attestations than this for one digest is refused rather than read. */
  maxAttestations?: number;
  maxResponseBytes?: number;
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

export class GithubAttestationsClient {
  private readonly octokit: InstanceType<typeof PaginatedOctokit>;
  private readonly maxAttestations: number;
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
    const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
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
    return { url, attestations };
  }
}
