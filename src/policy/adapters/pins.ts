import type { PinReport } from '../../advisories/pins/report.ts';
import type { DependencyEvidence, Digest, LockFileEvidence, Timestamp } from '../evidence.ts';

/** What an index said about when a release was uploaded (PyPI JSON API `upload_time_iso_8601`, earliest file). */
export interface UploadInfo {
  uploadedAt?: Timestamp;
  index?: string;
  /** Why `uploadedAt` is missing. */
  unknownReason?: string;
}

/** A `raygate pins` report (`analyzePins`) of one lock or requirements file, as evidence. */
export function toLockFileEvidence(
  report: PinReport,
  file: { path?: string; digest?: Digest } = {},
): LockFileEvidence {
  const path = file.path ?? report.files[0] ?? '(unnamed)';
  return {
    path,
    ...(file.digest ? { digest: file.digest } : {}),
    requirements: report.requirements.map((r) => ({
      name: r.name,
      ...(r.version ? { version: r.version } : {}),
      pin: r.pin,
      specifier: r.specifier,
      pinnedByConstraint: r.pinnedByConstraint !== undefined,
      hashes: r.hashes,
      hashable: r.format === 'requirements' || (r.pin !== 'vcs' && r.pin !== 'path' && !r.editable),
      location: {
        path: r.location.path,
        ...(r.location.line !== undefined ? { line: r.location.line } : {}),
      },
    })),
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...(f.package ? { package: f.package } : {}),
      ...(f.subject ? { subject: f.subject } : {}),
      ...(f.location
        ? {
            location: {
              path: f.location.path,
              ...(f.location.line !== undefined ? { line: f.location.line } : {}),
            },
          }
        : {}),
    })),
    hashCoverage: report.summary.hashCoverage,
    ...(report.unreadable
      ? { unreadable: { code: report.unreadable.code, message: report.unreadable.message } }
      : {}),
  };
}

/** `name==version` (PEP 503 name): how `uploads` is keyed. */
export function uploadKey(name: string, version: string): string {
  return `${name}==${version}`;
}

/**
 * The exactly pinned PyPI dependencies of the lock files, each once, with when its release was uploaded
 * (from `uploads`, keyed by `uploadKey`): the cooldown rule's evidence.
 */
export function toDependencyEvidence(
  lockFiles: readonly LockFileEvidence[],
  uploads: ReadonlyMap<string, UploadInfo>,
): DependencyEvidence[] {
  const byKey = new Map<string, DependencyEvidence>();
  for (const file of lockFiles) {
    for (const r of file.requirements) {
      if (r.pin !== 'exact' || !r.version) continue;
      const key = uploadKey(r.name, r.version);
      const known = byKey.get(key);
      if (known) {
        if (!known.lockFiles.includes(file.path)) known.lockFiles.push(file.path);
        continue;
      }
      const upload = uploads.get(key);
      byKey.set(key, {
        ecosystem: 'pypi',
        name: r.name,
        version: r.version,
        lockFiles: [file.path],
        ...(upload?.uploadedAt ? { uploadedAt: upload.uploadedAt } : {}),
        ...(upload?.index ? { index: upload.index } : {}),
        ...(upload?.uploadedAt ? {} : { unknownReason: upload?.unknownReason ?? 'the index was not asked' }),
      });
    }
  }
  return [...byKey.values()]
    .map((d) => ({ ...d, lockFiles: d.lockFiles.sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
}
