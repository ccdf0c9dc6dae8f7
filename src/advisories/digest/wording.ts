import type { Digest, DigestAffected, DigestEntry, DigestSeverity, EntryReason } from './model.ts';

/** Shared wording of the renderers, so Markdown, Slack and plain text say the same thing. Pure. */

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 new advisories affect 2 shipped releases; 1 changed; 2 resolved` or `Nothing new`. */
export function headline(digest: Digest): string {
  const s = digest.summary;
  if (digest.baseline) {
    const findings = digest.releases.added.reduce((n, r) => n + r.findings, 0);
    return `First digest: watching ${plural(s.releasesWatched, 'shipped release')} with ${plural(findings, 'known finding')}`;
  }
  if (s.nothingNew) return `Nothing new for ${plural(s.releasesWatched, 'shipped release')}`;
  const parts: string[] = [];
  if (s.new > 0)
    parts.push(
      `${plural(s.new, 'new advisory', 'new advisories')} ${s.new === 1 ? 'affects' : 'affect'} ${plural(
        new Set(
          digest.entries
            .filter((e) => e.status === 'new')
            .flatMap((e) => e.affects.map((a) => a.release.key)),
        ).size,
        'shipped release',
      )}`,
    );
  if (s.changed > 0) parts.push(`${s.changed} changed`);
  if (s.resolved > 0) parts.push(`${s.resolved} resolved`);
  return parts.join('; ');
}

export function severityLabel(severity: DigestSeverity, score?: number): string {
  return `${severity.toUpperCase()}${score !== undefined ? ` ${score.toFixed(1)}` : ''}`;
}

/** `sha256:0123456789ab` — enough of a digest to recognise it. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

const same = (text: string) => text;

/**
 * `ray-images 2.58.0 (image ghcr.io/acme/ray@sha256:…)`. Names come from submissions and SBOMs: `escape`
 * makes them safe for the output format, `code` marks a reference or digest as code where the format has it.
 */
export function placeText(
  a: DigestAffected,
  escape: (text: string) => string = same,
  code: (text: string) => string = escape,
): string {
  const artifact =
    a.artifact.reference ??
    (a.artifact.digest ? `${a.artifact.name}@${shortDigest(a.artifact.digest)}` : undefined);
  if (!artifact && a.artifact.name === a.release.label) return escape(a.release.label);
  const shown = artifact ? code(artifact) : escape(a.artifact.name);
  const what = a.artifact.kind ? `${escape(a.artifact.kind)} ${shown}` : shown;
  return `${escape(a.release.label)} (${what})`;
}

/** `urllib3 2.2.1 (fixed in 2.2.2)`. */
export function packageText(a: DigestAffected, escape: (text: string) => string = same): string {
  return `${escape(a.package.name)} ${escape(a.package.version)}${a.fixedIn ? ` (fixed in ${escape(a.fixedIn)})` : ' (no fix yet)'}`;
}

const REASON_TEXT: Record<EntryReason, string> = {
  published: 'newly published',
  matched: 'newly matching',
  'severity-raised': 'severity raised',
  'severity-lowered': 'severity lowered',
  'fix-available': 'fix now available',
  withdrawn: 'advisory withdrawn',
  'not-affected': 'no longer affects these versions',
};

/** `severity raised (medium → high), fix now available (2.2.2)`. */
export function reasonsText(entry: DigestEntry): string {
  return entry.reasons
    .map((r) => {
      if (r === 'severity-raised' || r === 'severity-lowered') {
        const from = [...new Set(entry.affects.map((a) => a.previous?.severity).filter(Boolean))].join('/');
        return from ? `${REASON_TEXT[r]} (${from} → ${entry.severity})` : REASON_TEXT[r];
      }
      if (r === 'fix-available') {
        const fixes = [...new Set(entry.affects.map((a) => a.fixedIn).filter(Boolean))].join(', ');
        return fixes ? `${REASON_TEXT[r]} (${fixes})` : REASON_TEXT[r];
      }
      return REASON_TEXT[r];
    })
    .join(', ');
}

/** Other ids of the vulnerability, for the reader who searches by GHSA or PYSEC id. */
export function otherIds(entry: DigestEntry): string[] {
  return [...entry.advisories, ...entry.aliases].filter((id) => id !== entry.id);
}

export const STATUS_TITLE = { new: 'New', changed: 'Changed', resolved: 'Resolved' } as const;

/** The OSV page of the vulnerability's first record: one trusted host, whatever the record's references say. */
export function entryLink(entry: DigestEntry): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(entry.advisories[0] ?? entry.id)}`;
}
