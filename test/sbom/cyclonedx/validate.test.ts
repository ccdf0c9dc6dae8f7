import assert from 'node:assert/strict';
import { serializeBom } from '../../../src/sbom/cyclonedx/serialize.ts';
import { toBom } from '../../../src/sbom/cyclonedx/to-bom.ts';
import { validateBom } from '../../../src/sbom/cyclonedx/validate.ts';
import { containerImage } from './scan-results.ts';

describe('validateBom', function () {
  this.timeout(30_000);
  const text = (format: 'json' | 'xml') =>
    serializeBom(toBom(containerImage(), { tool: { name: 'raygate', version: '1' } }).bom, format);

  it('accepts what raygate writes', async () => {
    assert.deepEqual(await validateBom(text('json'), 'json'), []);
    assert.deepEqual(await validateBom(text('xml'), 'xml'), []);
  });

  describe('when the document breaks the schema', () => {
    it('names the JSON field that is wrong', async () => {
      const broken = text('json').replace('"alg": "SHA-256"', '"alg": "SHA-257"');
      const errors = await validateBom(broken, 'json');
      assert.ok(
        errors.some((e) => e.startsWith('/metadata/component/hashes/0/alg: ')),
        errors.join('\n'),
      );
    });

    it('rejects fields the JSON schema does not know', async () => {
      const broken = text('json').replace('"bomFormat"', '"flavour": "x",\n  "bomFormat"');
      assert.deepEqual(await validateBom(broken, 'json'), [
        '/: must NOT have additional properties {"additionalProperty":"flavour"}',
      ]);
    });

    it('names the XML line that is wrong', async () => {
      const broken = text('xml').replace('<hash alg="SHA-256">', '<hash alg="SHA-257">');
      const errors = await validateBom(broken, 'xml');
      assert.ok(errors.length > 0 && errors.every((e) => /^line \d+: /.test(e)), errors.join('\n'));
    });

    it('reports XML that is not well-formed', async () => {
      const errors = await validateBom(text('xml').replace('</bom>', ''), 'xml');
      assert.equal(errors.length, 1);
      assert.match(errors[0]!, /^not well-formed: /);
    });
  });
});
