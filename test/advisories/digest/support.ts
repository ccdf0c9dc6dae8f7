import type { OsvRecord } from '../../../src/advisories/osv.ts';
import {
  normalizeSnapshot,
  observeFindings,
  SNAPSHOT_SCHEMA,
  withdrawnRecorder,
  type DigestSnapshot,
} from '../../../src/advisories/digest/index.ts';
import { purlToPackage } from '../../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { recordSource } from '../../policy/engines.ts';

export interface TestRelease {
  key: string;
  label: string;
  artifact: { name: string; kind?: string; digest?: string; reference?: string };
  purls: string[];
}

/** Observes releases against real records as the service and the CLI do: assess, keep findings, note withdrawals. */
export async function observe(
  releases: readonly TestRelease[],
  records: readonly OsvRecord[],
  takenAt: string,
): Promise<{ snapshot: DigestSnapshot; withdrawn: ReadonlySet<string> }> {
  const recorder = withdrawnRecorder(recordSource(records));
  const out: DigestSnapshot['releases'] = [];
  for (const r of releases) {
    const packages = r.purls.map((p) => purlToPackage(p)!);
    out.push({
      key: r.key,
      label: r.label,
      artifacts: [
        { ...r.artifact, findings: await observeFindings(packages, recorder.source, new Date(takenAt)) },
      ],
    });
  }
  return {
    snapshot: normalizeSnapshot({ schema: SNAPSHOT_SCHEMA, takenAt, releases: out }),
    withdrawn: recorder.withdrawn,
  };
}
