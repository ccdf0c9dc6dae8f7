import { h } from './dom.js';

// Badges carry a symbol and a word, never colour alone.
const STATES = {
  pending: { label: 'Pending', symbol: '○', tone: 'neutral' },
  evaluating: { label: 'Evaluating', symbol: '◔', tone: 'info' },
  awaiting_approval: { label: 'Awaiting approval', symbol: '◑', tone: 'attention' },
  approved: { label: 'Approved', symbol: '✓', tone: 'success' },
  rejected: { label: 'Rejected', symbol: '✗', tone: 'danger' },
};

const VERDICTS = {
  allow: { label: 'Allow', symbol: '✓', tone: 'success' },
  'needs-approval': { label: 'Needs approval', symbol: '◑', tone: 'attention' },
  deny: { label: 'Deny', symbol: '✗', tone: 'danger' },
};

const STATUSES = {
  pass: { label: 'Pass', symbol: '✓', tone: 'success' },
  'pass-with-exception': { label: 'Pass (exception)', symbol: '✓*', tone: 'success' },
  warn: { label: 'Warn', symbol: '!', tone: 'attention' },
  fail: { label: 'Fail', symbol: '✗', tone: 'danger' },
  pending: { label: 'Pending', symbol: '…', tone: 'info' },
  excepted: { label: 'Excepted', symbol: '✓*', tone: 'success' },
  info: { label: 'Info', symbol: 'i', tone: 'neutral' },
  // exceptions
  active: { label: 'Active', symbol: '✓', tone: 'success' },
  unapproved: { label: 'Unapproved', symbol: '…', tone: 'attention' },
  expired: { label: 'Expired', symbol: '⌛', tone: 'danger' },
  revoked: { label: 'Revoked', symbol: '✗', tone: 'neutral' },
  applied: { label: 'Applied', symbol: '✓', tone: 'success' },
  unused: { label: 'Unused', symbol: '–', tone: 'neutral' },
  // reviews
  'approved-review': { label: 'Approval', symbol: '✓', tone: 'success' },
  'rejected-review': { label: 'Rejection', symbol: '✗', tone: 'danger' },
  // VSAs
  none: { label: 'None', symbol: '–', tone: 'neutral' },
  issued: { label: 'Issued', symbol: '✓', tone: 'success' },
  failed: { label: 'Failed', symbol: '✗', tone: 'danger' },
};

function badge(table, value, kind) {
  const known = table[value];
  const entry = known ?? { label: String(value), symbol: '?', tone: 'neutral' };
  return h(
    'span',
    { class: `badge tone-${entry.tone}`, 'data-kind': kind, 'data-value': String(value) },
    h('span', { 'aria-hidden': 'true', class: 'badge-symbol' }, entry.symbol),
    ' ',
    entry.label,
  );
}

export const stateBadge = (state) => badge(STATES, state, 'state');
export const verdictBadge = (verdict) =>
  verdict ? badge(VERDICTS, verdict, 'verdict') : h('span', { class: 'muted' }, 'No decision yet');
export const statusBadge = (status) => badge(STATUSES, status, 'status');

export const STATE_NAMES = Object.keys(STATES);
export const stateLabel = (state) => STATES[state]?.label ?? state;

/** A timestamp for people (local time), with the exact ISO value in a <time> element. */
export function when(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return h('time', { datetime: iso, title: iso }, text);
}

/** A digest, shortened for reading, whole in its title and for copying. */
export function digest(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const [algorithm, hex] = value.includes(':') ? value.split(':', 2) : ['', value];
  const short = hex.length > 16 ? `${algorithm ? `${algorithm}:` : ''}${hex.slice(0, 12)}…` : value;
  return h('code', { class: 'digest', title: value, 'data-digest': value }, short);
}

/** Who did it: `token:tok_…` as recorded; the raw actor is always visible. */
export function actor(value) {
  return h('span', { class: 'actor' }, value ?? '—');
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
