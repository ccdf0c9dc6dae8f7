import type { Queryable, Tx } from '../db.ts';

export interface VsaRecord {
  artifact: number;
  subjectDigest: string;
  resourceUri: string;
  bundleDigest: string;
  /** `key:<hint>` or the keyless certificate identity. */
  signer: string;
  issuedAt: Date;
  /** Where it was attached as an OCI referrer, or why it was not. */
  attachment: Record<string, unknown> | null;
}

export async function insertVsa(tx: Tx, releaseId: string, v: VsaRecord): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO release_vsas (release_id, artifact, subject_digest, resource_uri, bundle_digest, signer, issued_at, attachment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [
      releaseId,
      v.artifact,
      v.subjectDigest,
      v.resourceUri,
      v.bundleDigest,
      v.signer,
      v.issuedAt,
      v.attachment === null ? null : JSON.stringify(v.attachment),
    ],
  );
  return result.rowCount === 1;
}

export async function setVsaAttachment(
  tx: Tx,
  releaseId: string,
  artifact: number,
  attachment: Record<string, unknown>,
): Promise<void> {
  await tx.query('UPDATE release_vsas SET attachment = $3 WHERE release_id = $1 AND artifact = $2', [
    releaseId,
    artifact,
    JSON.stringify(attachment),
  ]);
}

export async function listVsas(q: Queryable, releaseId: string): Promise<VsaRecord[]> {
  const result = await q.query<{
    artifact: number;
    subject_digest: string;
    resource_uri: string;
    bundle_digest: string;
    signer: string;
    issued_at: Date;
    attachment: Record<string, unknown> | null;
  }>(
    `SELECT artifact, subject_digest, resource_uri, bundle_digest, signer, issued_at, attachment
       FROM release_vsas WHERE release_id = $1 ORDER BY artifact`,
    [releaseId],
  );
  return result.rows.map((r) => ({
    artifact: r.artifact,
    subjectDigest: r.subject_digest,
    resourceUri: r.resource_uri,
    bundleDigest: r.bundle_digest,
    signer: r.signer,
    issuedAt: r.issued_at,
    attachment: r.attachment,
  }));
}

export interface SigningKeyRecord {
  hint: string;
  publicKey: string;
  firstUsed: Date;
}

/** Records a public key VSAs are signed with (once per key). */
export async function recordSigningKey(q: Queryable, key: SigningKeyRecord): Promise<void> {
  await q.query(
    'INSERT INTO signing_keys (hint, public_key, first_used) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [key.hint, key.publicKey, key.firstUsed],
  );
}

export async function listSigningKeys(q: Queryable): Promise<SigningKeyRecord[]> {
  const result = await q.query<{ hint: string; public_key: string; first_used: Date }>(
    'SELECT hint, public_key, first_used FROM signing_keys ORDER BY first_used, hint',
  );
  return result.rows.map((r) => ({ hint: r.hint, publicKey: r.public_key, firstUsed: r.first_used }));
}
