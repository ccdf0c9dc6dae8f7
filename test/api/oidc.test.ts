import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { authorize } from '../../src/api/auth/permissions.ts';
import type { Principal } from '../../src/api/auth/principal.ts';
import { GITHUB_ACTIONS_ISSUER } from '../../src/config.ts';
import { findRelease } from '../../src/store/repos/releases.ts';
import { call, errorCode, startTestApi, type TestApi } from './support.ts';

/** A JWKS endpoint on 127.0.0.1 standing in for https://token.actions.githubusercontent.com/.well-known/jwks. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  server: Server = createServer((req, res) => {
    this.fetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Claims as GitHub Actions puts them in an ID token. */
function githubClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: GITHUB_ACTIONS_ISSUER,
    aud: 'raygate-test',
    sub: 'repo:acme/ray-images:ref:refs/heads/main',
    repository: 'acme/ray-images',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
    workflow_ref: 'acme/ray-images/.github/workflows/release.yml@refs/heads/main',
    run_id: '1234',
    actor: 'octocat',
    iat: now - 10,
    nbf: now - 10,
    exp: now + 300,
    ...overrides,
  };
}

function sign(key: SigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

describe('GitHub Actions OIDC tokens', function () {
  this.timeout(60_000);
  const jwks = new JwksServer();
  let api: TestApi;
  let key: SigningKey;

  before(async () => {
    key = await signingKey('key-1');
    jwks.keys = [key.jwk];
    const jwksUrl = await jwks.start();
    api = await startTestApi({
      configFile: `
auth:
  oidc:
    - issuer: ${GITHUB_ACTIONS_ISSUER}
      jwksUrl: ${jwksUrl}
      audiences: [raygate-test]
      clockToleranceSeconds: 30
      maxTokenAgeSeconds: 600
      jwksCooldownSeconds: 1
      projects:
        - project: ray-images
          repository: acme/ray-images
          refs: [refs/heads/main, refs/tags/v*]
`,
    });
  });
  after(async () => {
    await api.close();
    await jwks.stop();
  });

  const session = async (token: string) => call(api.url, 'GET', '/api/v1/session', { token });

  describe('when the token is genuine and mapped', () => {
    it('authenticates a submitter for the mapped project only, with the workflow claims', async () => {
      const answer = await session(await sign(key, githubClaims()));
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(
        [answer.body.kind, answer.body.role, answer.body.projects],
        ['oidc', 'submitter', ['ray-images']],
      );
      assert.equal(
        answer.body.actor,
        `oidc:${GITHUB_ACTIONS_ISSUER}#repo:acme/ray-images:ref:refs/heads/main`,
      );
      const claims = answer.body.claims as Record<string, string>;
      assert.deepEqual(
        [claims.repository, claims.ref, claims.runId],
        ['acme/ray-images', 'refs/heads/main', '1234'],
      );
    });

    it('matches tag refs by pattern and repositories without regard to case', async () => {
      const answer = await session(
        await sign(key, githubClaims({ ref: 'refs/tags/v2.58.0', repository: 'Acme/Ray-Images' })),
      );
      assert.equal(answer.status, 200, answer.text);
    });

    it('grants submission for its project and nothing more', async () => {
      const answer = await session(await sign(key, githubClaims()));
      const principal = {
        kind: 'oidc',
        actor: String(answer.body.actor),
        role: 'submitter',
        projects: ['ray-images'],
        claims: {},
      } as unknown as Principal;
      authorize(principal, 'release:submit', 'ray-images');
      assert.throws(() => authorize(principal, 'release:submit', 'ray-wheels'), /does not cover/);
      assert.throws(() => authorize(principal, 'release:approve', 'ray-images'), /may not/);
      const create = await call(api.url, 'POST', '/api/v1/tokens', {
        token: await sign(key, githubClaims()),
        json: { name: 'x', role: 'admin' },
      });
      assert.deepEqual([create.status, errorCode(create)], [403, 'FORBIDDEN']);
    });

    it('submits a release candidate with the workflow as its submitter; forged tokens cannot', async () => {
      const release = {
        project: 'ray-images',
        version: '2.58.0',
        artifacts: [{ kind: 'wheel', name: 'acme_udf-1.0.0-py3-none-any.whl', sha256: 'e'.repeat(64) }],
      };
      const answer = await call(api.url, 'POST', '/api/v1/releases', {
        token: await sign(key, githubClaims()),
        json: release,
      });
      assert.equal(answer.status, 201, answer.text);
      assert.equal(
        answer.body.submittedBy,
        `oidc:${GITHUB_ACTIONS_ISSUER}#repo:acme/ray-images:ref:refs/heads/main`,
      );
      const stored = (await findRelease(api.testDb.db, String(answer.body.id)))!;
      assert.deepEqual(
        [stored.submitter.kind, stored.submitter.repository, stored.submitter.ref, stored.submitter.runId],
        ['oidc', 'acme/ray-images', 'refs/heads/main', '1234'],
      );
      for (const forged of [
        await sign(await signingKey('key-1'), githubClaims()),
        await sign(key, githubClaims({ iss: 'https://token.actions.example' })),
        await sign(key, githubClaims({ aud: 'someone-else' })),
      ]) {
        const refused = await call(api.url, 'POST', '/api/v1/releases', { token: forged, json: release });
        assert.equal(refused.status, 401, refused.text);
      }
    });

    it('fetches the key set once and serves later tokens from the cache', async () => {
      const before = jwks.fetches;
      for (let i = 0; i < 3; i++) assert.equal((await session(await sign(key, githubClaims()))).status, 200);
      assert.equal(jwks.fetches, before, 'no refetch for a known key');
    });

    it('refetches the key set when the issuer rotates to a key it has not seen', async () => {
      const rotated = await signingKey('key-2');
      jwks.keys = [key.jwk, rotated.jwk];
      await new Promise((resolve) => setTimeout(resolve, 1100)); // past the refetch cooldown
      const before = jwks.fetches;
      const answer = await session(await sign(rotated, githubClaims()));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(jwks.fetches, before + 1);
    });
  });

  describe('when the token must be refused', () => {
    const refusals: [string, () => Promise<string>, number, string][] = [
      [
        'forged: signed by a key the issuer never published, under its kid',
        async () => sign(await signingKey('key-1'), githubClaims()),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      [
        'expired',
        async () => sign(key, githubClaims({ exp: Math.floor(Date.now() / 1000) - 120 })),
        401,
        'OIDC_TOKEN_EXPIRED',
      ],
      [
        'for another audience',
        async () => sign(key, githubClaims({ aud: 'sigstore' })),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      [
        'not yet valid (nbf beyond the tolerance)',
        async () => sign(key, githubClaims({ nbf: Math.floor(Date.now() / 1000) + 600 })),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      [
        'issued in the future',
        async () => sign(key, githubClaims({ iat: Math.floor(Date.now() / 1000) + 600 })),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      [
        'issued too long ago (older than maxTokenAge)',
        async () =>
          sign(
            key,
            githubClaims({
              iat: Math.floor(Date.now() / 1000) - 3600,
              exp: Math.floor(Date.now() / 1000) + 300,
            }),
          ),
        401,
        'OIDC_TOKEN_EXPIRED',
      ],
      [
        'from an issuer raygate does not trust',
        async () => sign(key, githubClaims({ iss: 'https://evil.example' })),
        401,
        'OIDC_ISSUER_UNTRUSTED',
      ],
      [
        'without the repository claim',
        async () => sign(key, githubClaims({ repository: undefined })),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      ['unsigned (alg none)', async () => unsigned(githubClaims()), 401, 'OIDC_TOKEN_INVALID'],
      [
        'with a tampered payload',
        async () =>
          tamper(await sign(key, githubClaims()), {
            repository: 'acme/ray-images',
            ref: 'refs/heads/main',
            aud: 'raygate-test',
            sub: 'admin',
          }),
        401,
        'OIDC_TOKEN_INVALID',
      ],
      [
        'from a repository no project maps',
        async () => sign(key, githubClaims({ repository: 'mallory/ray-images' })),
        403,
        'OIDC_PROJECT_UNMAPPED',
      ],
      [
        'from a branch the mapping does not allow',
        async () => sign(key, githubClaims({ ref: 'refs/heads/feature' })),
        403,
        'OIDC_PROJECT_UNMAPPED',
      ],
      ['garbage', async () => 'not.a.jwt', 401, 'TOKEN_MALFORMED'],
    ];
    for (const [what, make, status, code] of refusals) {
      it(`refuses a token ${what} (${status} ${code})`, async () => {
        const answer = await session(await make());
        assert.deepEqual([answer.status, errorCode(answer)], [status, code], answer.text);
      });
    }
  });

  describe('when the issuer’s keys cannot be fetched', () => {
    it('answers 503, not 401, so CI retries instead of failing as unauthorized', async () => {
      const dead = await startTestApi({
        testDb: api.testDb,
        configFile: `
auth:
  oidc:
    - issuer: ${GITHUB_ACTIONS_ISSUER}
      jwksUrl: http://127.0.0.1:9/.well-known/jwks
      audiences: [raygate-test]
      projects: [{ project: ray-images, repository: acme/ray-images }]
`,
      });
      try {
        const answer = await call(dead.url, 'GET', '/api/v1/session', {
          token: await sign(key, githubClaims()),
        });
        assert.deepEqual([answer.status, errorCode(answer)], [503, 'OIDC_KEYS_UNAVAILABLE']);
      } finally {
        await dead.close();
      }
    });
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function unsigned(claims: JWTPayload): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

function tamper(jwt: string, changes: JWTPayload): string {
  const [header, payload, signature] = jwt.split('.');
  const claims = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as JWTPayload), ...changes };
  return `${header}.${base64url(claims)}.${signature}`;
}
