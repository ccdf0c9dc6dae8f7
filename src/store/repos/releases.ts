import type { Queryable, Tx } from '../db.ts';

export type ReleaseState = 'pending' | 'evaluating' | 'awaiting_approval' | 'approved' | 'rejected';
export type VsaState = 'none' | 'pending' | 'issued' | 'failed';
export type ArtifactKind = 'image' | 'wheel' | 'sdist' | 'file';
export type DocumentRole = 'sbom' | 'bundle' | 'lock-file' | 'manifest';

export interface ReleaseRecord {
  id: string;
  project: string;
  version: string;
  git: { repository?: string; ref?: string; commit?: string };
  policyName: string;
  /** Digest of the policy document as submitted (stored in `documents`). */
  policyDocument: string;
  state: ReleaseState;
  /** The actor that submitted it (`token:<id>`, `oidc:<issuer>#<sub>`). */
  submittedBy: string;
  /** What the credential said about the submitter (token name, OIDC repository and workflow). */
  submitter: Record<string, unknown>;
  submittedAt: Date;
  updatedAt: Date;
  submissionDigest: string;
  evidenceRound: number;
  expectedParts: number;
  decisionId: number | null;
  vsaState: VsaState;
}

export interface ArtifactRecord {
  n: number;
  kind: ArtifactKind;
  name: string;
  digest: string;
  reference: string | null;
  sbomDigest: string | null;
}

export interface ReleaseDocumentRecord {
  n: number;
  role: DocumentRole;
  artifact: number | null;
  name: string;
  digest: string;
}

interface ReleaseRow {
  id: string;
  project: string;
  version: string;
  git_repository: string | null;
  git_ref: string | null;
  git_commit: string | null;
  policy_name: string;
  policy_document: string;
  state: ReleaseState;
  submitted_by: string;
  submitter: Record<string, unknown>;
  submitted_at: Date;
  updated_at: Date;
  submission_digest: string;
  evidence_round: number;
  expected_parts: number;
  decision_id: number | null;
  vsa_state: VsaState;
}

const COLUMNS = `id, project, version, git_repository, git_ref, git_commit, policy_name, policy_document, state, submitted_by,
  submitter, submitted_at, updated_at, submission_digest, evidence_round, expected_parts, decision_id, vsa_state`;

export async function insertRelease(tx: Tx, r: ReleaseRecord): Promise<void> {
  await tx.query(
    `INSERT INTO releases (${COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      r.id,
      r.project,
      r.version,
      r.git.repository ?? null,
      r.git.ref ?? null,
      r.git.commit ?? null,
      r.policyName,
      r.policyDocument,
      r.state,
      r.submittedBy,
      JSON.stringify(r.submitter),
      r.submittedAt,
      r.updatedAt,
      r.submissionDigest,
      r.evidenceRound,
      r.expectedParts,
      r.decisionId,
      r.vsaState,
    ],
  );
}

/** The release, optionally locked for the caller's transaction (every change to a release locks it first). */
export async function findRelease(
  q: Queryable,
  id: string,
  forUpdate = false,
): Promise<ReleaseRecord | undefined> {
  const result = await q.query<ReleaseRow>(
    `SELECT ${COLUMNS} FROM releases WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0] && toRelease(result.rows[0]);
}

/** A live (not rejected) release with this submission digest, if any. */
export async function findReleaseBySubmission(
  q: Queryable,
  project: string,
  submissionDigest: string,
): Promise<ReleaseRecord | undefined> {
  const result = await q.query<ReleaseRow>(
    `SELECT ${COLUMNS} FROM releases WHERE project = $1 AND submission_digest = $2 AND state <> 'rejected'`,
    [project, submissionDigest],
  );
  return result.rows[0] && toRelease(result.rows[0]);
}

export interface ReleaseFilter {
  /** Only these projects (a scoped credential); undefined: every project. */
  projects?: readonly string[];
  project?: string;
  state?: ReleaseState;
  /** Keyset pagination: releases submitted before this (submittedAt, id). */
  before?: { submittedAt: Date; id: string };
  limit: number;
}

