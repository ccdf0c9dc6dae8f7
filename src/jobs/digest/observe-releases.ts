import {
  normalizeSnapshot,
  observeFindings,
  SNAPSHOT_SCHEMA,
  toSnapshotSource,
  type DigestSnapshot,
  type SnapshotFinding,
  type SnapshotRelease,
} from '../../advisories/digest/index.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import { parseDistributionFilename } from '../../attest/pep740/dist-filename.ts';
import { parseCycloneDxJson } from '../../sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import { purlToPackage } from '../../sbom/cyclonedx-input/purl-to-package.ts';
import type { Package } from '../../sbom/model.ts';
import type { Logger } from '../../shared/log.ts';
import type { Queryable } from '../../store/db.ts';
import { getDocument } from '../../store/documents.ts';
import type { ApprovedRelease } from '../../store/repos/digests.ts';
import { listArtifacts, type ArtifactRecord } from '../../store/repos/releases.ts';

/**
 * A project's approved releases as a snapshot: each artifact's stored SBOM (or, for a wheel or sdist
 * without one, the distribution itself) assessed against the advisory source now. An SBOM shared by
 * several releases is assessed once.
 */
export async function observeReleases(
  q: Queryable,
  project: string,
  releases: readonly ApprovedRelease[],
  source: AdvisorySource,
  now: Date,
  log: Logger,
  signal?: AbortSignal,
): Promise<DigestSnapshot> {
  const cache = new Map<string, Promise<SnapshotFinding[]>>();
  const out: SnapshotRelease[] = [];
  for (const release of releases) {
    signal?.throwIfAborted();
    const artifacts = [];
    for (const artifact of await listArtifacts(q, release.id)) {
      const key = artifact.sbomDigest ?? `${artifact.kind}:${artifact.name}`;
      let findings = cache.get(key);
      if (!findings) {
        findings = packagesOf(q, artifact, log).then((packages) => observeFindings(packages, source, now));
        cache.set(key, findings);
      }
      artifacts.push({
        name: artifact.name,
        kind: artifact.kind,
        digest: artifact.digest,
        ...(artifact.reference ? { reference: artifact.reference } : {}),
        findings: await findings,
      });
    }
    out.push({
      key: release.id,
      label: `${release.project} ${release.version}`,
      project: release.project,
      version: release.version,
      approvedAt: release.approvedAt.toISOString(),
      artifacts,
    });
  }
  return normalizeSnapshot({
    schema: SNAPSHOT_SCHEMA,
    takenAt: now.toISOString(),
    scope: project,
    source: toSnapshotSource(source.info()),
    releases: out,
  });
}

async function packagesOf(q: Queryable, artifact: ArtifactRecord, log: Logger): Promise<Package[]> {
  if (artifact.sbomDigest) {
    const { content } = await getDocument(q, artifact.sbomDigest);
    return parseCycloneDxJson(JSON.parse(content.toString('utf8')), artifact.name).packages;
  }
  if (artifact.kind === 'wheel' || artifact.kind === 'sdist') {
    const distribution = parseDistributionFilename(artifact.name);
    const own = distribution && purlToPackage(`pkg:pypi/${distribution.name}@${distribution.version}`);
    if (own) return [own];
  }
  log.warn('artifact without an SBOM: not watched by digests', {
    artifact: artifact.name,
    digest: artifact.digest,
  });
  return [];
}
