import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchQuery } from '../../src/advisories/match.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { normalizePythonName } from '../../src/sbom/python/names.ts';

/** What the server should do with the next request(s), before answering normally. */
export type Fault = { status: number; retryAfter?: string } | { hang: true };

export interface LoggedRequest {
  method: string;
  path: string;
  /** For querybatch: how many queries the body held, and how many carried a page token. */
  queries?: number;
  pageTokens?: number;
  headers: IncomingMessage['headers'];
}

/**
 * A local server speaking the OSV API's wire format (POST /v1/querybatch, GET /v1/vulns/{id}) over real
 * records, and serving export zips (GET /<Ecosystem>/all.zip) with ETag / Last-Modified validators. It
 * answers a querybatch with the records that affect the version (decided with raygate's matcher: the
 * server stands in for the wire protocol, not for OSV's matching), or with every record naming the
 * package when `claimsAll` is set, `pageSize` vulnerabilities per page with a `next_page_token`.
 */
export class OsvTestServer {
  readonly records: Map<string, OsvRecord>;
  readonly log: LoggedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly exports = new Map<string, { body: Buffer; etag: string; lastModified: string }>();
  pageSize = 1000;
  /** When set, querybatch answers wait for it (to hold a release in evaluation while a test watches). */
  hold: Promise<unknown> | undefined;
  /** Answer with every record naming the package, affected or not (to test disagreement handling). */
  claimsAll = false;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(records: readonly OsvRecord[]) {
    this.records = new Map(records.map((r) => [r.id, r]));
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get host(): string {
    return new URL(this.url).host;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const entry: LoggedRequest = { method: req.method ?? '', path: url.pathname, headers: req.headers };
    if (url.pathname === '/v1/querybatch' && body) {
      const queries = (JSON.parse(body) as { queries: { page_token?: string }[] }).queries;
      entry.queries = queries.length;
      entry.pageTokens = queries.filter((q) => q.page_token).length;
    }
    this.log.push(entry);

    const fault = this.faults.shift();
    if (fault && 'hang' in fault) {
      this.hanging.add(res);
      return;
    }
    if (fault) {
      res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      res.end(`{"code": ${fault.status}, "message": "injected"}`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/querybatch') {
      if (this.hold) await this.hold;
      return this.queryBatch(body, res);
    }
    const vuln = /^\/v1\/vulns\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && vuln) {
      const record = this.records.get(decodeURIComponent(vuln[1]!));
      if (!record) return json(res, 404, { code: 5, message: 'Bug not found.' });
      return json(res, 200, record);
    }
    const exported = /^\/([^/]+)\/all\.zip$/.exec(url.pathname);
    if (req.method === 'GET' && exported) {
      const found = this.exports.get(decodeURIComponent(exported[1]!));
      if (!found) return json(res, 404, { message: 'no such export' });
      if (
        req.headers['if-none-match'] === found.etag ||
        req.headers['if-modified-since'] === found.lastModified
      ) {
        res.writeHead(304, { etag: found.etag, 'last-modified': found.lastModified });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': String(found.body.length),
        etag: found.etag,
        'last-modified': found.lastModified,
      });
      res.end(found.body);
      return;
    }
    json(res, 404, { message: 'not found' });
  }

  private queryBatch(body: string, res: ServerResponse): void {
    const { queries } = JSON.parse(body) as {
      queries: { package: { ecosystem: string; name: string }; version: string; page_token?: string }[];
    };
    if (queries.length > 1000) return json(res, 400, { code: 3, message: 'Too many queries.' });
    const results = queries.map((q) => {
      const norm = (eco: string, name: string) => (eco === 'PyPI' ? normalizePythonName(name) : name);
      const all = [...this.records.values()]
        .filter((r) =>
          (r.affected ?? []).some(
            (a) =>
              a.package?.ecosystem === q.package.ecosystem &&
              norm(a.package.ecosystem, a.package.name) === norm(q.package.ecosystem, q.package.name),
          ),
        )
        .filter(
          (r) =>
            this.claimsAll ||
            matchQuery({ ecosystems: [q.package.ecosystem], name: q.package.name, version: q.version }, [r])
              .matches.length > 0,
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const start = q.page_token ? Number(Buffer.from(q.page_token, 'base64').toString('utf8')) : 0;
      const page = all.slice(start, start + this.pageSize);
      const next =
        start + this.pageSize < all.length
          ? Buffer.from(String(start + this.pageSize)).toString('base64')
          : undefined;
      return {
        ...(page.length > 0 ? { vulns: page.map((r) => ({ id: r.id, modified: r.modified })) } : {}),
        ...(next ? { next_page_token: next } : {}),
      };
    });
    json(res, 200, { results });
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
