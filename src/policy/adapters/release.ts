import {
  EVIDENCE_SCHEMA,
  type ApprovalEvidence,
  type ArtifactEvidence,
  type DependencyEvidence,
  type ExceptionEvidence,
  type LockFileEvidence,
  type PublisherDriftEvidence,
  type RayEvidence,
  type ReleaseEvidence,
  type ReleaseInfo,
  type SnapshotEvidence,
} from '../evidence.ts';

export interface ReleaseEvidenceParts {
  release: ReleaseInfo;
  artifacts?: ArtifactEvidence[];
  lockFiles?: LockFileEvidence[];
  dependencies?: DependencyEvidence[];
  publisherDrift?: PublisherDriftEvidence[];
  ray?: RayEvidence;
  approvals?: ApprovalEvidence[];
  exceptions?: ExceptionEvidence[];
  snapshots?: SnapshotEvidence;
}

/** Assembles a release's evidence from the adapters' parts; what is not given is recorded as none. */
export function toReleaseEvidence(parts: ReleaseEvidenceParts): ReleaseEvidence {
  return {
    schema: EVIDENCE_SCHEMA,
    release: parts.release,
    artifacts: parts.artifacts ?? [],
    lockFiles: parts.lockFiles ?? [],
    dependencies: parts.dependencies ?? [],
    publisherDrift: parts.publisherDrift ?? [],
    ...(parts.ray ? { ray: parts.ray } : {}),
    approvals: parts.approvals ?? [],
    exceptions: parts.exceptions ?? [],
    snapshots: parts.snapshots ?? {},
  };
}
