import { normalizePythonName } from '../../sbom/python/names.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { ResponseCache } from '../../shared/disk-cache-writer.ts';
import { DEFAULT_HTTP_OPTIONS, HttpBudget, readBody, requestWithRetries } from '../../shared/http-client.ts';
import type { HttpOptions } from '../../shared/http-client.ts';

/**
 * PyPI's JSON API (`/pypi/<project>/json`, `/pypi/<project>/<version>/json`: files, sha256 digests, upload
 * times) and Integrity API (`/integrity/<project>/<version>/<filename>/provenance`: PEP 740 provenance),
 * at a configurable base URL (a mirror, a test server). Answers are cached on disk for a while; a 404
 * (no such project or release, no provenance) is an answer too and is cached the same way.
 */
export interface PypiFile {
  filename: string;
  sha256: string;
  packagetype?: string;
  uploadTime?: string;
  yanked?: boolean;
}

export interface PypiRelease {
  version: string;
  files: PypiFile[];
}

export interface PypiClientOptions {
  baseUrl: string;
  cache?: ResponseCache;
  /** How long cached answers stay fresh. */
  cacheTtlMs?: number;
  http?: Partial<HttpOptions>;
  maxResponseBytes?: number;
}

export const PYPI_URL = 'https://pypi.org';
const SERVICE = { name: 'PyPI', codePrefix: 'PYPI' };
const SHA256 = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFiles(list: unknown): PypiFile[] {
  if (!Array.isArray(list)) return [];
  return list.slice(0, 10_000).flatMap((entry): PypiFile[] => {
    if (!isRecord(entry) || typeof entry.filename !== 'string' || !isRecord(entry.digests)) return [];
    const sha256 = entry.digests.sha256;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return [];
    return [
      {
        filename: entry.filename,
        sha256,
        ...(typeof entry.packagetype === 'string' ? { packagetype: entry.packagetype } : {}),
        ...(typeof entry.upload_time_iso_8601 === 'string' ? { uploadTime: entry.upload_time_iso_8601 } : {}),
        ...(typeof entry.yanked === 'boolean' ? { yanked: entry.yanked } : {}),
      },
    ];
  });
}

export class PypiClient {
  readonly baseUrl: string;
  private readonly http: HttpOptions;
  private readonly budget: HttpBudget;
  private readonly cache: ResponseCache | undefined;
  private readonly ttl: number;
  private readonly maxBytes: number;

  constructor(options: PypiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.http = {
      ...DEFAULT_HTTP_OPTIONS,
      maxRetries: 3,
      maxRequests: 2000,
      ...options.http,
      service: SERVICE,
      allowedHosts: [new URL(this.baseUrl).host],
    };
    this.budget = new HttpBudget(this.http.maxRequests, SERVICE);
    this.cache = options.cache;
    this.ttl = options.cacheTtlMs ?? 6 * 3600_000;
    this.maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  }

  /** GETs a JSON document; undefined for 404. */
  private async getJson(path: string, accept: string): Promise<{ url: string; json: unknown } | undefined> {
    const url = `${this.baseUrl}${path}`;
    const cached = await this.cache?.get(url, this.ttl);
    let status: number;
    let body: Buffer;
    if (cached) {
      ({ status, body } = cached);
    } else {
      const response = await requestWithRetries(
        new URL(url),
        { headers: { accept } },
        this.http,
        this.budget,
      );
      status = response.status;
      body =
        status === 200
          ? await readBody(response, this.maxBytes, `PyPI's answer for ${path}`, SERVICE)
          : Buffer.alloc(0);
      if (status !== 200) await response.body?.cancel().catch(() => undefined);
      if (status === 200 || status === 404) await this.cache?.put(url, status, body);
    }
    if (status === 404) return undefined;
    if (status !== 200)
      throw new RaygateError('PYPI_UNAVAILABLE', 'unavailable', `PyPI answered HTTP ${status} for ${url}.`);
    try {
      return { url, json: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      throw new RaygateError('PYPI_RESPONSE_INVALID', 'unavailable', `PyPI's answer for ${url} is not JSON.`);
    }
  }

  /** The files of one release; undefined when PyPI has no such project or release. */
  async releaseFiles(project: string, version: string): Promise<PypiFile[] | undefined> {
    const found = await this.getJson(
      `/pypi/${encodeURIComponent(normalizePythonName(project))}/${encodeURIComponent(version)}/json`,
      'application/json',
    );
    if (!found) return undefined;
    return isRecord(found.json) ? readFiles(found.json.urls) : [];
  }

  /** Every release of a project with its files; undefined when PyPI has no such project. */
  async releases(project: string): Promise<PypiRelease[] | undefined> {
    const found = await this.getJson(
      `/pypi/${encodeURIComponent(normalizePythonName(project))}/json`,
      'application/json',
    );
    if (!found) return undefined;
    const releases = isRecord(found.json) && isRecord(found.json.releases) ? found.json.releases : {};
    return Object.entries(releases)
      .slice(0, 20_000)
      .map(([version, files]) => ({ version, files: readFiles(files) }));
  }

  /** A file's PEP 740 provenance object; undefined when it has none. */
  async provenance(
    project: string,
    version: string,
    filename: string,
  ): Promise<{ url: string; json: unknown } | undefined> {
    return this.getJson(
      `/integrity/${encodeURIComponent(normalizePythonName(project))}/${encodeURIComponent(version)}/${encodeURIComponent(filename)}/provenance`,
      'application/vnd.pypi.integrity.v1+json',
    );
  }
}
