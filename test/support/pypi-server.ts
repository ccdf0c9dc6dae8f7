import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * PyPI's JSON API and Integrity API on 127.0.0.1, answering with the shapes pypi.org documents
 * (docs.pypi.org/api/json, docs.pypi.org/api/integrity):
 * - `GET /pypi/<project>/json`: `{info, last_serial, releases: {<version>: [file…]}, urls, vulnerabilities}`
 * - `GET /pypi/<project>/<version>/json`: `{info, last_serial, urls: [file…], vulnerabilities}`
 * - `GET /integrity/<project>/<version>/<filename>/provenance`: the provenance object, or
 *   404 `{"message": "No provenance available for <filename>"}` as warehouse answers.
 * A file is `{comment_text, digests: {blake2b_256, md5, sha256}, downloads, filename, has_sig, md5_digest,
 * packagetype, python_version, requires_python, size, upload_time, upload_time_iso_8601, url, yanked,
 * yanked_reason}`. `fault` lets a test answer a request itself (429, a hang) before the routes do.
 */
export interface FakeFile {
  filename: string;
  bytes: Buffer;
  /** What the JSON API claims as the sha256 (a tampered index); defaults to the bytes' digest. */
  listedSha256?: string;
  uploadTime?: string;
  /** The provenance object the Integrity API serves; none → 404. */
  provenance?: unknown;
}

export interface FakeProject {
  name: string;
  releases: Record<string, FakeFile[]>;
}

export interface FakePypi {
  url: string;
  /** `GET /path` of every request, in order. */
  requests: string[];
  /** Answers a request itself when it returns true (before the routes). */
  fault?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  close(): Promise<void>;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const digest = (algorithm: string, bytes: Buffer, length?: number) =>
  createHash(algorithm, length ? { outputLength: length } : undefined)
    .update(bytes)
    .digest('hex');

function fileEntry(base: string, file: FakeFile) {
  const sha256 = file.listedSha256 ?? digest('sha256', file.bytes);
  const md5 = digest('md5', file.bytes);
  const uploaded = file.uploadTime ?? '2024-06-01T12:00:00.000000Z';
  const wheel = file.filename.endsWith('.whl');
  return {
    comment_text: '',
    digests: { blake2b_256: digest('blake2b512', file.bytes).slice(0, 64), md5, sha256 },
    downloads: -1,
    filename: file.filename,
    has_sig: false,
    md5_digest: md5,
    packagetype: wheel ? 'bdist_wheel' : 'sdist',
    python_version: wheel ? 'py3' : 'source',
    requires_python: '>=3.9',
    size: file.bytes.length,
    upload_time: uploaded.replace(/\.\d+Z$/, ''),
    upload_time_iso_8601: uploaded,
    url: `${base}/packages/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256.slice(4)}/${file.filename}`,
    yanked: false,
    yanked_reason: null,
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

export async function startPypiServer(projects: readonly FakeProject[]): Promise<FakePypi> {
  const byName = new Map(projects.map((p) => [normalize(p.name), p]));
  const state: FakePypi = { url: '', requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const path = decodeURI((req.url ?? '').split('?')[0]!);
    state.requests.push(`${req.method} ${path}`);
    if (state.fault?.(req, res)) return;
    const info = (project: FakeProject, version: string) => ({
      name: project.name,
      version,
      summary: `${project.name} (test data)`,
      package_url: `${state.url}/project/${project.name}/`,
    });
    let m = /^\/pypi\/([^/]+)\/json$/.exec(path);
    if (m) {
      const project = byName.get(m[1]!);
      if (!project) return json(res, 404, { message: 'Not Found' });
      const versions = Object.keys(project.releases);
      const latest = versions.at(-1) ?? '';
      return json(res, 200, {
        info: info(project, latest),
        last_serial: 1000 + versions.length,
        releases: Object.fromEntries(
          versions.map((v) => [v, project.releases[v]!.map((f) => fileEntry(state.url, f))]),
        ),
        urls: (project.releases[latest] ?? []).map((f) => fileEntry(state.url, f)),
        vulnerabilities: [],
      });
    }
    m = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(path);
    if (m) {
      const project = byName.get(m[1]!);
      const files = project?.releases[m[2]!];
      if (!project || !files) return json(res, 404, { message: 'Not Found' });
      return json(res, 200, {
        info: info(project, m[2]!),
        last_serial: 1000,
        urls: files.map((f) => fileEntry(state.url, f)),
        vulnerabilities: [],
      });
    }
    m = /^\/integrity\/([^/]+)\/([^/]+)\/([^/]+)\/provenance$/.exec(path);
    if (m) {
      const file = byName.get(m[1]!)?.releases[m[2]!]?.find((f) => f.filename === m![3]);
      if (!file?.provenance) return json(res, 404, { message: `No provenance available for ${m[3]}` });
      return json(res, 200, file.provenance, 'application/vnd.pypi.integrity.v1+json');
    }
    json(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
