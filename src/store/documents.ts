import { sha256Ref } from '../shared/digest.ts';
import { RaygateError } from '../shared/errors.ts';
import type { Queryable } from './db.ts';
import { findDocument, findDocumentInfo, insertDocument, type StoredDocument } from './repos/documents.ts';

export type { StoredDocument };

/** The largest single document kept (an SBOM of a big image is a few MB; bundles are KB). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9_.+-]+=[A-Za-z0-9_.+-]+)*$/i;

/**
 * Stores `content` once under `sha256:<hex>` of its bytes and returns that digest. Storing the same bytes
 * again (another release with the same SBOM) costs one index lookup and no space. Pass a transaction to
 * store it atomically with the record that refers to it.
 */
export async function putDocument(
  q: Queryable,
  mediaType: string,
  content: Uint8Array,
): Promise<StoredDocument & { created: boolean }> {
  if (content.byteLength > MAX_DOCUMENT_BYTES) {
    throw new RaygateError(
      'DOCUMENT_TOO_LARGE',
      'limit',
      `Documents are limited to ${MAX_DOCUMENT_BYTES} bytes.`,
    );
  }
  if (!MEDIA_TYPE.test(mediaType))
    throw new RaygateError('MEDIA_TYPE_INVALID', 'usage', `'${mediaType}' is not a media type.`);
  const digest = sha256Ref(content);
  const created = await insertDocument(q, digest, mediaType, content);
  const info = await findDocumentInfo(q, digest);
  if (!info) throw new Error(`document ${digest} vanished after insert`);
  return { ...info, created };
}

/** The document's bytes and metadata, or DOCUMENT_NOT_FOUND. */
export async function getDocument(
  q: Queryable,
  digest: string,
): Promise<StoredDocument & { content: Buffer }> {
  const found = /^sha256:[0-9a-f]{64}$/.test(digest) ? await findDocument(q, digest) : undefined;
  if (!found) throw new RaygateError('DOCUMENT_NOT_FOUND', 'not-found', `No document ${digest}.`);
  return found;
}
