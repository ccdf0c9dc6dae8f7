import { canonicalJson } from '../../shared/canonical-json.ts';
import { hexDigest } from '../../shared/digest.ts';
import { severityRank } from '../../shared/severity.ts';
import { displayId } from '../findings.ts';
import {
  DIGEST_SCHEMA,
  type Digest,
  type DigestAffected,
  type DigestEntry,
  type DigestReleaseSummary,
  type DigestSeverity,
  type DigestSnapshot,
  type EntryReason,
  type EntryStatus,
  type SnapshotArtifact,
  type SnapshotFinding,
  type SnapshotRelease,
} from './model.ts';

export interface CompareOptions {
  generatedAt: Date;
  /** Ids of records the advisory source now marks withdrawn (see `withdrawnRecorder`). */
  withdrawn?: ReadonlySet<string>;
}

/** One finding's fate between the two snapshots, before grouping by vulnerability. */
interface Event {
  status: EntryStatus;
  reasons: EntryReason[];
  finding: SnapshotFinding;
  affected: DigestAffected;
}

const STATUS_ORDER: readonly EntryStatus[] = ['new', 'changed', 'resolved'];
const REASON_ORDER: readonly EntryReason[] = [
  'published',
  'matched',
  'severity-raised',
  'severity-lowered',
  'fix-available',
  'withdrawn',
  'not-affected',
];

/**
 * What changed for the shipped releases between `previous` and `current`: findings that are new (an
 * advisory published or newly matching), changed (severity raised or lowered, a fix now available) or
 * resolved (withdrawn, or no longer affecting the version), one entry per vulnerability and status with
 * every release, artifact and package it affects. Releases that entered or left the watch are listed,
 * their findings are not reported one by one (a newly approved release was judged with them); with no
 * previous snapshot the digest is the baseline. Pure and deterministic: the same inputs give the same
 * bytes.
 */
export function compareSnapshots(
  previous: DigestSnapshot | undefined,
  current: DigestSnapshot,
  options: CompareOptions,
): Digest {
  const withdrawn = options.withdrawn ?? new Set<string>();
  const before = new Map((previous?.releases ?? []).map((r) => [r.key, r]));
  const now = new Map(current.releases.map((r) => [r.key, r]));
  const events: Event[] = [];
  const added: DigestReleaseSummary[] = [];
  const removed: DigestReleaseSummary[] = [];

  if (previous) {
    for (const release of current.releases) {
      const old = before.get(release.key);
      if (!old) {
        added.push(releaseSummary(release));
        continue;
      }
      const oldArtifacts = new Map(old.artifacts.map((a) => [artifactKey(a), a]));
      for (const artifact of release.artifacts) {
        const oldArtifact = oldArtifacts.get(artifactKey(artifact));
        // An artifact the release did not have before is its baseline too.
        if (oldArtifact) events.push(...compareArtifact(release, oldArtifact, artifact, previous, withdrawn));
      }
    }
    for (const release of previous.releases) if (!now.has(release.key)) removed.push(releaseSummary(release));
  } else {
    added.push(...current.releases.map(releaseSummary));
  }

  const entries = STATUS_ORDER.flatMap((status) =>
    groupByVulnerability(events.filter((e) => e.status === status)).map((group) => toEntry(status, group)),
  ).sort(compareEntries);

  const bySeverity: Record<DigestSeverity, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    info: 0,
    unknown: 0,
  };
  const affectedReleases = new Set<string>();
  for (const e of entries) {
    if (e.status === 'resolved') continue;
    bySeverity[e.severity]++;
    for (const a of e.affects) affectedReleases.add(a.release.key);
  }
  const count = (status: EntryStatus) => entries.filter((e) => e.status === status).length;
  const body: Omit<Digest, 'id' | 'generatedAt'> = {
    schema: DIGEST_SCHEMA,
    ...(current.scope !== undefined ? { scope: current.scope } : {}),
    ...(previous ? { since: previous.takenAt } : {}),
    baseline: !previous,
    ...(current.source ? { source: current.source } : {}),
    summary: {
      new: count('new'),
      changed: count('changed'),
      resolved: count('resolved'),
      releasesAffected: affectedReleases.size,
      releasesWatched: current.releases.length,
      bySeverity,
      nothingNew: entries.length === 0,
    },
    entries,
    releases: { added: added.sort(compareReleases), removed: removed.sort(compareReleases) },
  };
  const { schema, ...rest } = body;
  return {
    schema,
    id: `sha256:${hexDigest('sha256', canonicalJson(body))}`,
    generatedAt: options.generatedAt.toISOString(),
    ...rest,
  };
}

/** True when a digest has nothing to tell: no entries and no release came or went. */
export function isEmptyDigest(digest: Digest): boolean {
  return (
    digest.entries.length === 0 &&
    digest.releases.added.length === 0 &&
    digest.releases.removed.length === 0 &&
    !digest.baseline
  );
}

