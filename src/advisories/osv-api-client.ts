import { isRaygateError, RaygateError } from '../shared/errors.ts';
import type { OsvRecord } from './osv.ts';
import { parseOsvRecordBytes } from './osv-parse.ts';
import { OSV_API_URL } from './osv-endpoints.ts';
import { OSV_LIMITS } from './osv-schema.ts';
import { queryId, type AdvisoryQuery } from './package-query.ts';
import {
  DEFAULT_HTTP_OPTIONS,
  HttpBudget,
  readBody,
  requestWithRetries,
  type HttpOptions,
} from './osv-http-client.ts';
import type { AdvisorySource, AdvisorySourceInfo, SourceAnswer } from './source.ts';

/** Failures that concern one record only (it is invalid, or OSV answered oddly for it). */
const RECORD_LEVEL_CODES = new Set([
  'OSV_RECORD_INVALID',
  'OSV_RECORD_TOO_LARGE',
  'OSV_RECORD_UNREADABLE',
  'OSV_API_ERROR',
  'OSV_API_RESPONSE_INVALID',
  'OSV_RESPONSE_TOO_LARGE',
]);

export interface OsvApiOptions extends Partial<HttpOptions> {
  baseUrl?: string;
  /** Queries per querybatch request; OSV accepts at most 1,000. */
  batchSize?: number;
  /** Record downloads in flight at once. */
  concurrency?: number;
  maxResponseBytes?: number;
}

interface BatchQuery {
  package: { ecosystem: string; name: string };
  version: string;
  page_token?: string;
}

interface BatchResponse {
  results?: { vulns?: { id?: unknown; modified?: unknown }[]; next_page_token?: unknown }[];
}

/**
 * The live OSV API as an AdvisorySource: `POST /v1/querybatch` in batches of up to 1,000 queries, following
 * each result's `next_page_token` until every page is read, then `GET /v1/vulns/{id}` for each distinct id
 * (querybatch returns ids only). Records are validated like imported ones; the local matcher then decides
 * which affect the version, so online and offline scans explain their findings the same way.
 */
export class OsvApiClient implements AdvisorySource {
  readonly baseUrl: URL;
  readonly http: HttpOptions;
  readonly budget: HttpBudget;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly maxResponseBytes: number;
  private readonly records = new Map<string, Promise<OsvRecord | undefined>>();

  constructor(options: OsvApiOptions = {}) {
    this.baseUrl = new URL(options.baseUrl ?? OSV_API_URL);
    this.http = {
      ...DEFAULT_HTTP_OPTIONS,
      ...definedOnly(options),
      allowedHosts: options.allowedHosts ?? [this.baseUrl.host],
    };
    this.budget = new HttpBudget(this.http.maxRequests);
    this.batchSize = Math.min(1000, Math.max(1, options.batchSize ?? 1000));
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  }

  info(): AdvisorySourceInfo {
    return { kind: 'online', location: this.baseUrl.origin };
  }

  async query(queries: readonly AdvisoryQuery[]): Promise<SourceAnswer> {
    const asked = queries.map((q) => ({
      package: { ecosystem: q.ecosystems[0]!, name: q.name },
      version: q.version,
    }));
    const ids = await this.queryBatch(asked);
    const problems: SourceAnswer['problems'] = [];
    const unique = [...new Set(ids.flat())];
    await this.fetchAll(unique, problems);
    const records = new Map<string, OsvRecord[]>();
    for (const [i, query] of queries.entries()) {
      const found: OsvRecord[] = [];
      for (const id of ids[i]!) {
        const record = await this.records.get(id);
        if (record) found.push(record);
      }
      records.set(queryId(query), found);
    }
    return { records, problems, asserted: true };
  }

