import packageJson from '../../package.json' with { type: 'json' };
import { resolveSubject, attachBundle } from '../attest/oci-referrers/attach-client.ts';
import { parseImageReference } from '../oci/reference.ts';
import type { Decision } from '../policy/decision.ts';
import type { ReleaseEvidence } from '../policy/evidence.ts';
import { connectRegistry } from '../sbom/sources/oci-registry-reader.ts';
import { describeError, isRaygateError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Db } from '../store/db.ts';
import { getDocument, putDocument } from '../store/documents.ts';
import { findDecision } from '../store/repos/release-evidence.ts';
import { appendReleaseEvent } from '../store/repos/release-events.ts';
import {
  insertVsa,
  listVsas,
  recordSigningKey,
  setVsaAttachment,
  type VsaRecord,
} from '../store/repos/release-vsas.ts';
import { findRelease, listArtifacts, setReleaseVsaState } from '../store/repos/releases.ts';
import { systemActor } from './actor.ts';
import type { JobAttempt } from './collection.ts';
import type { RegistryPolicy } from './evidence/environment.ts';
import { GATE_QUEUES } from './job-names.ts';
import type { JobEnqueuer } from './ports.ts';
import { buildVsaStatement, resourceUriOf, VSA_PREDICATE_TYPE } from './vsa.ts';
import type { VsaSigner } from './vsa-signer.ts';

export const VSA_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface VsaDeps {
  db: Db;
  jobs: JobEnqueuer;
  signer: VsaSigner;
  registries: RegistryPolicy;
  /** `verifier.id` of the VSAs. */
  verifierId: string;
  /** Base of the links VSAs carry (policy and release URIs). */
  publicUrl: string;
  log: Logger;
  now: () => Date;
}

const ISSUER = systemActor(GATE_QUEUES.issueVsa);
const ATTACHER = systemActor(GATE_QUEUES.attachVsa);

/**
 * Signs one VSA per artifact of an approved release, then stores them (and marks the release's VSAs
 * issued) in the job's completing transaction. Signing happens before that transaction: a crash in between
 * loses only signatures nobody saw, and the retry signs again.
 */
export async function issueVsas(
  deps: VsaDeps,
  releaseId: string,
  job: Pick<JobAttempt, 'commit'>,
): Promise<string> {
  const { db } = deps;
  const release = await findRelease(db, releaseId);
  if (
    !release ||
    release.state !== 'approved' ||
    release.vsaState !== 'pending' ||
    release.decisionId === null
  ) {
    return 'skipped: no VSA is pending for this release';
  }
  const decisionRecord = await findDecision(db, release.decisionId);
  if (!decisionRecord) throw new Error(`decision ${release.decisionId} of ${releaseId} is missing`);
  const decision = readJson<Decision>((await getDocument(db, decisionRecord.decisionDigest)).content);
  const evidence = readJson<ReleaseEvidence>((await getDocument(db, decisionRecord.evidenceDigest)).content);
  const artifacts = await listArtifacts(db, releaseId);
  const base = deps.publicUrl.replace(/\/+$/, '');
  const releaseUri = `${base}/api/v1/releases/${releaseId}`;
  const signed: { record: VsaRecord; bytes: Buffer }[] = [];
  for (const artifact of artifacts) {
    const statement = buildVsaStatement({
      artifact,
      evidence: evidence.artifacts.find((a) => a.digest === artifact.digest),
      decision,
      verifierId: deps.verifierId,
      verifierVersion: packageJson.version,
      policyUri: `${base}/api/v1/policies/${encodeURIComponent(release.policyName)}`,
      releaseUri,
    });
    const bundle = await deps.signer.sign(Buffer.from(JSON.stringify(statement)));
    const bytes = Buffer.from(JSON.stringify(bundle));
    signed.push({
      bytes,
      record: {
        artifact: artifact.n,
        subjectDigest: artifact.digest,
        resourceUri: resourceUriOf(artifact),
        bundleDigest: '',
        signer: deps.signer.identity,
        issuedAt: deps.now(),
        attachment: null,
      },
    });
  }
  const attachable = artifacts.some(
    (a) =>
      a.kind === 'image' && a.reference && deps.registries.pushes(parseImageReference(a.reference).registry),
  );
  return job.commit(async (tx) => {
    const current = await findRelease(tx, releaseId, true);
    if (!current || current.vsaState !== 'pending') return 'skipped: issued meanwhile';
    const now = deps.now();
    if (deps.signer.publicKeyPem && deps.signer.keyHint) {
      await recordSigningKey(tx, {
        hint: deps.signer.keyHint,
        publicKey: deps.signer.publicKeyPem,
        firstUsed: now,
      });
    }
    for (const { record, bytes } of signed) {
      const stored = await putDocument(tx, VSA_MEDIA_TYPE, bytes);
      await insertVsa(tx, releaseId, { ...record, bundleDigest: stored.digest });
    }
    await setReleaseVsaState(tx, releaseId, 'issued', now);
    await appendReleaseEvent(
      tx,
      releaseId,
      'vsa',
      { issued: signed.length, signer: deps.signer.identity },
      now,
    );
    await appendAudit(
      tx,
      {
        actor: ISSUER,
        action: 'release.vsa-issue',
        subject: { kind: 'release', id: releaseId },
        project: current.project,
        details: {
          signer: deps.signer.identity,
          vsas: signed.map((s) => ({ artifact: s.record.artifact, subject: s.record.subjectDigest })),
        },
      },
      now,
    );
    if (attachable) {
      await deps.jobs.enqueue(
        { queue: GATE_QUEUES.attachVsa, payload: { releaseId }, idempotencyKey: `attach-vsa:${releaseId}` },
        tx,
      );
    }
    return `${signed.length} VSA(s) issued`;
  });
}

