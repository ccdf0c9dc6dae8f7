import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import type { SourceValidator } from './mirror-layout.ts';
import { OSV_EXPORT_URL } from './osv-endpoints.ts';
import {
  DEFAULT_HTTP_OPTIONS,
  HttpBudget,
  readBody,
  requestWithRetries,
  type HttpOptions,
} from './osv-http-client.ts';

export interface ExportClientOptions extends Partial<HttpOptions> {
  baseUrl?: string;
  /** Largest export accepted (the biggest OSV exports are a few hundred MB). */
  maxDownloadBytes?: number;
}

export type ExportDownload =
  | { ecosystem: string; url: string; status: 'not-modified' }
  | {
      ecosystem: string;
      url: string;
      status: 'downloaded';
      file: string;
      bytes: number;
      validator: { etag?: string; lastModified?: string };
    };

export function exportUrl(baseUrl: string, ecosystem: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(`${encodeURIComponent(ecosystem)}/all.zip`, base).href;
}

/**
 * Downloads exports with conditional requests: the ETag and Last-Modified of the last imported copy go out
 * as If-None-Match / If-Modified-Since, so a sync with nothing new transfers nothing (304). Bodies stream
 * to a file in `downloadDir`, bounded in size; the caller imports and removes them.
 */
export class OsvExportClient {
  readonly baseUrl: string;
  readonly http: HttpOptions;
  readonly budget: HttpBudget;
  readonly maxDownloadBytes: number;

  constructor(options: ExportClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? OSV_EXPORT_URL;
    const host = new URL(this.baseUrl).host;
    this.http = {
      ...DEFAULT_HTTP_OPTIONS,
      timeoutMs: 300_000,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
      allowedHosts: options.allowedHosts ?? [host],
    };
    this.budget = new HttpBudget(this.http.maxRequests);
    this.maxDownloadBytes = options.maxDownloadBytes ?? 4 * 1024 * 1024 * 1024;
  }

  async download(
    ecosystem: string,
    previous: SourceValidator | undefined,
    downloadDir: string,
  ): Promise<ExportDownload> {
    const url = exportUrl(this.baseUrl, ecosystem);
    const headers: Record<string, string> = {};
    if (previous?.etag) headers['if-none-match'] = previous.etag;
    if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
    const response = await requestWithRetries(
      new URL(url),
      { method: 'GET', headers },
      this.http,
      this.budget,
    );
    if (response.status === 304) {
      await response.body?.cancel().catch(() => undefined);
      return { ecosystem, url, status: 'not-modified' };
    }
    if (!response.ok) {
      const text = (await readBody(response, 4096, 'An error page').catch(() => Buffer.alloc(0))).toString(
        'utf8',
      );
      throw new RaygateError(
        response.status === 404 ? 'OSV_EXPORT_NOT_FOUND' : 'OSV_UNAVAILABLE',
        response.status === 404 ? 'not-found' : 'unavailable',
        `${url} answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}.`,
      );
    }
    await mkdir(downloadDir, { recursive: true });
    const file = path.join(
      downloadDir,
      `${encodeURIComponent(ecosystem)}-${randomBytes(4).toString('hex')}.zip`,
    );
    try {
      const bytes = await this.saveBody(response, file, url);
      const etag = response.headers.get('etag') ?? undefined;
      const lastModified = response.headers.get('last-modified') ?? undefined;
      return {
        ecosystem,
        url,
        status: 'downloaded',
        file,
        bytes,
        validator: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
      };
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  private async saveBody(response: Response, file: string, url: string): Promise<number> {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.maxDownloadBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new RaygateError(
        'OSV_EXPORT_TOO_LARGE',
        'limit',
        `${url} is ${declared} bytes, over the ${this.maxDownloadBytes}-byte limit.`,
      );
    }
    const handle = await open(file, 'wx', 0o600);
    let size = 0;
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.byteLength;
          if (size > this.maxDownloadBytes) {
            await response.body.cancel().catch(() => undefined);
            throw new RaygateError(
              'OSV_EXPORT_TOO_LARGE',
              'limit',
              `${url} is over the ${this.maxDownloadBytes}-byte limit.`,
            );
          }
          await handle.write(chunk);
        }
      }
      if (declared > 0 && size !== declared) {
        throw new RaygateError(
          'OSV_EXPORT_TRUNCATED',
          'unavailable',
          `${url} ended after ${size} of ${declared} bytes.`,
        );
      }
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new RaygateError('OSV_TIMEOUT', 'unavailable', `${url} did not finish downloading in time.`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      await handle.close();
    }
    return size;
  }
}
