import type { Decision } from '../policy/decision.ts';
import type { Db } from '../store/db.ts';
import { getDocument } from '../store/documents.ts';
import { findDecision, listDecisions, type DecisionRecord } from '../store/repos/release-evidence.ts';
import { listReviews } from '../store/repos/release-reviews.ts';
import { listVsas } from '../store/repos/release-vsas.ts';
import { listArtifacts, listReleaseDocuments, type ReleaseRecord } from '../store/repos/releases.ts';

/** A release as listings show it: identity, state and the current verdict. */
export function releaseSummary(
  release: ReleaseRecord,
  decision: DecisionRecord | undefined,
): Record<string, unknown> {
  return {
    id: release.id,
    project: release.project,
    version: release.version,
    git: release.git,
    policy: { name: release.policyName, ...(decision ? { digest: decision.policyDigest } : {}) },
    state: release.state,
    verdict: decision?.verdict ?? null,
    summary: decision?.summary ?? null,
    submittedBy: release.submittedBy,
    submittedAt: release.submittedAt.toISOString(),
    updatedAt: release.updatedAt.toISOString(),
    vsa: release.vsaState,
  };
}

/**
 * Everything about one release for its page and for CI: artifacts with their evidence counts, the current
 * decision with every rule result and reason, earlier decisions, reviews, VSAs and where to find the rest.
 */
export async function releaseDetail(
  db: Db,
  release: ReleaseRecord,
  apiBase = '/api/v1',
): Promise<Record<string, unknown>> {
  const decision = release.decisionId === null ? undefined : await findDecision(db, release.decisionId);
  const full = decision
    ? (JSON.parse((await getDocument(db, decision.decisionDigest)).content.toString('utf8')) as Decision)
    : undefined;
  const artifactSummaries =
    (decision?.evidenceSummary.artifacts as Record<string, unknown>[] | undefined) ?? [];
  const artifacts = await listArtifacts(db, release.id);
  const documents = await listReleaseDocuments(db, release.id);
  const reviews = await listReviews(db, release.id);
  const vsas = await listVsas(db, release.id);
  const self = `${apiBase}/releases/${release.id}`;
  return {
    ...releaseSummary(release, decision),
    artifacts: artifacts.map((a) => ({
      n: a.n,
      kind: a.kind,
      name: a.name,
      digest: a.digest,
      reference: a.reference,
      sbom: sbomOf(a, documents, `${self}/artifacts/${a.n}/sbom`),
      evidence: artifactSummaries.find((s) => s.digest === a.digest) ?? null,
    })),
    documents: documents.map((d) => ({ role: d.role, artifact: d.artifact, name: d.name, digest: d.digest })),
    evidence: decision
      ? {
          lockFiles: decision.evidenceSummary.lockFiles,
          ray: decision.evidenceSummary.ray,
          exceptions: decision.evidenceSummary.exceptions,
        }
      : null,
    decision:
      decision && full
        ? {
            id: decision.id,
            verdict: full.verdict,
            summary: full.summary,
            trigger: decision.trigger,
            evaluatedAt: full.evaluatedAt,
            counts: full.counts,
            rules: full.rules,
            exceptions: full.exceptions,
            inputs: full.inputs,
          }
        : null,
    decisions: (await listDecisions(db, release.id)).map((d) => ({
      id: d.id,
      verdict: d.verdict,
      trigger: d.trigger,
      summary: d.summary,
      evaluatedAt: d.evaluatedAt.toISOString(),
      evidence: d.evidenceDigest,
    })),
    approvals: reviews
      .filter((r) => r.kind === 'approval')
      .map((r) => ({ actor: r.actor, roles: r.roles, comment: r.comment, at: r.at.toISOString() })),
    rejections: reviews
      .filter((r) => r.kind === 'rejection')
      .map((r) => ({ actor: r.actor, roles: r.roles, comment: r.comment, at: r.at.toISOString() })),
    vsas: vsas.map((v) => ({
      artifact: v.artifact,
      subject: v.subjectDigest,
      resourceUri: v.resourceUri,
      bundle: v.bundleDigest,
      signer: v.signer,
      issuedAt: v.issuedAt.toISOString(),
      attachment: v.attachment,
    })),
    links: {
      self,
      events: `${self}/events`,
      evidence: `${self}/evidence`,
      vsa: `${self}/vsa`,
      audit: `${self}/audit`,
    },
  };
}

function sbomOf(
  artifact: { n: number; sbomDigest: string | null },
  documents: readonly { role: string; artifact: number | null; digest: string }[],
  href: string,
): { origin: 'uploaded' | 'generated'; digest: string; href: string } | null {
  const uploaded = documents.find((d) => d.role === 'sbom' && d.artifact === artifact.n);
  if (uploaded) return { origin: 'uploaded', digest: uploaded.digest, href };
  if (artifact.sbomDigest) return { origin: 'generated', digest: artifact.sbomDigest, href };
  return null;
}