function compareArtifact(
  release: SnapshotRelease,
  oldArtifact: SnapshotArtifact,
  artifact: SnapshotArtifact,
  previous: DigestSnapshot,
  withdrawn: ReadonlySet<string>,
): Event[] {
  const events: Event[] = [];
  const unmatched = new Set(oldArtifact.findings);
  const place = (finding: SnapshotFinding): DigestAffected => ({
    release: {
      key: release.key,
      label: release.label,
      ...(release.project !== undefined ? { project: release.project } : {}),
      ...(release.version !== undefined ? { version: release.version } : {}),
    },
    artifact: {
      name: artifact.name,
      ...(artifact.kind ? { kind: artifact.kind } : {}),
      ...(artifact.digest ? { digest: artifact.digest } : {}),
      ...(artifact.reference ? { reference: artifact.reference } : {}),
    },
    package: finding.package,
    ...(finding.fixedIn ? { fixedIn: finding.fixedIn } : {}),
  });
  for (const finding of artifact.findings) {
    const ids = idsOf(finding);
    const old = [...unmatched].find(
      (o) => packageKey(o) === packageKey(finding) && idsOf(o).some((id) => ids.includes(id)),
    );
    if (!old) {
      const published = finding.published && Date.parse(finding.published) > Date.parse(previous.takenAt);
      events.push({
        status: 'new',
        reasons: [published ? 'published' : 'matched'],
        finding,
        affected: place(finding),
      });
      continue;
    }
    unmatched.delete(old);
    const reasons: EntryReason[] = [];
    const rankNow = rank(finding.severity);
    const rankBefore = rank(old.severity);
    if (rankNow > rankBefore) reasons.push('severity-raised');
    if (rankNow < rankBefore) reasons.push('severity-lowered');
    if (finding.fixedIn && !old.fixedIn) reasons.push('fix-available');
    if (reasons.length > 0) {
      events.push({
        status: 'changed',
        reasons,
        finding,
        affected: {
          ...place(finding),
          previous: {
            severity: old.severity,
            ...(old.score !== undefined ? { score: old.score } : {}),
            ...(old.fixedIn ? { fixedIn: old.fixedIn } : {}),
          },
        },
      });
    }
  }
  for (const old of unmatched) {
    events.push({
      status: 'resolved',
      reasons: [old.advisories.some((id) => withdrawn.has(id)) ? 'withdrawn' : 'not-affected'],
      finding: old,
      affected: place(old),
    });
  }
  return events;
}

/** Events whose findings share an id or alias are one vulnerability (union-find over the ids). */
function groupByVulnerability(events: readonly Event[]): Event[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x) !== x) {
      const up = parent.get(parent.get(x)!)!;
      parent.set(x, up);
      x = up;
    }
    return x;
  };
  for (const e of events) {
    const ids = idsOf(e.finding);
    for (const id of ids) if (!parent.has(id)) parent.set(id, id);
    for (const id of ids.slice(1)) {
      const a = find(ids[0]!);
      const b = find(id);
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const groups = new Map<string, Event[]>();
  for (const e of events) {
    const root = find(e.finding.advisories[0] ?? e.finding.id);
    groups.set(root, [...(groups.get(root) ?? []), e]);
  }
  return [...groups.values()];
}

function toEntry(status: EntryStatus, group: readonly Event[]): DigestEntry {
  const findings = group.map((e) => e.finding);
  const advisories = [...new Set(findings.flatMap((f) => f.advisories))].sort();
  const aliases = [...new Set(findings.flatMap((f) => f.aliases))]
    .filter((a) => !advisories.includes(a))
    .sort();
  const worst = [...findings].sort(
    (a, b) => rank(b.severity) - rank(a.severity) || (b.score ?? -1) - (a.score ?? -1),
  )[0]!;
  const summary = findings
    .map((f) => f.summary)
    .filter((s): s is string => !!s && s.trim() !== '')
    .sort()[0];
  const published = findings
    .map((f) => f.published)
    .filter((p): p is string => !!p)
    .sort()[0];
  const modified = findings
    .map((f) => f.modified)
    .sort()
    .at(-1);
  const reasons = new Set(group.flatMap((e) => e.reasons));
  return {
    id: displayId(advisories, aliases),
    advisories,
    aliases,
    status,
    reasons: REASON_ORDER.filter((r) => reasons.has(r)),
    severity: worst.severity,
    ...(worst.score !== undefined ? { score: worst.score } : {}),
    ...(summary ? { summary } : {}),
    ...(published ? { published } : {}),
    ...(modified ? { modified } : {}),
    references: [...new Set(findings.flatMap((f) => f.references ?? []))].sort(),
    affects: dedupeAffected(group.map((e) => e.affected)).sort(compareAffected),
  };
}

function dedupeAffected(list: readonly DigestAffected[]): DigestAffected[] {
  const seen = new Map<string, DigestAffected>();
  for (const a of list) {
    const key = canonicalJson([a.release.key, a.artifact.name, a.artifact.digest ?? '', packageKey(a)]);
    if (!seen.has(key)) seen.set(key, a);
  }
  return [...seen.values()];
}

function idsOf(f: SnapshotFinding): string[] {
  return [...new Set([...f.advisories, f.id, ...f.aliases])];
}

function packageKey(f: { package: SnapshotFinding['package'] }): string {
  return `${f.package.ecosystem}\u0000${f.package.name}\u0000${f.package.version}`;
}

function artifactKey(a: SnapshotArtifact): string {
  return a.digest ?? `name:${a.name}`;
}

/** Severity rank with unknown below info: a digest never guesses an unknown severity upwards. */
export function rank(severity: DigestSeverity): number {
  return severity === 'unknown' ? -1 : severityRank(severity);
}

function releaseSummary(release: SnapshotRelease): DigestReleaseSummary {
  return {
    key: release.key,
    label: release.label,
    ...(release.project !== undefined ? { project: release.project } : {}),
    ...(release.version !== undefined ? { version: release.version } : {}),
    findings: release.artifacts.reduce((n, a) => n + a.findings.length, 0),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: DigestEntry, b: DigestEntry): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    rank(b.severity) - rank(a.severity) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    cmp(a.id, b.id)
  );
}

function compareAffected(a: DigestAffected, b: DigestAffected): number {
  return (
    cmp(a.release.label, b.release.label) ||
    cmp(a.release.key, b.release.key) ||
    cmp(a.artifact.name, b.artifact.name) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version)
  );
}

function compareReleases(a: DigestReleaseSummary, b: DigestReleaseSummary): number {
  return cmp(a.label, b.label) || cmp(a.key, b.key);
}
