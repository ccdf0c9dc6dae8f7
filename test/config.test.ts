import assert from 'node:assert/strict';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  GITHUB_ACTIONS_ISSUER,
  loadConfig,
  parseByteSize,
  parseDuration,
} from '../src/config.ts';
import { assertRejectsWithCode } from './support/assert-code.ts';

describe('loadConfig', () => {
  describe('when nothing is set', () => {
    it('serves on loopback port 8080 from ./data with jobs on', () => {
      const config = loadConfig({});
      assert.equal(config.server.host, DEFAULT_HOST);
      assert.equal(DEFAULT_HOST, '127.0.0.1');
      assert.equal(config.server.port, DEFAULT_PORT);
      assert.equal(config.database.url, undefined);
      assert.equal(config.database.dataDir, './data');
      assert.equal(config.jobs.enabled, true);
      assert.deepEqual(config.auth.oidc, []);
    });
  });

  describe('when the environment sets values', () => {
    it('reads each documented variable', () => {
      const config = loadConfig({
        DATABASE_URL: 'postgres://raygate@db/raygate',
        RAYGATE_DATA: '/srv/raygate',
        RAYGATE_HOST: '0.0.0.0',
        RAYGATE_PORT: '9000',
        RAYGATE_LOG_LEVEL: 'warn',
        RAYGATE_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8',
        RAYGATE_BODY_LIMIT: '2mb',
        RAYGATE_RATE_LIMIT_PER_IP: '100/1m',
        RAYGATE_RATE_LIMIT_PER_TOKEN: '10/30s',
        RAYGATE_JOBS: 'off',
      });
      assert.equal(config.database.url, 'postgres://raygate@db/raygate');
      assert.equal(config.database.dataDir, '/srv/raygate');
      assert.deepEqual([config.server.host, config.server.port], ['0.0.0.0', 9000]);
      assert.equal(config.log.level, 'warn');
      assert.deepEqual(config.server.trustedProxies, ['loopback', '10.0.0.0/8']);
      assert.equal(config.server.bodyLimitBytes, 2 * 1024 * 1024);
      assert.deepEqual(config.rateLimits.perIp, { requests: 100, windowSeconds: 60 });
      assert.deepEqual(config.rateLimits.perPrincipal, { requests: 10, windowSeconds: 30 });
      assert.equal(config.jobs.enabled, false);
    });

    it('lets the environment override the file', () => {
      const config = loadConfig(
        { RAYGATE_PORT: '7000' },
        { path: 'c.yaml', text: 'server:\n  port: 6000\n  host: 0.0.0.0\n' },
      );
      assert.deepEqual([config.server.host, config.server.port], ['0.0.0.0', 7000]);
    });

    it('names the variable that is wrong', async () => {
      for (const [name, value] of [
        ['RAYGATE_PORT', '80a'],
        ['RAYGATE_PORT', '70000'],
        ['DATABASE_URL', 'mysql://x'],
        ['RAYGATE_LOG_LEVEL', 'loud'],
        ['RAYGATE_BODY_LIMIT', '5tb'],
        ['RAYGATE_RATE_LIMIT_PER_IP', 'lots'],
        ['RAYGATE_JOBS', 'maybe'],
      ]) {
        const error = await assertRejectsWithCode(() => loadConfig({ [name!]: value }), 'CONFIG_INVALID');
        assert.match(error.message, new RegExp(name!));
      }
    });
  });

  describe('when the gate package index is configured', () => {
    const file = (text: string) => ({ path: 'c.yaml', text });

    it('asks pypi.org by default, 8 at a time, and lets the environment turn lookups off', () => {
      assert.deepEqual(loadConfig({}).gate.packageIndex, {
        lookups: true,
        url: 'https://pypi.org',
        allowedHosts: ['pypi.org'],
        concurrency: 8,
        maxRequests: 500,
        timeoutMs: 10_000,
      });
      assert.equal(loadConfig({ RAYGATE_INDEX_LOOKUPS: 'off' }).gate.packageIndex.lookups, false);
    });

    it('takes a mirror on an allowed host', () => {
      const config = loadConfig(
        {},
        file(
          'gate:\n  packageIndex: {url: "https://mirror.example/pypi/", allowedHosts: [mirror.example], concurrency: 2}\n',
        ),
      );
      assert.equal(config.gate.packageIndex.url, 'https://mirror.example/pypi');
      assert.equal(config.gate.packageIndex.concurrency, 2);
    });

    it('refuses a host the allow-list does not name, plain http off loopback, and unknown keys', async () => {
      for (const [text, pattern] of [
        ['gate:\n  packageIndex: {url: "https://evil.example"}\n', /allowedHosts does not list/],
        [
          'gate:\n  packageIndex: {url: "http://mirror.example", allowedHosts: [mirror.example]}\n',
          /must use https/,
        ],
        ['gate:\n  packageIndex: {urls: "https://pypi.org"}\n', /unknown setting 'urls'/],
        ['gate:\n  packageIndex: {concurrency: 0}\n', /concurrency/],
      ] as const) {
        const error = await assertRejectsWithCode(() => loadConfig({}, file(text)), 'CONFIG_INVALID');
        assert.match(error.message, pattern);
      }
      await assertRejectsWithCode(() => loadConfig({ RAYGATE_INDEX_LOOKUPS: 'sometimes' }), 'CONFIG_INVALID');
    });

    it('does not judge the URL when lookups are off', () => {
      const config = loadConfig(
        {},
        file('gate:\n  packageIndex: {lookups: false, url: "https://evil.example"}\n'),
      );
      assert.equal(config.gate.packageIndex.lookups, false);
    });
  });

  describe('when a file configures GitHub Actions OIDC', () => {
    const file = (extra = '') => ({
      path: 'raygate.yaml',
      text: `
auth:
  oidc:
    - issuer: ${GITHUB_ACTIONS_ISSUER}
      audiences: [raygate.example.com]
      projects:
        - { project: ray-images, repository: acme/ray-images, refs: [refs/heads/main] }
${extra}`,
    });

    it('fills defaults, including GitHub’s JWKS address', () => {
      const [issuer] = loadConfig({}, file()).auth.oidc;
      assert.equal(issuer?.jwksUrl, `${GITHUB_ACTIONS_ISSUER}/.well-known/jwks`);
      assert.deepEqual(issuer?.algorithms, ['RS256']);
      assert.equal(issuer?.clockToleranceSeconds, 60);
      assert.deepEqual(issuer?.projects, [
        { project: 'ray-images', repository: 'acme/ray-images', refs: ['refs/heads/main'] },
      ]);
    });

    it('refuses keys over plain HTTP unless on loopback', async () => {
      const text = (url: string) => ({
        path: 'r.yaml',
        text: `auth:\n  oidc:\n    - issuer: ${GITHUB_ACTIONS_ISSUER}\n      jwksUrl: ${url}\n      audiences: [a]\n      projects: [{ project: p, repository: o/r }]\n`,
      });
      await assertRejectsWithCode(
        () => loadConfig({}, text('http://keys.example.com/jwks')),
        'CONFIG_INVALID',
      );
      assert.equal(loadConfig({}, text('http://127.0.0.1:9999/jwks')).auth.oidc.length, 1);
    });

    it('refuses unknown settings and missing audiences, naming them', async () => {
      const unknown = await assertRejectsWithCode(
        () => loadConfig({}, { path: 'r.yaml', text: 'server:\n  prot: 1\n' }),
        'CONFIG_INVALID',
      );
      assert.match(unknown.message, /r\.yaml: server: unknown setting 'prot'/);
      const noAudience = await assertRejectsWithCode(
        () =>
          loadConfig(
            {},
            {
              path: 'r.yaml',
              text: `auth:\n  oidc:\n    - issuer: ${GITHUB_ACTIONS_ISSUER}\n      projects: []\n`,
            },
          ),
        'CONFIG_INVALID',
      );
      assert.match(noAudience.message, /audiences/);
      await assertRejectsWithCode(
        () => loadConfig({}, { path: 'r.yaml', text: 'server: [' }),
        'CONFIG_INVALID',
      );
    });
  });
});

describe('parseDuration and parseByteSize', () => {
  it('read the units the documentation names', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('12h'), 12 * 3_600_000);
    assert.equal(parseDuration('30d'), 30 * 86_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    assert.equal(parseDuration('1y'), undefined);
    assert.equal(parseDuration('-1d'), undefined);
    assert.equal(parseByteSize('X', '512kb'), 512 * 1024);
    assert.equal(parseByteSize('X', '1048576'), 1048576);
  });
});
