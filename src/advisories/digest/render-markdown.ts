import type { Digest, DigestEntry } from './model.ts';
import {
  entryLink,
  headline,
  otherIds,
  packageText,
  placeText,
  plural,
  reasonsText,
  severityLabel,
  STATUS_TITLE,
} from './wording.ts';

export interface MarkdownOptions {
  /** GitHub issue bodies hold 65,536 characters; entries that do not fit are counted in "and N more". */
  maxChars?: number;
  /** A hidden marker (an HTML comment) carried in the body, to find this digest's issue again. */
  marker?: string;
  /** Where the whole digest can be read (the service's API), linked when entries are left out. */
  fullDigestUrl?: string;
}

const GITHUB_ISSUE_BODY_MAX = 65_536;
/** Affected places listed under one entry before "and N more". */
const MAX_PLACES = 10;

/** The issue or e-mail title: `raygate digest for ray-images: 3 new advisories affect 2 shipped releases`. */
export function markdownTitle(digest: Digest): string {
  const title = `raygate advisory digest${digest.scope ? ` for ${digest.scope}` : ''}: ${headline(digest)}`;
  return title.length > 250 ? `${title.slice(0, 249)}…` : title;
}

/**
 * The digest as GitHub-flavoured Markdown (an issue or an e-mail body): a headline, then New, Changed and
 * Resolved with one line per vulnerability (most severe first) and the releases, artifacts and packages it
 * affects, then releases that came or went. Text from advisories is escaped, so a summary cannot inject
 * links, mentions or HTML. Pure.
 */
export function renderMarkdown(digest: Digest, options: MarkdownOptions = {}): string {
  const max = Math.min(options.maxChars ?? GITHUB_ISSUE_BODY_MAX, GITHUB_ISSUE_BODY_MAX);
  const head: string[] = [`## ${escapeMarkdown(markdownTitle(digest))}`, ''];
  head.push(periodLine(digest), '');
  const tail: string[] = [];
  const { added, removed } = digest.releases;
  if (added.length > 0 || removed.length > 0) {
    tail.push('### Releases', '');
    for (const r of added)
      tail.push(`- now watching ${escapeMarkdown(r.label)} (${plural(r.findings, 'known finding')})`);
    for (const r of removed) tail.push(`- no longer watching ${escapeMarkdown(r.label)}`);
    tail.push('');
  }
  const footer = [
    `<sub>raygate digest \`${digest.id.slice(0, 19)}\` · ${digest.generatedAt}${digest.source?.generation ? ` · advisories ${escapeMarkdown(digest.source.generation)}` : ''}</sub>`,
    ...(options.marker ? [`<!-- ${options.marker.replace(/--/g, '- -')} -->`] : []),
  ];

  const blocks: { status: DigestEntry['status']; text: string }[] = digest.entries.map((e) => ({
    status: e.status,
    text: entryMarkdown(e),
  }));
  const fixed = [...head, ...tail, ...footer].join('\n').length + 200;
  const out: string[] = [...head];
  let used = fixed;
  let shown = 0;
  let section: string | undefined;
  for (const block of blocks) {
    const title =
      section === block.status
        ? ''
        : `### ${STATUS_TITLE[block.status]} (${digest.summary[block.status]})\n\n`;
    if (used + title.length + block.text.length + 1 > max) break;
    if (title) out.push(title.trimEnd(), '');
    section = block.status;
    out.push(block.text);
    used += title.length + block.text.length + 1;
    shown++;
  }
  if (shown < blocks.length) {
    out.push(
      '',
      `… and ${blocks.length - shown} more${options.fullDigestUrl ? ` in the [full digest](${options.fullDigestUrl})` : ''}.`,
    );
  }
  if (shown > 0) out.push('');
  out.push(...tail, ...footer);
  return `${out.join('\n')}\n`;
}

function periodLine(digest: Digest): string {
  if (digest.baseline)
    return 'No earlier digest: these releases are the baseline, later digests report what changes.';
  return `Since ${digest.since}: ${escapeMarkdown(headline(digest))}.`;
}

function entryMarkdown(e: DigestEntry): string {
  const ids = otherIds(e);
  const lines = [
    `- **${severityLabel(e.severity, e.score)}** [${escapeMarkdown(e.id)}](${entryLink(e)})${ids.length > 0 ? ` (${ids.map(escapeMarkdown).join(', ')})` : ''} — ${escapeMarkdown(reasonsText(e))}${e.summary ? `: ${escapeMarkdown(oneLine(e.summary))}` : ''}`,
  ];
  for (const a of e.affects.slice(0, MAX_PLACES))
    lines.push(`  - ${packageText(a, escapeMarkdown)} in ${placeText(a, escapeMarkdown, codeSpan)}`);
  if (e.affects.length > MAX_PLACES) lines.push(`  - … and ${e.affects.length - MAX_PLACES} more`);
  return lines.join('\n');
}

/** A code span for an image reference or digest: no Markdown, mentions or links inside. */
function codeSpan(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, '')}\``;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Escapes Markdown and HTML so untrusted text renders as itself; `@name` gets a zero-width joiner so a
 * summary cannot mention (notify) people or teams, and `#123` cannot link issues.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]#|~]/g, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, '@\u200d')
    .replace(/\r?\n/g, ' ');
}
