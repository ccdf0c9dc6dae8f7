import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/store/canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text whatever order keys were built in (as jsonb reorders them)', () => {
    assert.equal(canonicalJson({ role: 'admin', name: 'n' }), canonicalJson({ name: 'n', role: 'admin' }));
  });

  it('sorts by UTF-16 code units, as RFC 8785 does', () => {
    assert.equal(canonicalJson({ é: 1, z: 2, A: 3 }), '{"A":3,"z":2,"é":1}');
  });

  it('writes numbers and strings as ECMAScript does, and dates as ISO strings', () => {
    assert.equal(canonicalJson([1e21, 0.1, -0, 'q"\n']), '[1e+21,0.1,0,"q\\"\\n"]');
    assert.equal(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  });

  it('refuses values JSON cannot hold', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), TypeError);
    assert.throws(() => canonicalJson({ f: () => 1 }), TypeError);
    assert.throws(() => canonicalJson({ b: 1n }), TypeError);
  });
});