  /** Vulnerability ids per query, every page read. */
  async queryBatch(queries: readonly BatchQuery[]): Promise<string[][]> {
    const results: Set<string>[] = queries.map(() => new Set());
    let pending: { index: number; query: BatchQuery }[] = queries.map((query, index) => ({ index, query }));
    let rounds = 0;
    while (pending.length > 0) {
      if (++rounds > 10_000)
        throw new RaygateError('OSV_API_PAGINATION_LOOP', 'unavailable', 'OSV kept returning more pages.');
      const next: typeof pending = [];
      for (let start = 0; start < pending.length; start += this.batchSize) {
        const batch = pending.slice(start, start + this.batchSize);
        const response = await this.postBatch(batch.map((b) => b.query));
        const answers = response.results ?? [];
        if (answers.length !== batch.length) {
          throw new RaygateError(
            'OSV_API_RESPONSE_INVALID',
            'unavailable',
            `OSV answered ${answers.length} results for ${batch.length} queries.`,
          );
        }
        for (const [i, answer] of answers.entries()) {
          const { index, query } = batch[i]!;
          for (const vuln of answer.vulns ?? [])
            if (typeof vuln.id === 'string') results[index]!.add(vuln.id);
          const token = answer.next_page_token;
          if (typeof token === 'string' && token !== '' && token !== query.page_token) {
            next.push({ index, query: { ...query, page_token: token } });
          }
        }
      }
      pending = next;
    }
    return results.map((s) => [...s].sort());
  }

  private async postBatch(queries: BatchQuery[]): Promise<BatchResponse> {
    const url = new URL('/v1/querybatch', this.baseUrl);
    const response = await requestWithRetries(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queries }) },
      this.http,
      this.budget,
    );
    const body = await readBody(response, this.maxResponseBytes, 'An OSV querybatch response');
    if (!response.ok) {
      throw new RaygateError(
        'OSV_API_ERROR',
        'unavailable',
        `OSV querybatch answered HTTP ${response.status}: ${body.toString('utf8').slice(0, 200)}`,
      );
    }
    try {
      return JSON.parse(body.toString('utf8')) as BatchResponse;
    } catch (error) {
      throw new RaygateError(
        'OSV_API_RESPONSE_INVALID',
        'unavailable',
        'OSV querybatch answered with invalid JSON.',
        { cause: error },
      );
    }
  }

  /** One full record by id; undefined when OSV does not know it. */
  async getVuln(id: string): Promise<OsvRecord | undefined> {
    const url = new URL(`/v1/vulns/${encodeURIComponent(id)}`, this.baseUrl);
    const response = await requestWithRetries(url, { method: 'GET' }, this.http, this.budget);
    const body = await readBody(response, OSV_LIMITS.maxRecordBytes, `OSV record ${id}`);
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new RaygateError(
        'OSV_API_ERROR',
        'unavailable',
        `OSV answered HTTP ${response.status} for ${id}.`,
      );
    const parsed = parseOsvRecordBytes(body, 'json');
    if (!parsed.ok) throw new RaygateError(parsed.code, 'unavailable', `OSV record ${id}: ${parsed.message}`);
    if (parsed.record.id !== id) {
      throw new RaygateError(
        'OSV_API_RESPONSE_INVALID',
        'unavailable',
        `Asked OSV for ${id}, got ${parsed.record.id}.`,
      );
    }
    return parsed.record;
  }

  private async fetchAll(ids: readonly string[], problems: SourceAnswer['problems']): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        if (this.records.has(id)) {
          await this.records.get(id);
          continue;
        }
        const pending = this.getVuln(id).catch((error: unknown) => {
          // One bad record is reported and the scan goes on; a budget, outage or timeout ends the scan.
          if (!isRaygateError(error) || !RECORD_LEVEL_CODES.has(error.code)) throw error;
          problems.push({ code: error.code, message: error.message });
          return undefined;
        });
        this.records.set(id, pending);
        await pending;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, Math.max(1, ids.length)) }, worker));
  }
}

function definedOnly(options: Partial<HttpOptions>): Partial<HttpOptions> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<HttpOptions>;
}
