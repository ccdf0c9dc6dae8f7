import assert from 'node:assert/strict';
import { assessPackages } from '../../src/advisories/assess.ts';
import { OsvApiClient } from '../../src/advisories/osv-api-client.ts';
import { retryAfterMs } from '../../src/advisories/osv-http-client.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { matchQuery } from '../../src/advisories/match.ts';
import { queryId } from '../../src/advisories/package-query.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { OsvTestServer } from '../support/osv-server.ts';
import { ghsa, pypaPackage } from './records.ts';

const RAY = ['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-3pww-qvr8-6mhp'];

describe('OsvApiClient', () => {
  let server: OsvTestServer;
  const sleeps: number[] = [];
  const client = (options: ConstructorParameters<typeof OsvApiClient>[0] = {}) =>
    new OsvApiClient({
      baseUrl: server.url,
      sleep: async (ms) => void sleeps.push(ms),
      timeoutMs: 2000,
      ...options,
    });

  beforeEach(async () => {
    sleeps.length = 0;
    server = await new OsvTestServer([
      ...RAY.map(ghsa),
      ...pypaPackage('aiohttp'),
      ghsa('GHSA-5h86-8mv2-jq9f'),
    ]).start();
  });
  afterEach(() => server.stop());

  describe('when querying through querybatch', () => {
    it('returns full records for each query, fetched once per id', async () => {
      const queries = [
        { ecosystems: ['PyPI'], name: 'ray', version: '2.6.3' },
        { ecosystems: ['PyPI'], name: 'ray', version: '2.7.0' },
        { ecosystems: ['PyPI'], name: 'aiohttp', version: '3.8.5' },
      ];
      const answer = await client().query(queries);
      assert.deepEqual(
        answer.records
          .get(queryId(queries[0]!))!
          .map((r) => r.id)
          .sort(),
        [...RAY].sort(),
      );
      assert.equal(matchQuery(queries[0]!, answer.records.get(queryId(queries[0]!))!).matches.length, 3);
      assert.deepEqual(answer.records.get(queryId(queries[1]!)), []);
      const gets = server.log.filter((r) => r.method === 'GET').map((r) => r.path);
      assert.equal(gets.length, new Set(gets).size, 'each record is fetched once');
      assert.deepEqual(answer.problems, []);
    });

    it('splits more than 1,000 queries into batches of at most 1,000', async () => {
      const queries = Array.from({ length: 2500 }, (_, i) => ({
        package: { ecosystem: 'PyPI', name: `pkg-${i}` },
        version: '1.0',
      }));
      const ids = await client().queryBatch(queries);
      assert.equal(ids.length, 2500);
      assert.deepEqual(
        server.log.map((r) => r.queries),
        [1000, 1000, 500],
      );
    });

    it('follows next_page_token until every page is read', async () => {
      server.pageSize = 2;
      server.claimsAll = true;
      const ids = await client().queryBatch([
        { package: { ecosystem: 'PyPI', name: 'ray' }, version: '2.6.3' },
        { package: { ecosystem: 'PyPI', name: 'aiohttp' }, version: '3.8.5' },
      ]);
      assert.deepEqual(ids[0], [...RAY].sort());
      assert.equal(ids[1]!.length, 10);
      assert.deepEqual(
        server.log.map((r) => [r.queries, r.pageTokens]),
        [
          [2, 0],
          [2, 2],
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      );
    });
  });

  describe('when the server fails', () => {
    it('retries a 500 with backoff and then succeeds', async () => {
      server.faults.push({ status: 500 });
      const ids = await client().queryBatch([
        { package: { ecosystem: 'PyPI', name: 'ray' }, version: '2.6.3' },
      ]);
      assert.equal(ids[0]!.length, 3);
      assert.equal(server.log.length, 2);
      assert.equal(sleeps.length, 1);
    });

    it('waits as long as Retry-After says on 429', async () => {
      server.faults.push({ status: 429, retryAfter: '3' });
      await client().queryBatch([{ package: { ecosystem: 'PyPI', name: 'ray' }, version: '2.6.3' }]);
      assert.deepEqual(sleeps, [3000]);
    });

    it('retries a request that times out', async () => {
      server.faults.push({ hang: true });
      const ids = await client({ timeoutMs: 300 }).queryBatch([
        { package: { ecosystem: 'PyPI', name: 'ray' }, version: '2.6.3' },
      ]);
      assert.equal(ids[0]!.length, 3);
      assert.equal(server.log.length, 2);
    });

    it('gives up with OSV_TIMEOUT when every attempt times out', async () => {
      server.faults.push({ hang: true }, { hang: true });
      await assertRejectsWithCode(
        () =>
          client({ timeoutMs: 200, maxRetries: 1 }).queryBatch([
            { package: { ecosystem: 'PyPI', name: 'ray' }, version: '1' },
          ]),
        'OSV_TIMEOUT',
      );
    });

    it('gives up with OSV_UNAVAILABLE after the retries', async () => {
      server.faults.push({ status: 503 }, { status: 503 }, { status: 503 });
      await assertRejectsWithCode(
        () =>
          client({ maxRetries: 2 }).queryBatch([
            { package: { ecosystem: 'PyPI', name: 'ray' }, version: '1' },
          ]),
        'OSV_UNAVAILABLE',
      );
      assert.equal(server.log.length, 3);
    });

    it('stops at the request budget', async () => {
      const queries = Array.from({ length: 1500 }, (_, i) => ({
        package: { ecosystem: 'PyPI', name: `p${i}` },
        version: '1',
      }));
      await assertRejectsWithCode(
        () => client({ maxRequests: 1 }).queryBatch(queries),
        'OSV_REQUEST_BUDGET_EXCEEDED',
      );
      assert.equal(server.log.length, 1);
    });

    it('reports a record that fails validation and keeps the others', async () => {
      const broken = { ...ghsa('GHSA-6cxr-8q3m-jwrr'), modified: 'last tuesday' };
      server.records.set(broken.id, broken);
      const query = { ecosystems: ['PyPI'], name: 'ray', version: '2.6.3' };
      const answer = await client().query([query]);
      assert.equal(answer.records.get(queryId(query))!.length, 2);
      assert.deepEqual(
        answer.problems.map((p) => p.code),
        ['OSV_RECORD_INVALID'],
      );
    });
  });

  describe('when the API reports a record the local matcher cannot confirm', () => {
    it('reports the disagreement instead of dropping it silently', async () => {
      server.claimsAll = true;
      const result = await assessPackages([purlToPackage('pkg:pypi/ray@2.7.0')!], client(), {
        now: new Date(),
      });
      assert.deepEqual(result.findings, []);
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.advisory]).sort(),
        RAY.map((id) => ['OSV_MATCH_UNCONFIRMED', id]).sort(),
      );
    });
  });

  describe('when reading Retry-After', () => {
    it('takes delay-seconds and HTTP dates', () => {
      const now = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
      assert.equal(retryAfterMs('120', now), 120_000);
      assert.equal(retryAfterMs('Wed, 25 Nov 2026 10:00:30 GMT', now), 30_000);
      assert.equal(retryAfterMs('Wed, 25 Nov 2026 09:00:00 GMT', now), 0);
      assert.equal(retryAfterMs('soon', now), undefined);
    });
  });

  describe('when the base URL is not an allowed host', () => {
    it('refuses before sending anything', async () => {
      await assertRejectsWithCode(
        () =>
          client({ allowedHosts: ['api.osv.dev'] }).queryBatch([
            { package: { ecosystem: 'PyPI', name: 'ray' }, version: '1' },
          ]),
        'OSV_HOST_NOT_ALLOWED',
      );
      assert.equal(server.log.length, 0);
    });
  });
});
