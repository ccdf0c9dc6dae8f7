import {
  compareSnapshots,
  isEmptyDigest,
  parseSnapshot,
  withdrawnRecorder,
  type Digest,
  type DigestSnapshot,
} from '../../advisories/digest/index.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { RaygateError } from '../../shared/errors.ts';
import { sqlState, UNIQUE_VIOLATION } from '../../store/db.ts';
import { getDocument, putDocument } from '../../store/documents.ts';
import {
  insertDelivery,
  insertDigest,
  latestDigest,
  listApprovedReleases,
  listDigestProjects,
  type ApprovedRelease,
} from '../../store/repos/digests.ts';
import type { JobRun } from '../job-handler.ts';
import { observeReleases } from './observe-releases.ts';
import { DIGEST_QUEUES, SNAPSHOT_MEDIA_TYPE, type DigestJobServices } from './services.ts';
import { destinationsFor } from './targets.ts';

const DAY_MS = 86_400_000;
const MAX_RELEASES = 10_000;

export interface BuildReport {
  projects: number;
  digests: { id: number; project: string; empty: boolean; deliveries: number }[];
}

interface Planned {
  project: string;
  previousId: number;
  digest: Digest;
  snapshot: DigestSnapshot;
  empty: boolean;
}

/**
 * One digest per project: its approved releases (all, or those approved within the configured days) are
 * assessed against the advisories as they are now and compared with the snapshot of the project's previous
 * digest. Everything is computed first; then one transaction, which also completes the job, records every
 * digest with its snapshot and a delivery (and its job) per destination, so a retried or duplicated run
 * never records or sends a digest twice. An empty digest is recorded and sent only with `sendEmpty`.
 */
export async function buildDigests(services: DigestJobServices, job: JobRun<unknown>): Promise<BuildReport> {
  const { db, config, log } = services;
  const now = services.now();
  const recorder = withdrawnRecorder(await services.advisorySource());
  const approved = await listApprovedReleases(db, {
    ...(config.approvedWithinDays !== undefined
      ? { approvedSince: new Date(now.getTime() - config.approvedWithinDays * DAY_MS) }
      : {}),
    limit: MAX_RELEASES,
  });
  if (approved.length === MAX_RELEASES)
    log.warn('digest watches only the first releases', { limit: MAX_RELEASES });
  const byProject = new Map<string, ApprovedRelease[]>();
  for (const project of await listDigestProjects(db)) byProject.set(project, []);
  for (const r of approved) byProject.set(r.project, [...(byProject.get(r.project) ?? []), r]);

  const planned: Planned[] = [];
  for (const [project, releases] of [...byProject].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const previous = await latestDigest(db, project);
    const previousSnapshot = previous
      ? parseSnapshot(
          JSON.parse((await getDocument(db, previous.snapshotDigest)).content.toString('utf8')),
          `snapshot of digest ${previous.id}`,
        )
      : undefined;
    // A project with nothing watched before or now has nothing to say.
    if (releases.length === 0 && (previousSnapshot?.releases.length ?? 0) === 0) continue;
    const snapshot = await observeReleases(db, project, releases, recorder.source, now, log, job.signal);
    const digest = compareSnapshots(previousSnapshot, snapshot, {
      generatedAt: now,
      withdrawn: recorder.withdrawn,
    });
    planned.push({ project, previousId: previous?.id ?? 0, digest, snapshot, empty: isEmptyDigest(digest) });
  }

  try {
    return await job.commit(async (tx) => {
      const report: BuildReport = { projects: planned.length, digests: [] };
      for (const p of planned) {
        const stored = await putDocument(tx, SNAPSHOT_MEDIA_TYPE, Buffer.from(canonicalJson(p.snapshot)));
        const id = await insertDigest(tx, {
          project: p.project,
          previousId: p.previousId,
          document: p.digest,
          empty: p.empty,
          snapshotDigest: stored.digest,
        });
        const destinations = p.empty && !config.sendEmpty ? [] : destinationsFor(config, p.project);
        for (const d of destinations) {
          await insertDelivery(tx, {
            digestId: id,
            destination: d.name,
            kind: d.type,
            idempotencyKey: `raygate-digest:${id}:${d.name}`,
          });
          await services.queue.enqueue(
            {
              queue: DIGEST_QUEUES.deliver,
              payload: { digestId: id, destination: d.name },
              idempotencyKey: `digest:${id}:${d.name}`,
            },
            tx,
          );
        }
        report.digests.push({ id, project: p.project, empty: p.empty, deliveries: destinations.length });
      }
      return report;
    });
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION)
      throw new RaygateError(
        'DIGEST_CONFLICT',
        'conflict',
        'Another digest run recorded a digest first; this run is retried against it.',
        { cause: error },
      );
    throw error;
  }
}
