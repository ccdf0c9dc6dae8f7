import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../support/run-cli.ts';

/** The GitHub Actions runner's ID-token endpoint: records the audience asked for, answers a JWT-shaped value. */
async function startTokenEndpoint(): Promise<{ url: string; audiences: string[]; close(): Promise<void> }> {
  const audiences: string[] = [];
  const server = http.createServer((req, res) => {
    audiences.push(new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? '');
    assert.equal(req.headers.authorization, 'bearer runner-request-token');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: 'aaa.bbb.ccc' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token?api-version=2.0`,
    audiences,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('raygate gate credentials', () => {
  describe('when no RAYGATE_TOKEN is set inside GitHub Actions', () => {
    it('asks the runner for an OIDC token for the server host name (no port), or for --oidc-audience', async () => {
      const endpoint = await startTokenEndpoint();
      try {
        const env = {
          RAYGATE_TOKEN: '',
          ACTIONS_ID_TOKEN_REQUEST_URL: endpoint.url,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
        };
        // Nothing listens on port 9: the credential is requested first, then the gate is unreachable.
        const first = await runCli(['gate', 'status', 'rel_x', '--server', 'http://localhost:9'], { env });
        const second = await runCli(
          [
            'gate',
            'status',
            'rel_x',
            '--server',
            'http://localhost:9',
            '--oidc-audience',
            'raygate.example.com',
          ],
          { env },
        );
        assert.deepEqual(endpoint.audiences, ['localhost', 'raygate.example.com']);
        for (const run of [first, second]) {
          assert.equal(run.code, 3, run.stderr);
          assert.match(run.stderr, /GATE_UNREACHABLE/);
        }
      } finally {
        await endpoint.close();
      }
    });
  });

  describe('when there is neither a token nor a runner', () => {
    it('says how to provide a credential (exit 2)', async () => {
      const run = await runCli(['gate', 'status', 'rel_x', '--server', 'http://localhost:9'], {
        env: { RAYGATE_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' },
      });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /GATE_CREDENTIAL_MISSING/);
    });
  });
});
