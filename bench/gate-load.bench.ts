// Load bench for the gate service (issue 8), real `raygate serve` processes on loopback, per store:
//   - GET /api/v1/releases/:id (autocannon): ≥ 1,000 req/s with p99 < 50 ms on the embedded store (PGlite)
//   - 100 concurrent submissions: every one accepted and evaluated, no job failing
//   - the same against a PostgreSQL server (reported; the targets are the embedded store's)
// RSS of the service idle, at peak (VmHWM) and idle again afterwards. The per-IP and per-token rate limits
// are raised for the run: they would answer most of this traffic 429, which is their job, not the bench's.
// Options: --duration S (default 10), --connections N (default 10), --submissions N (default 100),
// --backend pglite|postgres (default both).
import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Agent, setGlobalDispatcher } from 'undici';
import { call } from '../test/api/support.ts';
import { postgresServer } from '../test/support/postgres-server.ts';
import { runCli } from '../test/support/run-cli.ts';
import { startServe, type ServeProcess } from '../test/support/serve-process.ts';
import { makePgliteDataDir } from '../test/support/test-db.ts';

// The bench's own requests (set-up, submissions, polling) drop idle connections after 1 s, well before the
// server's 5 s keep-alive: reusing one the server is closing at that moment reads ECONNRESET, a client race.
setGlobalDispatcher(new Agent({ keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 }));

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    submissions: { type: 'string', default: '100' },
    backend: { type: 'string' },
    'node-flag': { type: 'string', multiple: true, default: [] },
  },
});
const DURATION = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const SUBMISSIONS = Number(options.submissions);
const UNLIMITED = { RAYGATE_RATE_LIMIT_PER_IP: '100000000/1m', RAYGATE_RATE_LIMIT_PER_TOKEN: '100000000/1m' };

interface Memory {
  rssMb: number;
  peakMb: number;
}

