import { pep740ProvenanceEvidence } from '../pep740/to-evidence.ts';
import { readPep740Provenance } from '../pep740/provenance-object.ts';
import type { PypiFile, PypiRelease } from '../pep740/pypi-client.ts';
import type { Evidence } from '../evidence/evidence.ts';
import type { EvidenceResult } from '../evidence/evidence-result.ts';
import { verifyEvidence } from '../evidence/verify-evidence.ts';
import type { VerifyContext } from '../evidence/verify-evidence.ts';
import { Pep440Order } from './version-order.ts';
import { detectDrift, distributionStatus, fileCoverage, publishersOf } from './coverage.ts';
import type { DistributionCoverage, FileCoverage, ReleaseHistory } from './coverage.ts';

/** What coverage needs from PyPI (the PyPI client, or a test double). */
export interface PypiSource {
  releaseFiles(project: string, version: string): Promise<PypiFile[] | undefined>;
  releases(project: string): Promise<PypiRelease[] | undefined>;
  provenance(
    project: string,
    version: string,
    filename: string,
  ): Promise<{ url: string; json: unknown } | undefined>;
}

/** A distribution of the environment: its name and version, and the files a lock pins, when it does. */
export interface PinnedDistribution {
  name: string;
  version: string;
  /** sha256 digests the lock allows; when given only these files are checked. */
  sha256?: string[];
}

export interface CoverageOptions {
  /** Earlier releases whose publishers are compared (the drift check); 0 turns it off. */
  historyReleases: number;
}

/** The PEP 740 evidence PyPI holds for one file, malformed provenance included as evidence that fails. */
export async function pep740EvidenceFromPypi(
  source: PypiSource,
  project: string,
  version: string,
  file: { filename: string; sha256: string },
): Promise<Evidence[]> {
  const found = await source.provenance(project, version, file.filename);
  if (!found) return [];
  const origin = { kind: 'pypi-integrity' as const, url: found.url };
  try {
    return pep740ProvenanceEvidence(readPep740Provenance(found.json), file, origin, `pypi:${file.filename}`);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return [
      {
        id: `pypi:${file.filename}`,
        origin,
        format: 'pep740',
        subjectSha256: file.sha256,
        distributionFilename: file.filename,
        content: {
          kind: 'malformed',
          code: e.code ?? 'PEP740_MALFORMED',
          message: e.message ?? String(error),
        },
      },
    ];
  }
}

async function verifyFile(
  source: PypiSource,
  project: string,
  version: string,
  file: PypiFile,
  context: VerifyContext,
): Promise<FileCoverage> {
  try {
    const evidence = await pep740EvidenceFromPypi(source, project, version, file);
    const results: EvidenceResult[] = evidence.map((e) => verifyEvidence(e, context));
    return fileCoverage(file, results);
  } catch (error) {
    return {
      filename: file.filename,
      sha256: file.sha256,
      status: 'not-checked',
      reason: (error as Error).message,
      evidence: [],
    };
  }
}

async function history(
  source: PypiSource,
  project: string,
  version: string,
  count: number,
  context: VerifyContext,
): Promise<ReleaseHistory[] | undefined> {
  const releases = await source.releases(project);
  if (!releases) return undefined;
  const order = new Pep440Order();
  const earlier = releases
    .filter((r) => r.files.length > 0 && order.isValid(r.version) && order.compare(r.version, version) < 0)
    .sort((a, b) => order.compare(b.version, a.version))
    .slice(0, count);
  // Earlier releases are judged on their own publishers: the caller's expected identity is about the pin.
  const historyContext: VerifyContext = { ...context, identities: [] };
  const out: ReleaseHistory[] = [];
  for (const release of earlier) {
    // One file per release tells who published it; the sdist when there is one.
    const file = release.files.find((f) => f.packagetype === 'sdist') ?? release.files[0]!;
    const coverage = await verifyFile(source, project, release.version, file, historyContext);
    if (coverage.status === 'not-checked') throw new Error(coverage.reason ?? 'not checked');
    out.push({ version: release.version, publishers: coverage.publisher ? [coverage.publisher] : [] });
  }
  return out;
}

/** Coverage of one pinned distribution: its files' attestations, then drift against earlier releases. */
export async function distributionCoverage(
  source: PypiSource | undefined,
  pinned: PinnedDistribution,
  context: VerifyContext,
  options: CoverageOptions,
): Promise<DistributionCoverage> {
  const base = { name: pinned.name, version: pinned.version, publishers: [] };
  if (!source)
    return {
      ...base,
      status: 'not-checked',
      files: [],
      drift: 'not-checked',
      reason: 'offline: PyPI was not asked',
    };
  let files: PypiFile[] | undefined;
  try {
    files = await source.releaseFiles(pinned.name, pinned.version);
  } catch (error) {
    return {
      ...base,
      status: 'not-checked',
      files: [],
      drift: 'not-checked',
      reason: (error as Error).message,
    };
  }
  if (!files)
    return {
      ...base,
      status: 'not-checked',
      files: [],
      reason: `PyPI has no release ${pinned.name} ${pinned.version}`,
    };
  const wanted =
    pinned.sha256 && pinned.sha256.length > 0
      ? files.filter((f) => pinned.sha256!.includes(f.sha256))
      : files;
  const checked: FileCoverage[] = [];
  for (const file of wanted)
    checked.push(await verifyFile(source, pinned.name, pinned.version, file, context));
  const coverage: DistributionCoverage = {
    ...base,
    status: distributionStatus(checked),
    files: checked,
    publishers: publishersOf(checked),
  };
  if (pinned.sha256 && pinned.sha256.length > 0 && wanted.length === 0) {
    coverage.status = 'not-checked';
    coverage.reason = 'none of the pinned hashes is a file PyPI serves for this release';
  }
  if (options.historyReleases > 0 && coverage.status !== 'not-checked' && coverage.status !== 'failing') {
    try {
      const earlier = await history(source, pinned.name, pinned.version, options.historyReleases, context);
      const drift = earlier ? detectDrift(coverage, earlier) : undefined;
      if (drift) coverage.drift = drift;
    } catch {
      coverage.drift = 'not-checked';
    }
  }
  return coverage;
}
