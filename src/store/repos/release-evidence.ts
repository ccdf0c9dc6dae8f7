import type { Queryable, Tx } from '../db.ts';

export interface EvidencePart {
  part: string;
  content: unknown;
}

/** Stores one job's part of a round; false when the part was already stored (a repeated job). */
export async function insertEvidencePart(
  tx: Tx,
  releaseId: string,
  round: number,
  part: EvidencePart,
  at: Date,
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO release_evidence_parts (release_id, round, part, content, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [releaseId, round, part.part, JSON.stringify(part.content), at],
  );
  return result.rowCount === 1;
}

/** Replaces a stored part (re-assessment against newer advisories). */
export async function replaceEvidencePart(
  tx: Tx,
  releaseId: string,
  round: number,
  part: EvidencePart,
): Promise<void> {
  await tx.query(
    'UPDATE release_evidence_parts SET content = $4 WHERE release_id = $1 AND round = $2 AND part = $3',
    [releaseId, round, part.part, JSON.stringify(part.content)],
  );
}

export async function countEvidenceParts(q: Queryable, releaseId: string, round: number): Promise<number> {
  const result = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM release_evidence_parts WHERE release_id = $1 AND round = $2',
    [releaseId, round],
  );
  return result.rows[0]?.n ?? 0;
}

export async function listEvidenceParts(
  q: Queryable,
  releaseId: string,
  round: number,
): Promise<EvidencePart[]> {
  const result = await q.query<{ part: string; content: unknown }>(
    'SELECT part, content FROM release_evidence_parts WHERE release_id = $1 AND round = $2 ORDER BY part',
    [releaseId, round],
  );
  return result.rows;
}

export interface DecisionRecord {
  id: number;
  releaseId: string;
  verdict: 'allow' | 'deny' | 'needs-approval';
  /** What caused it: `evidence`, `approval`, `re-evaluation`. */
  trigger: string;
  summary: string;
  decisionDigest: string;
  evidenceDigest: string;
  policyName: string;
  policyDigest: string;
  advisoriesDigest: string | null;
  trustedRootDigest: string | null;
  evidenceSummary: Record<string, unknown>;
  evaluatedAt: Date;
}

interface DecisionRow {
  id: number;
  release_id: string;
  verdict: DecisionRecord['verdict'];
  trigger: string;
  summary: string;
  decision_digest: string;
  evidence_digest: string;
  policy_name: string;
  policy_digest: string;
  advisories_digest: string | null;
  trusted_root_digest: string | null;
  evidence_summary: Record<string, unknown>;
  evaluated_at: Date;
}

const DECISION_COLUMNS = `id, release_id, verdict, trigger, summary, decision_digest, evidence_digest, policy_name,
  policy_digest, advisories_digest, trusted_root_digest, evidence_summary, evaluated_at`;

export async function insertDecision(tx: Tx, d: Omit<DecisionRecord, 'id'>): Promise<number> {
  const result = await tx.query<{ id: number }>(
    `INSERT INTO release_decisions (release_id, verdict, trigger, summary, decision_digest, evidence_digest,
       policy_name, policy_digest, advisories_digest, trusted_root_digest, evidence_summary, evaluated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      d.releaseId,
      d.verdict,
      d.trigger,
      d.summary,
      d.decisionDigest,
      d.evidenceDigest,
      d.policyName,
      d.policyDigest,
      d.advisoriesDigest,
      d.trustedRootDigest,
      JSON.stringify(d.evidenceSummary),
      d.evaluatedAt,
    ],
  );
  return result.rows[0]!.id;
}

export async function findDecision(q: Queryable, id: number): Promise<DecisionRecord | undefined> {
  const result = await q.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM release_decisions WHERE id = $1`,
    [id],
  );
  return result.rows[0] && toDecision(result.rows[0]);
}

/** Every decision made about a release, oldest first. */
export async function listDecisions(q: Queryable, releaseId: string): Promise<DecisionRecord[]> {
  const result = await q.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM release_decisions WHERE release_id = $1 ORDER BY id`,
    [releaseId],
  );
  return result.rows.map(toDecision);
}

function toDecision(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    releaseId: r.release_id,
    verdict: r.verdict,
    trigger: r.trigger,
    summary: r.summary,
    decisionDigest: r.decision_digest,
    evidenceDigest: r.evidence_digest,
    policyName: r.policy_name,
    policyDigest: r.policy_digest,
    advisoriesDigest: r.advisories_digest,
    trustedRootDigest: r.trusted_root_digest,
    evidenceSummary: r.evidence_summary,
    evaluatedAt: r.evaluated_at,
  };
}