async function memory(serve: ServeProcess): Promise<Memory> {
  const status = await readFile(`/proc/${serve.child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Connections the server reset under the bench's own requests (each retried once; see the README). */
let resets = 0;

/** `call`, retried once when the connection is reset (submissions are idempotent: same content, same release). */
async function request(...args: Parameters<typeof call>): ReturnType<typeof call> {
  try {
    return await call(...args);
  } catch (error) {
    if (!String((error as { cause?: unknown }).cause).includes('ECONNRESET')) throw error;
    resets++;
    return call(...args);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function wheel(i: number) {
  const name = `bench-${i}.0.0-py3-none-any.whl`;
  return { kind: 'wheel', name, sha256: createHash('sha256').update(name).digest('hex') };
}

async function submit(url: string, token: string, i: number): Promise<{ status: number; id?: string }> {
  const answer = await request(url, 'POST', '/api/v1/releases', {
    token,
    json: { project: 'bench', version: `${i}.0.0`, policy: 'permissive', artifacts: [wheel(i)] },
  });
  return { status: answer.status, ...(answer.status === 201 ? { id: answer.body.id as string } : {}) };
}

const DECIDED = new Set(['awaiting_approval', 'approved', 'rejected']);

async function waitDecided(url: string, token: string, ids: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const states = new Map<string, string>();
  while (Date.now() < deadline) {
    for (const id of ids) {
      if (DECIDED.has(states.get(id) ?? '')) continue;
      const answer = await request(url, 'GET', `/api/v1/releases/${id}`, { token });
      states.set(id, answer.body.state as string);
    }
    if (ids.every((id) => DECIDED.has(states.get(id) ?? ''))) break;
    await sleep(250);
  }
  return states;
}

interface BackendResult {
  backend: string;
  idle: Memory;
  get: { rps: number; p50: number; p99: number; errors: number; non2xx: number; total: number };
  /** GET /healthz in the same run: no authentication, no database — the floor of this machine now. */
  floorRps: number;
  submissions: {
    accepted: number;
    decidedSeconds: number;
    decided: number;
    allowed: number;
    errorLogs: number;
  };
  /** The server's longest event-loop stall over the run (prom-client's monitor), and connection resets seen. */
  lagMaxSeconds: number;
  resets: number;
  after: Memory;
  load: string;
}

async function benchBackend(backend: 'pglite' | 'postgres'): Promise<BackendResult> {
  resets = 0;
  // The data folder holds the embedded store, or only the VSA key with PostgreSQL.
  const data = await makePgliteDataDir();
  const env: Record<string, string> =
    backend === 'pglite'
      ? { RAYGATE_DATA: data }
      : { DATABASE_URL: await (await postgresServer()).createDatabase(), RAYGATE_DATA: data };
  const cleanup = () => rm(data, { recursive: true, force: true });
  const admin = await runCli(['tokens', 'create', '--role', 'admin', '--name', 'bench'], { env });
  if (admin.code !== 0) throw new Error(admin.stderr);
  const serve = await startServe(
    [],
    { ...env, ...UNLIMITED, RAYGATE_LOG_LEVEL: 'warn' },
    90_000,
    options['node-flag'],
  );
  try {
    const created = await call(serve.url, 'POST', '/api/v1/tokens', {
      token: admin.stdout.trim(),
      json: { name: 'ci', role: 'submitter', projects: ['bench'] },
    });
    const token = created.body.token as string;
    const first = await submit(serve.url, token, 0);
    await waitDecided(serve.url, token, [first.id!], 60_000);
    await sleep(2000);
    const idle = await memory(serve);

    const target = {
      url: `${serve.url}/api/v1/releases/${first.id}`,
      headers: { authorization: `Bearer ${token}` },
      connections: CONNECTIONS,
    };
    await autocannon({ ...target, duration: 3 }); // warm-up: JIT, caches, connection pool
    const load = loadavg()[0]!.toFixed(1);
    const result = await autocannon({ ...target, duration: DURATION });
    const floor = await autocannon({
      url: `${serve.url}/healthz`,
      connections: CONNECTIONS,
      duration: DURATION,
    });

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: SUBMISSIONS }, (_, i) => submit(serve.url, token, i + 1)),
    );
    const ids = answers.flatMap((a) => (a.id ? [a.id] : []));
    const states = await waitDecided(serve.url, token, ids, 300_000);
    const decidedSeconds = (performance.now() - started) / 1000;
    const metrics = (await request(serve.url, 'GET', '/metrics')).text;
    const lagMaxSeconds = Number(
      /^raygate_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(metrics)?.[1] ?? NaN,
    );
    await sleep(3000);
    const after = await memory(serve);
    const errorLogs = serve
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":"error"')).length;
    return {
      backend,
      idle,
      load,
      get: {
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        total: result.requests.total,
      },
      submissions: {
        accepted: ids.length,
        decidedSeconds,
        decided: [...states.values()].filter((s) => DECIDED.has(s)).length,
        allowed: [...states.values()].filter((s) => s === 'approved').length,
        errorLogs,
      },
      floorRps: floor.requests.average,
      lagMaxSeconds,
      resets,
      after,
    };
  } catch (error) {
    const exited = serve.child.exitCode ?? serve.child.signalCode;
    process.stderr.write(
      `${backend}: ${String(error)}; raygate serve ${exited === null ? 'still running' : `exited (${exited})`}\n${serve.stderr().slice(-4000)}\n`,
    );
    throw error;
  } finally {
    await serve.stop();
    await cleanup();
  }
}

const backends = (options.backend ? [options.backend] : ['pglite', 'postgres']) as ('pglite' | 'postgres')[];
process.stdout.write(
  `gate load: ${availableParallelism()} cores, ${CONNECTIONS} connections × ${DURATION} s, ${SUBMISSIONS} submissions\n\n`,
);
const rows: BackendResult[] = [];
for (const backend of backends) rows.push(await benchBackend(backend));

const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |\n`;
process.stdout.write(
  line([
    'store',
    'GET req/s',
    'p50 ms',
    'p99 ms',
    'errors/non-2xx',
    '/healthz req/s (GET ÷ it)',
    `${SUBMISSIONS} submissions: accepted, decided, s`,
    'RSS idle / peak / after MB',
    'event-loop stall max s, resets',
    'load avg',
  ]),
);
process.stdout.write(line(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']));
for (const r of rows) {
  process.stdout.write(
    line([
      r.backend,
      Math.round(r.get.rps),
      r.get.p50,
      r.get.p99,
      `${r.get.errors}/${r.get.non2xx}`,
      `${Math.round(r.floorRps)} (${(r.get.rps / r.floorRps).toFixed(2)})`,
      `${r.submissions.accepted}, ${r.submissions.decided} (${r.submissions.allowed} approved), ${r.submissions.decidedSeconds.toFixed(1)}`,
      `${Math.round(r.idle.rssMb)} / ${Math.round(r.after.peakMb)} / ${Math.round(r.after.rssMb)}`,
      `${r.lagMaxSeconds.toFixed(2)}, ${r.resets}`,
      r.load,
    ]),
  );
}

const failures: string[] = [];
for (const r of rows) {
  if (r.get.errors > 0 || r.get.non2xx > 0) failures.push(`${r.backend}: GET errors`);
  if (r.submissions.accepted !== SUBMISSIONS || r.submissions.decided !== SUBMISSIONS)
    failures.push(`${r.backend}: not every submission was accepted and evaluated`);
  if (r.submissions.errorLogs > 0) failures.push(`${r.backend}: ${r.submissions.errorLogs} error log lines`);
  if (r.backend === 'pglite') {
    if (r.get.rps < 1000) failures.push(`pglite: ${Math.round(r.get.rps)} req/s < 1,000`);
    if (r.get.p99 >= 50) failures.push(`pglite: p99 ${r.get.p99} ms ≥ 50 ms`);
  }
}
if (failures.length > 0) process.stdout.write(`\nMISSED: ${failures.join('; ')}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
