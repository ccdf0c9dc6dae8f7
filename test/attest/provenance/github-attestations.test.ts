import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compressSync } from 'snappy';
import { trustInstance } from '../../../src/attest/evidence/trust.ts';
import { verifyEvidence } from '../../../src/attest/evidence/verify-evidence.ts';
import { GithubAttestationsClient } from '../../../src/attest/github-attestations/github-attestations-client.ts';
import { githubAttestationEvidence } from '../../../src/attest/github-attestations/to-evidence.ts';
import { EMPTY_RULES } from '../../../src/attest/verify-policy.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { PUBLIC_GOOD, readJson, trustedRoot } from '../fixtures.ts';

// The reusable-workflow attestation from cli/cli's test data: subject sha256 49a3aa60….
const bundle = readJson('github/reusable-workflow-attestation.sigstore.json');
const DIGEST = 'sha256:49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25';

interface Served {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** GitHub's attestations API, answered with the real response shape ({attestations: [{bundle, repository_id}]}). */
async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, count: number) => void,
): Promise<Served> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fast = { http: { sleep: async () => {}, backoffMs: 1 } };

describe('GitHub artifact attestations', () => {
  describe('when the API lists attestations over several pages', () => {
    it('follows the Link header, sends the token, and verifies the real bundle like gh attestation verify', async () => {
      const server = await serve((req, res, n) => {
        const next = `<http://${req.headers.host}/api/v3/repos/malancas/attest-demo/attestations/${DIGEST}?per_page=100&after=c1>; rel="next"`;
        res.writeHead(200, { 'content-type': 'application/json', ...(n === 1 ? { link: next } : {}) });
        res.end(JSON.stringify({ attestations: [{ bundle, repository_id: 7 }] }));
      });
      try {
        const client = new GithubAttestationsClient({ baseUrl: server.url, token: 't0ken', ...fast });
        const { attestations, url } = await client.list({ repository: 'malancas/attest-demo' }, DIGEST);
        assert.equal(attestations.length, 2);
        assert.equal(server.requests.length, 2);
        assert.match(
          server.requests[0]!,
          /^GET \/api\/v3\/repos\/malancas\/attest-demo\/attestations\/sha256(:|%3A)49a3.*auth=token t0ken/,
        );
        const [evidence] = githubAttestationEvidence(attestations, url, DIGEST.slice(7));
        const result = verifyEvidence(evidence!, {
          instances: [trustInstance('public-good', trustedRoot(PUBLIC_GOOD))],
          keys: [],
          identities: [
            {
              github: {
                owner: 'malancas',
                signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.yml',
              },
            },
          ],
          rules: EMPTY_RULES,
        });
        assert.equal(result.status, 'verified', JSON.stringify(result.error));
        assert.equal(result.kind, 'provenance');
        assert.equal(result.slsaLevel?.level, 3);
      } finally {
        await server.close();
      }
    });
  });

  describe('when the API answers with errors', () => {
    it('treats 404 as no attestations, 401 as unauthorized, and retries a rate limit after Retry-After', async () => {
      const server = await serve((req, res, n) => {
        if (req.url?.includes('/orgs/none/')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        } else if (req.url?.includes('/orgs/secret/')) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
        } else if (n % 2 === 1) {
          res
            .writeHead(403, {
              'retry-after': '1',
              'x-ratelimit-remaining': '0',
              'content-type': 'application/json',
            })
            .end('{"message":"API rate limit exceeded"}');
        } else {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ attestations: [{ bundle, repository_id: 1 }] }));
        }
      });
      try {
        const slept: number[] = [];
        const client = new GithubAttestationsClient({
          baseUrl: server.url,
          http: { sleep: async (ms) => void slept.push(ms), backoffMs: 1 },
        });
        assert.deepEqual((await client.list({ owner: 'none' }, DIGEST)).attestations, []);
        await assertRejectsWithCode(() => client.list({ owner: 'secret' }, DIGEST), 'GITHUB_UNAUTHORIZED');
        const limited = await client.list({ owner: 'limited' }, DIGEST);
        assert.equal(limited.attestations.length, 1);
        assert.deepEqual(slept, [1000]);
      } finally {
        await server.close();
      }
    });

    it('refuses an oversized attestation list', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            attestations: Array.from({ length: 30 }, () => ({ bundle: null, repository_id: 1 })),
          }),
        );
      });
      try {
        const client = new GithubAttestationsClient({ baseUrl: server.url, maxAttestations: 10, ...fast });
        await assertRejectsWithCode(
          () => client.list({ owner: 'big' }, DIGEST),
          'GITHUB_TOO_MANY_ATTESTATIONS',
        );
      } finally {
        await server.close();
      }
    });
  });

  describe('when the API links the bundle (bundle_url) instead of inlining it', () => {
    it('fetches it without the token, decompresses snappy, and verifies the bundle', async () => {
      const blobRequests: string[] = [];
      const server = await serve((req, res) => {
        if (req.url?.startsWith('/blob/')) {
          blobRequests.push(req.headers.authorization ?? '');
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(compressSync(Buffer.from(JSON.stringify(bundle))));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            attestations: [
              { bundle: null, bundle_url: `http://${req.headers.host}/blob/att-1?sig=x`, repository_id: 7 },
            ],
          }),
        );
      });
      try {
        const client = new GithubAttestationsClient({ baseUrl: server.url, token: 't0ken', ...fast });
        const { attestations, url } = await client.list({ owner: 'malancas' }, DIGEST);
        assert.deepEqual(blobRequests, [''], 'the token stays with the API');
        const [evidence] = githubAttestationEvidence(attestations, url, DIGEST.slice(7));
        assert.equal(evidence!.content.kind, 'bundle');
        const result = verifyEvidence(evidence!, {
          instances: [trustInstance('public-good', trustedRoot(PUBLIC_GOOD))],
          keys: [],
          identities: [{ github: { owner: 'malancas' } }],
          rules: EMPTY_RULES,
        });
        assert.equal(result.status, 'verified', JSON.stringify(result.error));
      } finally {
        await server.close();
      }
    });

    it('refuses a bundle_url on a host that is not allowed, and one that claims to be too large', async () => {
      const server = await serve((req, res) => {
        if (req.url?.startsWith('/blob/')) {
          // A snappy header declaring 2^32 bytes: refused before anything is decompressed.
          res.writeHead(200).end(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10, 0x00]));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            attestations: [
              { bundle: null, bundle_url: 'https://blob.elsewhere.example/att?sig=x' },
              { bundle: null, bundle_url: `http://${req.headers.host}/blob/huge` },
            ],
          }),
        );
      });
      try {
        const client = new GithubAttestationsClient({ baseUrl: server.url, ...fast });
        const { attestations, url } = await client.list({ owner: 'o' }, DIGEST);
        const [elsewhere, huge] = githubAttestationEvidence(attestations, url, DIGEST.slice(7));
        assert.equal(
          elsewhere!.content.kind === 'malformed' && elsewhere!.content.code,
          'GITHUB_BUNDLE_URL_UNSUPPORTED',
        );
        assert.match(
          elsewhere!.content.kind === 'malformed' ? elsewhere!.content.message : '',
          /--github-bundle-host blob\.elsewhere\.example/,
        );
        assert.equal(huge!.content.kind === 'malformed' && huge!.content.code, 'GITHUB_RESPONSE_TOO_LARGE');
      } finally {
        await server.close();
      }
    });
  });
});
