import type { Queryable } from '../db.ts';

export interface StoredDocument {
  digest: string;
  mediaType: string;
  sizeBytes: number;
  createdAt: Date;
}

/** Inserts unless the digest is already there; returns true when this call stored it. */
export async function insertDocument(
  q: Queryable,
  digest: string,
  mediaType: string,
  content: Uint8Array,
): Promise<boolean> {
  const result = await q.query(
    `INSERT INTO documents (digest, media_type, size_bytes, content) VALUES ($1, $2, $3, $4)
     ON CONFLICT (digest) DO NOTHING`,
    [digest, mediaType, content.byteLength, content],
  );
  return result.rowCount === 1;
}

export async function findDocument(
  q: Queryable,
  digest: string,
): Promise<(StoredDocument & { content: Buffer }) | undefined> {
  const result = await q.query<{
    digest: string;
    media_type: string;
    size_bytes: number;
    created_at: Date;
    content: Buffer;
  }>('SELECT digest, media_type, size_bytes, created_at, content FROM documents WHERE digest = $1', [digest]);
  const row = result.rows[0];
  return (
    row && {
      digest: row.digest,
      mediaType: row.media_type,
      sizeBytes: row.size_bytes,
      createdAt: row.created_at,
      content: row.content,
    }
  );
}

export async function findDocumentInfo(q: Queryable, digest: string): Promise<StoredDocument | undefined> {
  const result = await q.query<{ digest: string; media_type: string; size_bytes: number; created_at: Date }>(
    'SELECT digest, media_type, size_bytes, created_at FROM documents WHERE digest = $1',
    [digest],
  );
  const row = result.rows[0];
  return (
    row && {
      digest: row.digest,
      mediaType: row.media_type,
      sizeBytes: row.size_bytes,
      createdAt: row.created_at,
    }
  );
}