/** Newest first. */
export async function listReleases(q: Queryable, filter: ReleaseFilter): Promise<ReleaseRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.projects) add('project = ANY(?::text[])', filter.projects);
  if (filter.project !== undefined) add('project = ?', filter.project);
  if (filter.state !== undefined) add('state = ?', filter.state);
  if (filter.before) {
    params.push(filter.before.submittedAt, filter.before.id);
    where.push(`(submitted_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(filter.limit);
  const result = await q.query<ReleaseRow>(
    `SELECT ${COLUMNS} FROM releases ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY submitted_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(toRelease);
}

/** Ids of releases in `state`, oldest first (the re-evaluation job walks them). */
export async function listReleaseIdsInState(
  q: Queryable,
  state: ReleaseState,
  limit: number,
): Promise<string[]> {
  const result = await q.query<{ id: string }>(
    'SELECT id FROM releases WHERE state = $1 ORDER BY submitted_at, id LIMIT $2',
    [state, limit],
  );
  return result.rows.map((r) => r.id);
}

export async function updateReleaseState(tx: Tx, id: string, state: ReleaseState, at: Date): Promise<void> {
  await tx.query('UPDATE releases SET state = $2, updated_at = $3 WHERE id = $1', [id, state, at]);
}

export async function setReleaseDecision(tx: Tx, id: string, decisionId: number, at: Date): Promise<void> {
  await tx.query('UPDATE releases SET decision_id = $2, updated_at = $3 WHERE id = $1', [id, decisionId, at]);
}

export async function setReleaseVsaState(tx: Tx, id: string, vsaState: VsaState, at: Date): Promise<void> {
  await tx.query('UPDATE releases SET vsa_state = $2, updated_at = $3 WHERE id = $1', [id, vsaState, at]);
}

/** Starts a new evidence round (the parts are collected again); returns its number. */
export async function startEvidenceRound(tx: Tx, id: string, at: Date): Promise<number> {
  const result = await tx.query<{ evidence_round: number }>(
    'UPDATE releases SET evidence_round = evidence_round + 1, updated_at = $2 WHERE id = $1 RETURNING evidence_round',
    [id, at],
  );
  return result.rows[0]!.evidence_round;
}

export async function insertArtifacts(
  tx: Tx,
  releaseId: string,
  artifacts: readonly ArtifactRecord[],
): Promise<void> {
  for (const a of artifacts) {
    await tx.query(
      `INSERT INTO release_artifacts (release_id, n, kind, name, digest, reference, sbom_digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [releaseId, a.n, a.kind, a.name, a.digest, a.reference, a.sbomDigest],
    );
  }
}

export async function listArtifacts(q: Queryable, releaseId: string): Promise<ArtifactRecord[]> {
  const result = await q.query<{
    n: number;
    kind: ArtifactKind;
    name: string;
    digest: string;
    reference: string | null;
    sbom_digest: string | null;
  }>(
    'SELECT n, kind, name, digest, reference, sbom_digest FROM release_artifacts WHERE release_id = $1 ORDER BY n',
    [releaseId],
  );
  return result.rows.map((r) => ({
    n: r.n,
    kind: r.kind,
    name: r.name,
    digest: r.digest,
    reference: r.reference,
    sbomDigest: r.sbom_digest,
  }));
}

export async function setArtifactSbom(tx: Tx, releaseId: string, n: number, digest: string): Promise<void> {
  await tx.query('UPDATE release_artifacts SET sbom_digest = $3 WHERE release_id = $1 AND n = $2', [
    releaseId,
    n,
    digest,
  ]);
}

export async function insertReleaseDocuments(
  tx: Tx,
  releaseId: string,
  documents: readonly ReleaseDocumentRecord[],
): Promise<void> {
  for (const d of documents) {
    await tx.query(
      `INSERT INTO release_documents (release_id, n, role, artifact, name, digest) VALUES ($1, $2, $3, $4, $5, $6)`,
      [releaseId, d.n, d.role, d.artifact, d.name, d.digest],
    );
  }
}

export async function listReleaseDocuments(
  q: Queryable,
  releaseId: string,
): Promise<ReleaseDocumentRecord[]> {
  const result = await q.query<{
    n: number;
    role: DocumentRole;
    artifact: number | null;
    name: string;
    digest: string;
  }>('SELECT n, role, artifact, name, digest FROM release_documents WHERE release_id = $1 ORDER BY n', [
    releaseId,
  ]);
  return result.rows;
}

function toRelease(row: ReleaseRow): ReleaseRecord {
  return {
    id: row.id,
    project: row.project,
    version: row.version,
    git: {
      ...(row.git_repository !== null ? { repository: row.git_repository } : {}),
      ...(row.git_ref !== null ? { ref: row.git_ref } : {}),
      ...(row.git_commit !== null ? { commit: row.git_commit } : {}),
    },
    policyName: row.policy_name,
    policyDocument: row.policy_document,
    state: row.state,
    submittedBy: row.submitted_by,
    submitter: row.submitter,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
    submissionDigest: row.submission_digest,
    evidenceRound: row.evidence_round,
    expectedParts: row.expected_parts,
    decisionId: row.decision_id,
    vsaState: row.vsa_state,
  };
}
