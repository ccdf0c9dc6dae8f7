import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { distributionCoverage } from '../../../src/attest/coverage/collect.ts';
import type { PinnedDistribution } from '../../../src/attest/coverage/collect.ts';
import { trustInstance } from '../../../src/attest/evidence/trust.ts';
import type { VerifyContext } from '../../../src/attest/evidence/verify-evidence.ts';
import { PypiClient } from '../../../src/attest/pep740/pypi-client.ts';
import type { PypiClientOptions } from '../../../src/attest/pep740/pypi-client.ts';
import { parseTrustedRoot } from '../../../src/attest/trusted-root.ts';
import { EMPTY_RULES } from '../../../src/attest/verify-policy.ts';
import { diskResponseCache } from '../../../src/shared/disk-cache-writer.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { PUBLIC_GOOD, trustedRoot } from '../fixtures.ts';
import { startPypiWorld } from '../pypi-world.ts';
import type { PypiWorld } from '../pypi-world.ts';

describe('attestation coverage and publisher drift', function () {
  this.timeout(60_000);
  let world: PypiWorld;
  let context: VerifyContext;
  before(async () => {
    world = await startPypiWorld();
    context = {
      instances: [
        trustInstance('public-good', trustedRoot(PUBLIC_GOOD)),
        trustInstance('local', parseTrustedRoot(world.mockRoot)),
      ],
      keys: [],
      identities: [],
      rules: EMPTY_RULES,
    };
  });
  after(() => world?.close());

  const client = (options: Partial<PypiClientOptions> = {}) =>
    new PypiClient({ baseUrl: world.pypi.url, http: { sleep: async () => {}, backoffMs: 1 }, ...options });
  const cover = (pinned: PinnedDistribution, source = client(), history = 3) =>
    distributionCoverage(source, pinned, context, { historyReleases: history });

  describe('when PyPI serves real attestations', () => {
    it('verifies an attested file against its sha256 and the Trusted Publisher PyPI recorded', async () => {
      const result = await cover({
        name: 'pypi-attestations',
        version: '0.0.19',
        sha256: [world.sha256['pypi_attestations-0.0.19.tar.gz']!],
      });
      assert.equal(result.status, 'verified', JSON.stringify(result.files));
      assert.deepEqual(result.publishers, [
        { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' },
      ]);
      assert.equal(result.files[0]!.evidence[0]!.signer?.instance, 'public-good');
      assert.equal(result.drift, undefined, 'no earlier release: nothing to drift from');
    });

    it('fails a file whose listed sha256 is not the attested one (a tampered index)', async () => {
      const result = await cover({ name: 'pypi-attestation-models', version: '0.0.4a2' });
      assert.equal(result.status, 'failing');
      assert.match(result.files[0]!.reason!, /^BUNDLE_SUBJECT_MISMATCH/);
    });

    it('fails an attestation signed by another publisher than the one PyPI recorded', async () => {
      const result = await cover({ name: 'gitlab-oidc-project', version: '0.0.3' });
      assert.equal(result.status, 'failing');
      assert.match(result.files[0]!.reason!, /^PEP740_PUBLISHER_MISMATCH.*evil\/gitlab-oidc-project/);
    });

    it('reports a file without provenance (404) as not attested', async () => {
      const result = await cover({ name: 'requests', version: '2.32.3' });
      assert.equal(result.status, 'unattested');
      assert.ok(world.pypi.requests.some((r) => r.endsWith('/requests-2.32.3.tar.gz/provenance')));
    });

    it('only checks the files the lock pins, and says so when PyPI serves none of them', async () => {
      const result = await cover({ name: 'pypi-attestations', version: '0.0.19', sha256: ['0'.repeat(64)] });
      assert.equal(result.status, 'not-checked');
      assert.match(result.reason!, /none of the pinned hashes/);
    });
  });

  describe('when earlier releases were published by a Trusted Publisher', () => {
    it('flags an unattested release after attested ones', async () => {
      const result = await cover({ name: 'acme-lib', version: '1.2' });
      assert.equal(result.status, 'unattested');
      assert.ok(typeof result.drift === 'object');
      assert.equal(result.drift.kind, 'unattested-after-attested');
      assert.equal(result.drift.earlier.version, '1.1');
      assert.match(result.drift.message, /acme\/lib release\.yml/);
    });

    it('flags a release attested by another repository, and by another workflow', async () => {
      const tool = await cover({ name: 'acme-tool', version: '2.1' });
      assert.equal(tool.status, 'verified', 'the attestation itself is valid: evil/tool signed it');
      assert.ok(typeof tool.drift === 'object');
      assert.equal(tool.drift.kind, 'publisher-changed');
      assert.deepEqual(tool.drift.current, {
        kind: 'GitHub',
        repository: 'evil/tool',
        workflow: 'release.yml',
      });
      const flow = await cover({ name: 'acme-flow', version: '4.1' });
      assert.ok(typeof flow.drift === 'object');
      assert.equal(flow.drift.kind, 'publisher-changed');
      assert.match(flow.drift.message, /nightly\.yml.*release\.yml/);
    });

    it('finds no drift when the same publisher published every release', async () => {
      const result = await cover({ name: 'acme-core', version: '3.1' });
      assert.equal(result.status, 'verified');
      assert.equal(result.drift, undefined);
      assert.ok(world.pypi.requests.includes('GET /integrity/acme-core/3.0/acme_core-3.0.tar.gz/provenance'));
    });

    it('does not look at history when told not to (--history 0)', async () => {
      const result = await cover({ name: 'acme-lib', version: '1.2' }, client(), 0);
      assert.equal(result.drift, undefined);
    });
  });

  describe('when answers are cached', () => {
    it('makes no request on a second run, and asks again once the cache has expired', async () => {
      const dir = await makeTempDir('raygate-pypi-cache-');
      try {
        let now = Date.now();
        const cache = diskResponseCache(dir.dir, () => now);
        const pinned = { name: 'acme-core', version: '3.1' };
        const first = await cover(pinned, client({ cache, cacheTtlMs: 60_000 }));
        const asked = world.pypi.requests.length;
        const second = await cover(pinned, client({ cache, cacheTtlMs: 60_000 }));
        assert.equal(world.pypi.requests.length, asked, 'the second run is answered from the cache');
        assert.deepEqual(second, first);
        now += 61_000;
        await cover(pinned, client({ cache, cacheTtlMs: 60_000 }));
        assert.ok(world.pypi.requests.length >= asked + 4, 'an expired cache is refetched');
        // The disk cache also expires by file age, as a later process sees it.
        const files = await readdir(dir.dir);
        const old = new Date(Date.now() - 3600_000);
        for (const f of files) await utimes(path.join(dir.dir, f), old, old);
        const before = world.pypi.requests.length;
        await cover(pinned, client({ cache: diskResponseCache(dir.dir), cacheTtlMs: 60_000 }));
        assert.ok(world.pypi.requests.length > before);
      } finally {
        await dir.cleanup();
      }
    });
  });

  describe('when PyPI misbehaves', () => {
    afterEach(() => {
      delete world.pypi.fault;
    });

    it('waits as Retry-After says after a 429 and then verifies', async () => {
      let limited = 0;
      world.pypi.fault = (req, res) => {
        if (!req.url?.startsWith('/integrity/') || limited > 0) return false;
        limited++;
        res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
        res.end('{"message":"Too Many Requests"}');
        return true;
      };
      const slept: number[] = [];
      const result = await distributionCoverage(
        new PypiClient({ baseUrl: world.pypi.url, http: { sleep: async (ms) => void slept.push(ms) } }),
        { name: 'pypi-attestations', version: '0.0.19' },
        context,
        { historyReleases: 0 },
      );
      assert.equal(result.status, 'verified');
      assert.deepEqual(slept, [2000]);
    });

    it('reports an unknown release (404) as not checked, never as clean', async () => {
      const result = await cover({ name: 'no-such-project', version: '1.0' });
      assert.equal(result.status, 'not-checked');
      assert.match(result.reason!, /PyPI has no release no-such-project 1\.0/);
    });

    it('reports a timeout as not checked, and history it cannot read as drift not checked', async () => {
      world.pypi.fault = (req) => req.url?.startsWith('/pypi/acme-lib/1.2/') ?? false;
      const hung = await cover(
        { name: 'acme-lib', version: '1.2' },
        client({ http: { timeoutMs: 150, maxRetries: 1, sleep: async () => {} } }),
      );
      assert.equal(hung.status, 'not-checked');
      assert.match(hung.reason!, /no answer within 150 ms/);
      world.pypi.fault = (req) => req.url === '/pypi/acme-lib/json';
      const noHistory = await cover(
        { name: 'acme-lib', version: '1.2' },
        client({ http: { timeoutMs: 150, maxRetries: 0, sleep: async () => {} } }),
      );
      assert.equal(noHistory.status, 'unattested');
      assert.equal(noHistory.drift, 'not-checked');
      await assertRejectsWithCode(
        () => client({ http: { timeoutMs: 150, maxRetries: 0 } }).releases('acme-lib'),
        'PYPI_TIMEOUT',
      );
    });

    it('reports everything as not checked when offline (no PyPI client)', async () => {
      const result = await distributionCoverage(
        undefined,
        { name: 'pypi-attestations', version: '0.0.19' },
        context,
        { historyReleases: 3 },
      );
      assert.equal(result.status, 'not-checked');
      assert.equal(result.drift, 'not-checked');
      assert.match(result.reason!, /offline/);
    });
  });
});
