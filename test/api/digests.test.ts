import assert from 'node:assert/strict';
import { compareSnapshots, SNAPSHOT_SCHEMA, type DigestSnapshot } from '../../src/advisories/digest/index.ts';
import { putDocument } from '../../src/store/documents.ts';
import { insertDelivery, insertDigest } from '../../src/store/repos/digests.ts';
import { ghsa } from '../advisories/records.ts';
import { observe } from '../advisories/digest/support.ts';
import { call, errorCode, startTestApi, type TestApi } from './support.ts';

async function recordDigest(api: TestApi, project: string, previousId: number): Promise<number> {
  const release = {
    key: `rel_${project}`,
    label: `${project} 1.0.0`,
    artifact: { name: project },
    purls: ['pkg:pypi/urllib3@2.2.1'],
  };
  const before = (await observe([release], [], '2024-06-01T00:00:00Z')).snapshot;
  const after = await observe([release], [ghsa('GHSA-34jh-p97f-mpxf')], '2024-06-20T00:00:00Z');
  const snapshot: DigestSnapshot = { ...after.snapshot, schema: SNAPSHOT_SCHEMA, scope: project };
  const digest = compareSnapshots({ ...before, scope: project }, snapshot, {
    generatedAt: new Date('2024-06-20T00:00:00Z'),
  });
  return api.testDb.db.transaction(async (tx) => {
    const stored = await putDocument(tx, 'application/json', Buffer.from(JSON.stringify(snapshot)));
    const id = await insertDigest(tx, {
      project,
      previousId,
      document: digest,
      empty: false,
      snapshotDigest: stored.digest,
    });
    await insertDelivery(tx, { digestId: id, destination: 'chat', kind: 'slack', idempotencyKey: `k:${id}` });
    return id;
  });
}

describe('digest routes', function () {
  this.timeout(60_000);
  let api: TestApi;
  let ray: number;
  let serve: number;
  before(async () => {
    api = await startTestApi();
    ray = await recordDigest(api, 'ray-images', 0);
    serve = await recordDigest(api, 'serve', 0);
  });
  after(() => api.close());

  it('lists the digests of the projects a viewer covers, newest first, with their deliveries', async () => {
    const { token } = await api.issue('viewer', ['ray-images']);
    const answer = await call(api.url, 'GET', '/api/v1/digests', { token });
    assert.equal(answer.status, 200, answer.text);
    const digests = answer.body.digests as {
      id: number;
      project: string;
      summary: { new: number };
      deliveries: { state: string }[];
    }[];
    assert.deepEqual(
      digests.map((d) => [d.id, d.project, d.summary.new, d.deliveries.map((x) => x.state)]),
      [[ray, 'ray-images', 1, ['pending']]],
    );
    const all = await call(api.url, 'GET', '/api/v1/digests?limit=1', {
      token: (await api.issue('viewer')).token,
    });
    assert.deepEqual(
      (all.body.digests as { id: number }[]).map((d) => d.id),
      [serve],
    );
    const next = await call(api.url, 'GET', `/api/v1/digests?limit=1&cursor=${String(all.body.next)}`, {
      token: (await api.issue('viewer')).token,
    });
    assert.deepEqual(
      (next.body.digests as { id: number }[]).map((d) => d.id),
      [ray],
    );
  });

  it("reads one digest as JSON or Markdown; another project's is not found; anonymous is refused", async () => {
    const { token } = await api.issue('viewer', ['ray-images']);
    const one = await call(api.url, 'GET', `/api/v1/digests/${ray}`, { token });
    assert.equal(one.status, 200, one.text);
    assert.equal((one.body.document as { entries: { id: string }[] }).entries[0]!.id, 'CVE-2024-37891');
    const markdown = await call(api.url, 'GET', `/api/v1/digests/${ray}?format=markdown`, { token });
    assert.match(markdown.headers.get('content-type') ?? '', /^text\/markdown/);
    assert.match(markdown.text, /^## raygate advisory digest for ray-images: 1 new advisory/);
    const hidden = await call(api.url, 'GET', `/api/v1/digests/${serve}`, { token });
    assert.equal(hidden.status, 404);
    assert.equal(errorCode(hidden), 'DIGEST_NOT_FOUND');
    assert.equal((await call(api.url, 'GET', `/api/v1/digests/${ray}`)).status, 401);
    const forbidden = await call(api.url, 'GET', '/api/v1/digests?project=serve', { token });
    assert.equal(forbidden.status, 403);
  });
});