/**
 * Attaches each image VSA to its image as an OCI referrer, in registries configured with `push`. A
 * registry that refuses for good (no push permission) is recorded on the VSA; an unreachable one is retried.
 */
export async function attachVsas(deps: VsaDeps, releaseId: string, job: JobAttempt): Promise<string> {
  const { db } = deps;
  const vsas = await listVsas(db, releaseId);
  const artifacts = await listArtifacts(db, releaseId);
  const results: { artifact: number; attachment: Record<string, unknown> }[] = [];
  for (const vsa of vsas) {
    if (vsa.attachment !== null) continue;
    const artifact = artifacts.find((a) => a.n === vsa.artifact);
    if (!artifact || artifact.kind !== 'image' || !artifact.reference) continue;
    const ref = parseImageReference(artifact.reference);
    if (!deps.registries.pushes(ref.registry)) continue;
    const bundle = (await getDocument(db, vsa.bundleDigest)).content;
    try {
      const client = await connectRegistry(ref, deps.registries.accessFor(ref.registry));
      try {
        const subject = await resolveSubject(client, artifact.digest);
        const attached = await attachBundle(client, subject, bundle, {
          content: 'dsse-envelope',
          predicateType: VSA_PREDICATE_TYPE,
        });
        results.push({
          artifact: vsa.artifact,
          attachment: {
            referrer: attached.referrer,
            indexedBy: attached.indexedBy,
            repository: `${ref.registry}/${ref.repository}`,
          },
        });
      } finally {
        await client.close();
      }
    } catch (error) {
      const transient = !isRaygateError(error) || error.kind === 'unavailable';
      if (transient && job.attempt < job.maxAttempts) throw error;
      deps.log.warn('VSA not attached to its image', { release: releaseId, artifact: vsa.artifact, error });
      results.push({
        artifact: vsa.artifact,
        attachment: {
          error: {
            code: isRaygateError(error) ? error.code : 'GATE_ATTACH_FAILED',
            message: describeError(error),
          },
        },
      });
    }
  }
  return job.commit(async (tx) => {
    const release = await findRelease(tx, releaseId, true);
    if (!release) return 'skipped: no such release';
    const now = deps.now();
    for (const r of results) await setVsaAttachment(tx, releaseId, r.artifact, r.attachment);
    if (results.length > 0) {
      await appendReleaseEvent(tx, releaseId, 'vsa-attached', { attachments: results }, now);
      await appendAudit(
        tx,
        {
          actor: ATTACHER,
          action: 'release.vsa-attach',
          subject: { kind: 'release', id: releaseId },
          project: release.project,
          details: { attachments: results },
        },
        now,
      );
    }
    return `${results.length} attachment(s)`;
  });
}

/** The last attempt to sign failed: the release stays approved, its VSAs are marked failed and audited. */
export async function markVsasFailed(
  deps: VsaDeps,
  releaseId: string,
  error: unknown,
  job: Pick<JobAttempt, 'commit'>,
): Promise<string> {
  return job.commit(async (tx) => {
    const release = await findRelease(tx, releaseId, true);
    if (!release || release.vsaState !== 'pending') return 'skipped';
    const now = deps.now();
    const problem = {
      code: isRaygateError(error) ? error.code : 'GATE_VSA_FAILED',
      message: describeError(error),
    };
    await setReleaseVsaState(tx, releaseId, 'failed', now);
    await appendReleaseEvent(tx, releaseId, 'vsa-failed', problem, now);
    await appendAudit(
      tx,
      {
        actor: ISSUER,
        action: 'release.vsa-fail',
        subject: { kind: 'release', id: releaseId },
        project: release.project,
        details: problem,
      },
      now,
    );
    return `VSA signing failed: ${problem.code}`;
  });
}

function readJson<T>(bytes: Buffer): T {
  return JSON.parse(bytes.toString('utf8')) as T;
}
