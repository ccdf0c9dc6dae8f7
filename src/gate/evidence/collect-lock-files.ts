import { analyzePins } from '../../advisories/pins/analyze.ts';
import { toDependencyEvidence, toLockFileEvidence } from '../../policy/adapters/pins.ts';
import type { DependencyEvidence, LockFileEvidence } from '../../policy/evidence.ts';
import { selectCatalogers } from '../../sbom/catalogers/index.ts';
import { scanSource } from '../../sbom/scan.ts';
import type { UploadedDocument } from './collect-artifact.ts';
import { memorySource } from './memory-source.ts';

export interface LockFilesPart {
  lockFiles: LockFileEvidence[];
  dependencies: DependencyEvidence[];
}

/**
 * Judges each uploaded lock or requirements file as `raygate pins` does. The files are scanned in memory
 * as one tree (their paths as submitted), so includes resolve among them and nowhere else. Upload times of
 * pinned releases are not asked of any index here: the cooldown rule sees them as unknown.
 */
export async function collectLockFileEvidence(files: readonly UploadedDocument[]): Promise<LockFilesPart> {
  const tree = new Map(files.map((f) => [`/${f.name}`, f.bytes]));
  const lockFiles: LockFileEvidence[] = [];
  for (const file of files) {
    const root = `/${file.name}`;
    const scan = await scanSource(memorySource(file.name, tree), {
      catalogers: selectCatalogers(['declared']),
      singleFile: root,
    });
    const report = analyzePins(scan, { rootFile: root });
    const evidence = toLockFileEvidence(report, { path: file.name, digest: file.digest });
    lockFiles.push(relocate(evidence));
  }
  return { lockFiles, dependencies: toDependencyEvidence(lockFiles, new Map()) };
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
