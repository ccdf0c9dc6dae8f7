import assert from 'node:assert/strict';
import { parseInstalledFilesTxt, parseRecord } from '../../../src/sbom/python/record.ts';

describe('parseRecord', () => {
  it('reads paths of well-formed rows, including quoted ones with commas and quotes', () => {
    const record = parseRecord(
      [
        'pkg/__init__.py,sha256=abc,10',
        '"pkg/odd,name.py",sha256=def,20',
        '"pkg/say ""hi"".txt",,',
        'pkg-1.0.dist-info/RECORD,,',
        '',
      ].join('\n'),
    );
    assert.deepEqual(record.paths, [
      'pkg/__init__.py',
      'pkg/odd,name.py',
      'pkg/say "hi".txt',
      'pkg-1.0.dist-info/RECORD',
    ]);
    assert.equal(record.malformedRows, 0);
  });

  it('counts rows that do not have three columns', () => {
    const record = parseRecord('a.py,sha256=x,1\r\n<<<<<<< HEAD\r\nb.py,sha256=y,2\r\n=======\r\n');
    assert.deepEqual(record.paths, ['a.py', 'b.py']);
    assert.equal(record.malformedRows, 2);
  });
});

describe('parseInstalledFilesTxt', () => {
  it('reads one path per line', () => {
    assert.deepEqual(parseInstalledFilesTxt('../pkg/__init__.py\r\nPKG-INFO\n\n').paths, [
      '../pkg/__init__.py',
      'PKG-INFO',
    ]);
  });
});
