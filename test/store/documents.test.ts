import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { getDocument, MAX_DOCUMENT_BYTES, putDocument } from '../../src/store/documents.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { describeEachBackend } from '../support/test-db.ts';

describeEachBackend('documents', (current) => {
  describe('when the same bytes are stored twice', () => {
    it('keeps one copy named by its sha256 and says the second was not new', async () => {
      const { db } = current();
      const sbom = Buffer.from(
        JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }),
      );
      const first = await putDocument(db, 'application/vnd.cyclonedx+json', sbom);
      const second = await putDocument(db, 'application/vnd.cyclonedx+json', sbom);
      const expected = `sha256:${createHash('sha256').update(sbom).digest('hex')}`;
      assert.equal(first.digest, expected);
      assert.equal(first.created, true);
      assert.equal(second.digest, expected);
      assert.equal(second.created, false);
      assert.equal(first.sizeBytes, sbom.length);
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM documents WHERE digest = $1',
        [expected],
      );
      assert.equal(rows[0]!.n, 1);
      const read = await getDocument(db, expected);
      assert.ok(read.content.equals(sbom));
      assert.equal(read.mediaType, 'application/vnd.cyclonedx+json');
    });

    it('stores binary content byte for byte inside a transaction', async () => {
      const { db } = current();
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const stored = await db.transaction((tx) => putDocument(tx, 'application/octet-stream', bytes));
      assert.ok((await getDocument(db, stored.digest)).content.equals(bytes));
    });
  });

  describe('when input is wrong', () => {
    it('reports a missing or malformed digest as DOCUMENT_NOT_FOUND', async () => {
      await assertRejectsWithCode(
        () => getDocument(current().db, `sha256:${'a'.repeat(64)}`),
        'DOCUMENT_NOT_FOUND',
      );
      await assertRejectsWithCode(
        () => getDocument(current().db, "sha256:' OR 1=1 --"),
        'DOCUMENT_NOT_FOUND',
      );
    });

    it('refuses a bad media type and an oversized document before touching the database', async () => {
      await assertRejectsWithCode(
        () => putDocument(current().db, 'not a type', Buffer.from('x')),
        'MEDIA_TYPE_INVALID',
      );
      const huge = { byteLength: MAX_DOCUMENT_BYTES + 1 } as Uint8Array;
      await assertRejectsWithCode(
        () => putDocument(current().db, 'application/json', huge),
        'DOCUMENT_TOO_LARGE',
      );
    });
  });
});
