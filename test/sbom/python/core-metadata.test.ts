import assert from 'node:assert/strict';
import { metadataField, metadataFields, parseCoreMetadata } from '../../../src/sbom/python/core-metadata.ts';

describe('parseCoreMetadata', () => {
  describe('when the metadata is well formed', () => {
    const text = [
      'Metadata-Version: 2.4',
      'Name: Example_Pkg',
      'Version: 1.0',
      'License: First line',
      '        second line',
      'Classifier: A',
      'Classifier: B',
      'requires-dist: six',
      '',
      'Description body',
      'Name: not-a-field',
    ].join('\r\n');
    const md = parseCoreMetadata(text);

    it('reads field names case-insensitively and values trimmed', () => {
      assert.equal(metadataField(md, 'name'), 'Example_Pkg');
      assert.deepEqual(metadataFields(md, 'Requires-Dist'), ['six']);
    });
    it('joins continuation lines', () => {
      assert.equal(metadataField(md, 'License'), 'First line\nsecond line');
    });
    it('keeps every value of a multiple-use field in order', () => {
      assert.deepEqual(metadataFields(md, 'Classifier'), ['A', 'B']);
    });
    it('stops at the blank line: the body is the description, not fields', () => {
      assert.deepEqual(md.fields.get('name'), ['Example_Pkg']);
      assert.equal(md.strayLine, undefined);
    });
  });

  describe('when a line is neither a field nor a continuation', () => {
    it('ends the fields there, as Python does, and says where', () => {
      const md = parseCoreMetadata('Name: a\nVersion: 1\nKeywords: x\ncrypt md5\nClassifier: C\n');
      assert.equal(md.strayLine, 4);
      assert.deepEqual(metadataFields(md, 'Classifier'), []);
      assert.equal(metadataField(md, 'Version'), '1');
    });
  });

  describe('when a single-use field repeats', () => {
    it('uses the first value', () => {
      assert.equal(metadataField(parseCoreMetadata('Version: 1\nVersion: 2\n'), 'Version'), '1');
    });
  });
});
