import type { Package } from '../../sbom/model.ts';
import { assessPackages } from '../assess.ts';
import type { Finding } from '../finding.ts';
import type { AdvisorySource, AdvisorySourceInfo } from '../source.ts';
import type { DigestSnapshot, SnapshotFinding, SnapshotSource } from './model.ts';

/** A finding as a snapshot keeps it: what a later digest needs to say what changed. Pure. */
export function toSnapshotFinding(f: Finding): SnapshotFinding {
  return {
    id: f.id,
    advisories: [...f.advisories].sort(),
    aliases: [...f.aliases].sort(),
    package: {
      ecosystem: f.package.query.ecosystems[0] ?? f.package.ecosystem,
      name: f.package.name,
      version: f.package.version,
      ...(f.package.purl ? { purl: f.package.purl } : {}),
    },
    severity: f.severity.severity,
    ...(f.severity.score !== undefined ? { score: f.severity.score } : {}),
    ...(f.fixedIn ? { fixedIn: f.fixedIn } : {}),
    ...(f.summary ? { summary: f.summary } : {}),
    ...(f.published ? { published: f.published } : {}),
    modified: f.modified,
    ...(f.references.length > 0 ? { references: [...f.references] } : {}),
  };
}

/** Assesses one artifact's packages and keeps its findings as a snapshot holds them. */
export async function observeFindings(
  packages: readonly Package[],
  source: AdvisorySource,
  now: Date,
): Promise<SnapshotFinding[]> {
  const assessment = await assessPackages(packages, source, { now });
  return assessment.findings.map(toSnapshotFinding);
}

/** The part of a source's description a snapshot records. */
export function toSnapshotSource(info: AdvisorySourceInfo): SnapshotSource {
  return {
    kind: info.kind,
    location: info.location,
    ...(info.generation ? { generation: info.generation } : {}),
    ...(info.importedAt ? { importedAt: info.importedAt } : {}),
  };
}

/**
 * Wraps a source to remember which withdrawn records it returned: the matcher leaves those out, and a
 * digest must tell "withdrawn" from "no longer affected" when a finding disappears.
 */
export function withdrawnRecorder(source: AdvisorySource): {
  source: AdvisorySource;
  withdrawn: ReadonlySet<string>;
} {
  const withdrawn = new Set<string>();
  return {
    withdrawn,
    source: {
      info: () => source.info(),
      async query(queries) {
        const answer = await source.query(queries);
        for (const records of answer.records.values())
          for (const r of records) if (r.withdrawn) withdrawn.add(r.id);
        return answer;
      },
    },
  };
}

/**
 * Puts a snapshot in its one canonical order (releases by key, artifacts by name and digest, findings by
 * package and id), so equal observations serialize to equal bytes. Pure; returns a new snapshot.
 */
export function normalizeSnapshot(snapshot: DigestSnapshot): DigestSnapshot {
  return {
    ...snapshot,
    releases: snapshot.releases
      .map((r) => ({
        ...r,
        artifacts: r.artifacts
          .map((a) => ({ ...a, findings: [...a.findings].sort(compareFindings) }))
          .sort((a, b) => cmp(a.name, b.name) || cmp(a.digest ?? '', b.digest ?? '')),
      }))
      .sort((a, b) => cmp(a.key, b.key)),
  };
}

function compareFindings(a: SnapshotFinding, b: SnapshotFinding): number {
  return (
    cmp(a.package.ecosystem, b.package.ecosystem) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
