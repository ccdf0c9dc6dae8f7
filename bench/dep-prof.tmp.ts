import autocannon from 'autocannon';
import { call } from '/work/wt/deploy/test/api/support.ts';
import { runCli } from '/work/wt/deploy/test/support/run-cli.ts';
import { startServe } from '/work/wt/deploy/test/support/serve-process.ts';
import { makePgliteDataDir } from '/work/wt/deploy/test/support/test-db.ts';
const data = await makePgliteDataDir();
const env = { RAYGATE_DATA: data };
const admin = (
  await runCli(['tokens', 'create', '--role', 'admin', '--name', 'bench'], { env })
).stdout.trim();
const serve = await startServe([], {
  ...env,
  RAYGATE_RATE_LIMIT_PER_IP: '100000000/1m',
  RAYGATE_RATE_LIMIT_PER_TOKEN: '100000000/1m',
  RAYGATE_LOG_LEVEL: 'warn',
  NODE_OPTIONS: process.env.PROF ? '--cpu-prof --cpu-prof-dir=/tmp/dep-prof' : '',
});
const tok = (
  await call(serve.url, 'POST', '/api/v1/tokens', {
    token: admin,
    json: { name: 'ci', role: 'submitter', projects: ['bench'] },
  })
).body.token as string;
const sub = await call(serve.url, 'POST', '/api/v1/releases', {
  token: tok,
  json: {
    project: 'bench',
    version: '1',
    policy: 'permissive',
    artifacts: [{ kind: 'wheel', name: 'b-1-py3-none-any.whl', sha256: 'b'.repeat(64) }],
  },
});
const id = sub.body.id as string;
await new Promise((r) => setTimeout(r, 4000));
const path = process.env.P ?? `/api/v1/releases/${id}`;
const r = await autocannon({
  url: serve.url + path,
  headers: { authorization: `Bearer ${tok}` },
  connections: Number(process.env.C ?? 10),
  duration: 8,
});
console.log(path, 'rps', r.requests.average, 'p50', r.latency.p50, 'p99', r.latency.p99, 'non2xx', r.non2xx);
await serve.stop();
