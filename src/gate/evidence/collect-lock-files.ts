import { analyzePins } from '../../advisories/pins/analyze.ts';
import { toDependencyEvidence, toLockFileEvidence, uploadKey } from '../../policy/adapters/pins.ts';
import type { DependencyEvidence, LockFileEvidence } from '../../policy/evidence.ts';
import type { IndexDeclaration } from '../../sbom/model.ts';
import { selectCatalogers } from '../../sbom/catalogers/index.ts';
import { scanSource } from '../../sbom/scan.ts';
import type { UploadedDocument } from './collect-artifact.ts';
import { memorySource } from './memory-source.ts';
import { lookUpUploadTimes, type PackageIndex, type PinnedRelease } from './upload-times.ts';

export interface LockFilesPart {
  lockFiles: LockFileEvidence[];
  dependencies: DependencyEvidence[];
}

/** Where a lock file says packages come from, besides the default index. */
const SOURCE_KINDS = new Set<IndexDeclaration['kind']>([
  'index-url',
  'extra-index-url',
  'find-links',
  'no-index',
  'lock-source',
]);

/**
 * Judges each uploaded lock or requirements file as `raygate pins` does. The files are scanned in memory
 * as one tree (their paths as submitted), so includes resolve among them and nowhere else. The upload time
 * of every exactly pinned release is asked of `index` (the cooldown rule's evidence); without one, or for
 * pins whose lock file names another index, it stays unknown with the reason.
 */
export async function collectLockFileEvidence(
  files: readonly UploadedDocument[],
  index?: PackageIndex,
): Promise<LockFilesPart> {
  const tree = new Map(files.map((f) => [`/${f.name}`, f.bytes]));
  const lockFiles: LockFileEvidence[] = [];
  const sourcesOf = new Map<string, string[]>();
  for (const file of files) {
    const root = `/${file.name}`;
    const scan = await scanSource(memorySource(file.name, tree), {
      catalogers: selectCatalogers(['declared']),
      singleFile: root,
    });
    const report = analyzePins(scan, { rootFile: root });
    const evidence = toLockFileEvidence(report, { path: file.name, digest: file.digest });
    lockFiles.push(relocate(evidence));
    sourcesOf.set(
      evidence.path,
      report.indexes
        .filter((i) => SOURCE_KINDS.has(i.kind))
        .map((i) => (i.kind === 'no-index' ? '--no-index' : i.value)),
    );
  }
  const uploads = await lookUpUploadTimes(pinnedReleases(lockFiles, sourcesOf), index);
  return { lockFiles, dependencies: toDependencyEvidence(lockFiles, uploads) };
}

/** The exactly pinned releases, each with the sources of every lock file that pins it. */
function pinnedReleases(
  lockFiles: readonly LockFileEvidence[],
  sourcesOf: ReadonlyMap<string, readonly string[]>,
): PinnedRelease[] {
  const byKey = new Map<string, { name: string; version: string; sources: Set<string> }>();
  for (const file of lockFiles) {
    for (const r of file.requirements) {
      if (r.pin !== 'exact' || !r.version) continue;
      const key = uploadKey(r.name, r.version);
      const entry = byKey.get(key) ?? { name: r.name, version: r.version, sources: new Set<string>() };
      for (const source of sourcesOf.get(file.path) ?? []) entry.sources.add(source);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map((e) => ({ name: e.name, version: e.version, sources: [...e.sources] }));
}

/** Tree paths (`/requirements.txt`) back to the paths as submitted (`requirements.txt`). */
function relocate(evidence: LockFileEvidence): LockFileEvidence {
  const strip = (p: string) => p.replace(/^\//, '');
  return {
    ...evidence,
    requirements: evidence.requirements.map((r) => ({
      ...r,
      location: { ...r.location, path: strip(r.location.path) },
    })),
    findings: evidence.findings.map((f) =>
      f.location ? { ...f, location: { ...f.location, path: strip(f.location.path) } } : f,
    ),
  };
}
