import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

type Handler = (request: Received, response: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 that records every request and answers through `handle`. */
export async function startReceiver(handle: Handler): Promise<Receiver> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handle(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function reply(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers with `failures` 500s first, then `then`. */
export function failingFirst(failures: number, then: Handler): Handler {
  let left = failures;
  return (request, response) => {
    if (left-- > 0) return reply(response, 500, { message: 'temporarily broken' });
    then(request, response);
  };
}

interface Issue {
  id: number;
  number: number;
  title: string;
  body: string;
  labels: string[];
}

/**
 * GitHub's issues REST API as far as digests use it, with its real wire format: `GET` and `POST
 * /repos/{owner}/{repo}/issues` under `prefix` (`/api/v3` for GitHub Enterprise Server), bearer token
 * checked, 201 with the issue object on create.
 */
export function githubIssues(options: { token: string; prefix?: string; failCreates?: number }) {
  const issues: Issue[] = [];
  let failCreates = options.failCreates ?? 0;
  const prefix = options.prefix ?? '';
  const handler: Handler = (request, response) => {
    if (request.headers.authorization !== `Bearer ${options.token}`)
      return reply(response, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    const url = new URL(request.path, 'http://x');
    const match = new RegExp(`^${prefix}/repos/([^/]+)/([^/]+)/issues$`).exec(url.pathname);
    if (!match) return reply(response, 404, { message: 'Not Found' });
    const [owner, repo] = [match[1]!, match[2]!];
    const shape = (i: Issue) => ({
      url: `https://api.github.example/repos/${owner}/${repo}/issues/${i.number}`,
      html_url: `https://github.example/${owner}/${repo}/issues/${i.number}`,
      id: i.id,
      node_id: `I_kwDO${i.id}`,
      number: i.number,
      title: i.title,
      user: { login: 'raygate-bot', id: 1, type: 'Bot' },
      labels: i.labels.map((name, n) => ({ id: n + 1, name, color: 'ededed', default: false })),
      state: 'open',
      locked: false,
      comments: 0,
      created_at: '2026-11-25T12:00:00Z',
      updated_at: '2026-11-25T12:00:00Z',
      closed_at: null,
      body: i.body,
    });
    if (request.method === 'GET') {
      const label = url.searchParams.get('labels');
      return reply(
        response,
        200,
        issues
          .filter((i) => !label || i.labels.includes(label))
          .reverse()
          .map(shape),
      );
    }
    if (request.method === 'POST') {
      const input = JSON.parse(request.body) as { title?: string; body?: string; labels?: string[] };
      if (!input.title) return reply(response, 422, { message: 'Validation Failed' });
      const issue = {
        id: 1000 + issues.length,
        number: issues.length + 1,
        title: input.title,
        body: input.body ?? '',
        labels: input.labels ?? [],
      };
      issues.push(issue);
      // A created issue whose response is lost: the client sees a failure, GitHub has the issue.
      if (failCreates-- > 0) {
        response.socket?.destroy();
        return;
      }
      return reply(response, 201, shape(issue));
    }
    reply(response, 405, { message: 'Method Not Allowed' });
  };
  return { issues, handler };
}
