import assert from 'node:assert/strict';
import { pep440Order } from '../../../src/advisories/versions/pep440.ts';
import { readOrderTable, sign } from './order-table.ts';

describe('PEP 440 version ordering', () => {
  describe('when compared with the table PyPA packaging generated', () => {
    it('agrees on every pair', () => {
      const table = readOrderTable('pep440.generated.txt');
      assert.ok(table.length > 1600);
      const wrong = table.filter((c) => sign(pep440Order.compare(c.a, c.b)) !== c.op);
      assert.deepEqual(wrong, []);
    });

    it('gives equal versions, and only those, the same equality key', () => {
      const table = readOrderTable('pep440.generated.txt');
      const wrong = table.filter(
        (c) => (pep440Order.equalityKey!(c.a) === pep440Order.equalityKey!(c.b)) !== (c.op === '='),
      );
      assert.deepEqual(wrong, []);
    });
  });

  describe('when a version carries a local label', () => {
    it('matches as its public version, kept exactly as written otherwise', () => {
      assert.equal(pep440Order.forMatching('2.7.1+cu128'), '2.7.1');
      assert.equal(pep440Order.forMatching('1.0+abc.10'), '1.0');
      assert.equal(pep440Order.forMatching('2.7.1'), '2.7.1');
      assert.equal(pep440Order.forMatching('1!2.0rc1.post2.dev3+x'), '1!2.0rc1.post2.dev3');
    });
  });

  describe('when a version is not PEP 440', () => {
    it('is reported invalid rather than ordered', () => {
      for (const bad of ['', 'latest', '1.0+', 'dev', '1..0'])
        assert.equal(pep440Order.isValid(bad), false, bad);
      assert.equal(pep440Order.isValid('2015.04.28'), true);
    });
  });
});
