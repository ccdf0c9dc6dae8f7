import assert from 'node:assert/strict';
import { ReleaseDetailCache } from '../../src/api/release-detail-cache.ts';
import { DataVersion } from '../../src/store/data-version.ts';
import { describeEachBackend } from '../support/test-db.ts';

describeEachBackend('ReleaseDetailCache', (current) => {
  let loads: number;
  let cache: ReleaseDetailCache;
  before(() => current().db.exec('CREATE TABLE detail_probe (n integer)'));
  beforeEach(() => {
    loads = 0;
    cache = new ReleaseDetailCache(new DataVersion(current().db));
  });

  const load = (state: string) => async () => {
    loads++;
    return { project: 'demo', detail: { id: 'rel_1', state } };
  };

  describe('when nothing was committed since', () => {
    it('answers from memory, as JSON text with the project for the access check', async () => {
      const first = await cache.get('rel_1', load('evaluating'));
      const again = await cache.get('rel_1', load('approved'));
      assert.equal(loads, 1);
      assert.deepEqual(again, first);
      assert.deepEqual(JSON.parse(again.json), { id: 'rel_1', state: 'evaluating' });
      assert.equal(again.project, 'demo');
    });
  });

  describe('when something was committed', () => {
    it('computes the answer again', async () => {
      await cache.get('rel_1', load('evaluating'));
      await current().db.query('INSERT INTO detail_probe VALUES (1)');
      const fresh = await cache.get('rel_1', load('approved'));
      assert.equal(loads, 2);
      assert.equal((JSON.parse(fresh.json) as { state: string }).state, 'approved');
    });
  });

  describe('when loading fails (no such release, not visible)', () => {
    it('remembers nothing', async () => {
      const failing = async () => {
        loads++;
        throw new Error('not found');
      };
      await assert.rejects(cache.get('rel_2', failing), /not found/);
      await assert.rejects(cache.get('rel_2', failing), /not found/);
      assert.equal(loads, 2);
    });
  });
});
