import { packageLabel, packageMatches } from '../policy/package-ref.ts';
import type { ArtifactEvidence, ExceptionEvidence, ReleaseInfo } from '../policy/evidence.ts';
import type { ExceptionRecord } from '../store/repos/exceptions.ts';

/** The release an exception list is being chosen for. */
export interface ExceptionTarget {
  id: string;
  project: string;
  version: string;
  artifacts: readonly ArtifactEvidence[];
}

/** A stored exception as the policy engine reads it; a release scope names the release's project and version. */
export function toExceptionEvidence(
  record: ExceptionRecord,
  release: Pick<ReleaseInfo, 'project' | 'version'>,
): ExceptionEvidence {
  const scope = record.scope;
  return {
    id: record.id,
    scope:
      scope.kind === 'release'
        ? { kind: 'release', project: release.project, version: release.version }
        : scope.kind === 'advisory'
          ? { kind: 'advisory', id: scope.id, ...(scope.purl ? { purl: scope.purl } : {}) }
          : scope.kind === 'purl'
            ? { kind: 'purl', purl: scope.purl }
            : { kind: 'artifact', digest: scope.digest },
    ...(record.rules.length > 0 ? { rules: [...record.rules] } : {}),
    reason: record.reason,
    owner: record.owner,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    ...(record.approvedBy ? { approvedBy: record.approvedBy } : {}),
    ...(record.approvedAt ? { approvedAt: record.approvedAt.toISOString() } : {}),
  };
}

/**
 * The exceptions that concern a release: not revoked, for its project (or every project), and whose scope
 * names something in it — the release itself, one of its artifacts, an advisory found in it (in the package
 * the scope names, if it names one), or a package it contains. Only these go into its evidence, so an
 * exception about another release can never pass or fail this one.
 */
export function exceptionsFor(
  records: readonly ExceptionRecord[],
  target: ExceptionTarget,
): ExceptionRecord[] {
  const digests = new Set(target.artifacts.map((a) => a.digest.toLowerCase()));
  // Each advisory id (and alias) with the packages it was found in: an advisory scope narrowed to a
  // package concerns the release only when the advisory was found in that very package.
  const advisories = new Map<string, string[]>();
  const packages: string[] = [];
  for (const artifact of target.artifacts) {
    for (const finding of artifact.vulnerabilities?.findings ?? []) {
      const label = packageLabel(finding.package);
      for (const id of [finding.id, ...finding.advisories, ...finding.aliases]) {
        const key = id.toUpperCase();
        advisories.set(key, [...(advisories.get(key) ?? []), label]);
      }
      packages.push(label);
    }
    for (const pkg of artifact.sbom?.packages ?? []) packages.push(packageLabel(pkg));
  }
  return records.filter((record) => {
    if (record.revokedAt !== null) return false;
    if (record.project !== null && record.project !== target.project) return false;
    const scope = record.scope;
    switch (scope.kind) {
      case 'release':
        return scope.releaseId === target.id;
      case 'artifact':
        return digests.has(scope.digest.toLowerCase());
      case 'advisory': {
        const found = advisories.get(scope.id.toUpperCase());
        return (
          found !== undefined &&
          (scope.purl === undefined || found.some((p) => packageMatches(scope.purl!, p)))
        );
      }
      case 'purl':
        return packages.some((p) => packageMatches(scope.purl, p));
    }
  });
}
