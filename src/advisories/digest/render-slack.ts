import type { Digest, DigestEntry } from './model.ts';
import {
  headline,
  otherIds,
  packageText,
  placeText,
  plural,
  reasonsText,
  severityLabel,
  STATUS_TITLE,
} from './wording.ts';

/** Slack's documented limits for a message's blocks. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  /** Slack truncates the top-level `text` beyond this. */
  messageText: 40_000,
} as const;

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be (the fallback). */
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

const MAX_PLACES = 5;

/**
 * The digest as a Slack incoming-webhook message (Block Kit): a header, the headline, one section per
 * vulnerability, releases that came or went, and a context line. Stays inside Slack's limits (50 blocks,
 * 3,000 characters a section, 150 a header): what does not fit is counted in "and N more". Untrusted text is
 * escaped as Slack asks (`&`, `<`, `>`), so it cannot form links or mentions. Pure.
 */
export function renderSlack(digest: Digest, options: { fullDigestUrl?: string } = {}): SlackMessage {
  const title = `raygate digest${digest.scope ? `: ${digest.scope}` : ''}`;
  const top: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText), emoji: false },
    },
    section(
      digest.baseline
        ? `${escapeSlack(headline(digest))}. Later digests report what changes.`
        : `*${escapeSlack(headline(digest))}*${digest.since ? ` since ${escapeSlack(digest.since)}` : ''}`,
    ),
  ];
  const bottom: SlackBlock[] = [];
  const releaseLines = [
    ...digest.releases.added.map(
      (r) => `• now watching ${escapeSlack(r.label)} (${plural(r.findings, 'known finding')})`,
    ),
    ...digest.releases.removed.map((r) => `• no longer watching ${escapeSlack(r.label)}`),
  ];
  if (releaseLines.length > 0) bottom.push(section(`*Releases*\n${releaseLines.join('\n')}`));
  bottom.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          `digest ${digest.id.slice(0, 19)} · ${digest.generatedAt}${options.fullDigestUrl ? ` · <${escapeSlack(options.fullDigestUrl)}|full digest>` : ''}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    ],
  });

  const entryBlocks: SlackBlock[] = [];
  const room = SLACK_LIMITS.blocks - top.length - bottom.length - 1; // one block kept for "and N more"
  let shown = 0;
  let status: DigestEntry['status'] | undefined;
  for (const entry of digest.entries) {
    const needs = entry.status === status ? 1 : 2;
    if (entryBlocks.length + needs > room) break;
    if (entry.status !== status) {
      entryBlocks.push({ type: 'divider' });
      status = entry.status;
      entryBlocks.push(
        section(
          `${entrySlack(entry, `*${STATUS_TITLE[entry.status]} (${digest.summary[entry.status]})*\n`)}`,
        ),
      );
    } else entryBlocks.push(section(entrySlack(entry)));
    shown++;
  }
  if (shown < digest.entries.length) {
    entryBlocks.push(
      section(
        `… and ${digest.entries.length - shown} more${options.fullDigestUrl ? ` in the <${escapeSlack(options.fullDigestUrl)}|full digest>` : ''}.`,
      ),
    );
  }
  return {
    text: clip(`${title}: ${headline(digest)}`, SLACK_LIMITS.messageText),
    blocks: [...top, ...entryBlocks, ...bottom],
  };
}

function entrySlack(e: DigestEntry, prefix = ''): string {
  const ids = otherIds(e);
  const lines = [
    `${prefix}*${severityLabel(e.severity, e.score)}* <https://osv.dev/vulnerability/${encodeURIComponent(e.advisories[0] ?? e.id)}|${escapeSlack(e.id)}>${ids.length > 0 ? ` (${ids.map(escapeSlack).join(', ')})` : ''} — ${escapeSlack(reasonsText(e))}`,
  ];
  if (e.summary) lines.push(`_${escapeSlack(e.summary.replace(/\s+/g, ' ').trim().slice(0, 300))}_`);
  for (const a of e.affects.slice(0, MAX_PLACES))
    lines.push(
      `• ${packageText(a, escapeSlack)} in ${placeText(a, escapeSlack, (t) => `\`${escapeSlack(t.replace(/`/g, ''))}\``)}`,
    );
  if (e.affects.length > MAX_PLACES) lines.push(`• … and ${e.affects.length - MAX_PLACES} more`);
  return lines.join('\n');
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack's three control characters in text (its documented escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
