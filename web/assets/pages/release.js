import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { actor, digest, plural, stateBadge, statusBadge, verdictBadge, when } from '../format.js';
import { errorBox, facts, section, table } from '../widgets.js';

// Failing rules first, as a reviewer reads them; within a status, the policy's order.
const STATUS_ORDER = ['fail', 'pending', 'warn', 'pass-with-exception', 'pass'];
const SUBJECT_FIELDS = [
  ['artifactName', 'Artifact'],
  ['artifact', 'Digest'],
  ['package', 'Package'],
  ['advisory', 'Advisory'],
  ['advisoryAliases', 'Aliases'],
  ['attestation', 'Attestation'],
  ['file', 'File'],
  ['line', 'Line'],
  ['field', 'Field'],
];

/**
 * One release: what was decided and why (every rule with its reasons), what it is made of, what people
 * said, and its audit trail. While the release can still change, the page follows its event stream and
 * redraws from the API on every event.
 */
export async function renderRelease(main, app, id, signal, setTitle) {
  const path = `/api/v1/releases/${encodeURIComponent(id)}`;
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  let release;
  try {
    release = await api('GET', path, { signal });
  } catch (error) {
    if (signal.aborted) return;
    setTitle('Release');
    replace(
      main,
      h('h1', null, 'Release'),
      errorBox(error),
      h('p', null, h('a', { href: '/' }, 'Back to releases')),
    );
    return;
  }
  const view = { release, audit: null, reviewError: null, draft: '' };
  const redraw = () => draw(main, app, view, setTitle, refresh);
  let refreshing = null;
  async function refresh() {
    // Coalesce bursts of events into one fetch at a time, plus one after it.
    if (refreshing) return refreshing.then(() => (refreshing ? undefined : refresh()));
    refreshing = (async () => {
      try {
        view.release = await api('GET', path, { signal });
        view.audit = await loadAudit(view.release, signal);
        redraw();
      } catch (error) {
        if (!signal.aborted) console.warn('refresh failed', error);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }
  view.audit = await loadAudit(release, signal);
  redraw();
  follow(view, app, signal, refresh);
}

const AUDIT_PAGE = 200;
const AUDIT_MAX_PAGES = 20;

/** The release's audit entries, page after page (the API pages by sequence number). */
async function loadAudit(release, signal) {
  const entries = [];
  try {
    for (let page = 0; page < AUDIT_MAX_PAGES; page++) {
      const after = entries.at(-1)?.seq ?? 0;
      const answer = await api('GET', `${release.links.audit}?after=${after}&limit=${AUDIT_PAGE}`, {
        signal,
      });
      entries.push(...answer.entries);
      if (answer.entries.length < AUDIT_PAGE) break;
    }
    return entries;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** Follows the release's server-sent events until it is settled or the page is left. */
function follow(view, app, signal, refresh) {
  if (isSettled(view.release)) return;
  const source = new EventSource(view.release.links.events);
  let lastState = view.release.state;
  const onEvent = async () => {
    await refresh();
    if (view.release.state !== lastState) {
      lastState = view.release.state;
      app.announce(`Release is now ${view.release.state.replace('_', ' ')}. ${view.release.summary ?? ''}`);
    }
  };
  for (const type of ['state', 'evidence', 'decision', 'approval', 'rejection', 'vsa', 'exception']) {
    source.addEventListener(type, () => void onEvent());
  }
  source.addEventListener('end', () => {
    source.close();
    void onEvent();
  });
  signal.addEventListener('abort', () => source.close(), { once: true });
}

function isSettled(release) {
  return release.state === 'rejected' || (release.state === 'approved' && release.vsa !== 'pending');
}

function draw(main, app, view, setTitle, refresh) {
  const { release } = view;
  setTitle(`${release.project} ${release.version}`);
  const focused = document.activeElement?.id;
  const liveNote = ['pending', 'evaluating'].includes(release.state)
    ? h(
        'p',
        { class: 'live-note', role: 'status' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        'Evaluating — this page updates by itself.',
      )
    : null;
  replace(
    main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/releases' }, 'Releases'), ' / ', release.project),
    h(
      'header',
      { class: 'release-header' },
      h(
        'h1',
        null,
        h('span', { class: 'project' }, release.project),
        ' ',
        h('span', { class: 'version' }, release.version),
      ),
      h(
        'div',
        { class: 'badges', id: 'release-status' },
        stateBadge(release.state),
        ' ',
        verdictBadge(release.verdict),
      ),
      release.summary ? h('p', { class: 'summary', id: 'release-summary' }, release.summary) : null,
      liveNote,
    ),
    facts([
      ['Release id', h('code', null, release.id)],
      [
        'Policy',
        h(
          'span',
          null,
          release.policy?.name ?? '—',
          ' ',
          release.policy?.digest ? digest(release.policy.digest) : '',
        ),
      ],
      ['Repository', release.git?.repository],
      ['Ref', release.git?.ref],
      ['Commit', release.git?.commit ? h('code', null, release.git.commit) : undefined],
      ['Submitted', h('span', null, actor(release.submittedBy), ' · ', when(release.submittedAt))],
      ['Verification summary', statusBadge(release.vsa)],
    ]),
    reviewPanel(app, view, refresh),
    rulesSection(release),
    artifactsSection(release),
    evidenceSection(release),
    exceptionsSection(release),
    reviewsSection(release),
    vsaSection(release),
    decisionsSection(release),
    auditSection(view.audit),
  );
  if (focused) document.getElementById(focused)?.focus();
}

function reviewPanel(app, view, refresh) {
  const { release } = view;
  if (!app.can('release:approve')) return null;
  if (release.state !== 'awaiting_approval') return null;
  const comment = h('textarea', {
    id: 'review-comment',
    name: 'comment',
    rows: 3,
    required: true,
    maxlength: 4000,
    'aria-describedby': 'review-help',
    onInput: (event) => (view.draft = event.target.value),
  });
  comment.value = view.draft;
  const status = h('div', { id: 'review-status' }, view.reviewError ? errorBox(view.reviewError) : null);
  const send = async (kind) => {
    const text = comment.value.trim();
    if (!text) {
      view.reviewError = {
        code: 'COMMENT_REQUIRED',
        message: 'Write a comment: it goes into the audit trail.',
      };
      replace(status, errorBox(view.reviewError));
      comment.focus();
      return;
    }
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      await api('POST', `${release.links.self}/${kind}`, { json: { comment: text } });
      view.reviewError = null;
      view.draft = '';
      app.announce(kind === 'approvals' ? 'Approval recorded.' : 'Rejection recorded.');
      await refresh();
    } catch (error) {
      view.reviewError = error;
      replace(status, errorBox(error));
      for (const b of form.querySelectorAll('button')) b.disabled = false;
    }
  };
  const approve = h(
    'button',
    { type: 'button', id: 'approve', class: 'button primary', onClick: () => send('approvals') },
    'Approve',
  );
  const reject = h(
    'button',
    { type: 'button', id: 'reject', class: 'button danger', onClick: () => send('rejections') },
    'Reject',
  );
  const form = h(
    'form',
    { class: 'card review', 'aria-labelledby': 'review-title', onSubmit: (event) => event.preventDefault() },
    h('h2', { id: 'review-title' }, 'Review'),
    h('label', { for: 'review-comment' }, 'Comment (required)'),
    comment,
    h(
      'p',
      { id: 'review-help', class: 'help' },
      'Approving or rejecting is recorded with your identity and this comment. The server enforces separation of duties.',
    ),
    release.submittedBy === app.session?.actor
      ? h(
          'p',
          { class: 'note', id: 'review-own' },
          'You submitted this release: separation of duties means the server will not count or accept your approval.',
        )
      : null,
    h('div', { class: 'actions' }, approve, ' ', reject),
    status,
  );
  return form;
}

function rulesSection(release) {
  const decision = release.decision;
  if (!decision) return section('rules', 'Policy rules', h('p', { class: 'muted' }, 'Not evaluated yet.'));
  const rules = [...decision.rules].sort(
    (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
  );
  const counts = Object.entries(decision.counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([status, n]) => h('li', null, statusBadge(status), ' ', String(n)));
  return section(
    'rules',
    'Policy rules',
    h(
      'p',
      null,
      'Evaluated ',
      when(decision.evaluatedAt),
      ` (${decision.trigger}) against policy `,
      decision.inputs?.policy?.name ?? '',
      '.',
    ),
    h('ul', { class: 'counts', 'aria-label': 'Rule results by status' }, counts),
    h(
      'ol',
      { class: 'rules' },
      rules.map((rule) =>
        h(
          'li',
          { class: `rule status-${rule.status}`, 'data-rule': rule.rule },
          h(
            'details',
            { open: rule.status !== 'pass' && rule.reasons.length > 0 },
            h(
              'summary',
              null,
              statusBadge(rule.status),
              ' ',
              h('strong', { class: 'rule-id' }, rule.rule),
              ' ',
              h('span', { class: 'muted' }, `${rule.family} · on violation: ${rule.action}`),
              h('span', { class: 'rule-summary' }, rule.summary),
            ),
            rule.reasons.length === 0
              ? h('p', { class: 'muted' }, 'No reasons recorded.')
              : h('ul', { class: 'reasons' }, rule.reasons.map(reasonItem)),
          ),
        ),
      ),
    ),
  );
}

function reasonItem(reason) {
  const subject = SUBJECT_FIELDS.filter(([key]) => reason.subject?.[key] !== undefined).map(
    ([key, label]) => {
      const value = reason.subject[key];
      const shown = Array.isArray(value)
        ? value.join(', ')
        : key === 'artifact'
          ? digest(value)
          : String(value);
      return h('span', { class: 'subject-field' }, h('span', { class: 'muted' }, `${label}: `), shown);
    },
  );
  return h(
    'li',
    { class: `reason status-${reason.status}` },
    statusBadge(reason.status),
    ' ',
    h('code', { class: 'reason-code' }, reason.code),
    ' ',
    h('span', { class: 'reason-message' }, reason.message),
    subject.length > 0 ? h('div', { class: 'subject' }, subject) : null,
    reason.exception
      ? h(
          'div',
          { class: 'reason-exception' },
          'Exception ',
          h('code', null, reason.exception.id),
          ` (owner ${reason.exception.owner}, expires `,
          when(reason.exception.expiresAt),
          '): ',
          reason.exception.reason,
        )
      : null,
  );
}

function artifactsSection(release) {
  const rows = release.artifacts.map((a) => {
    const evidence = a.evidence ?? {};
    const attestations = evidence.attestations;
    const vulns = evidence.vulnerabilities;
    return [
      a.kind,
      h('span', null, a.name, a.reference ? h('div', { class: 'muted small' }, a.reference) : null),
      h('code', { class: 'digest-full' }, a.digest),
      a.sbom
        ? h(
            'a',
            {
              href: a.sbom.href,
              download: `${a.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.cdx.json`,
              class: 'sbom-link',
            },
            `Download SBOM (${a.sbom.origin})`,
          )
        : h('span', { class: 'muted' }, 'No SBOM'),
      attestations
        ? `${plural(attestations.verified?.length ?? 0, 'verified attestation')}, ${attestations.failed ?? 0} failed`
        : h('span', { class: 'muted' }, '—'),
      vulns ? summarizeObject(vulns) : h('span', { class: 'muted' }, 'Not assessed'),
    ];
  });
  return section(
    'artifacts',
    'Artifacts',
    table(
      'Artifacts of the release',
      ['Kind', 'Name', 'Digest', 'SBOM', 'Attestations', 'Vulnerabilities'],
      rows,
      {
        empty: 'No artifacts.',
      },
    ),
  );
}

function evidenceSection(release) {
  const evidence = release.evidence;
  if (!evidence)
    return section('evidence', 'Evidence', h('p', { class: 'muted' }, 'No evidence collected yet.'));
  const lockRows = (evidence.lockFiles ?? []).map((file) => [
    file.name ?? file.path ?? '—',
    summarizeObject(Object.fromEntries(Object.entries(file).filter(([k]) => k !== 'name' && k !== 'path'))),
  ]);
  return section(
    'evidence',
    'Evidence',
    h('h3', null, 'Lock files'),
    table('Lock files', ['File', 'Summary'], lockRows, { empty: 'No lock files.' }),
    h('h3', null, 'Ray deployment'),
    evidence.ray ? summarizeObject(evidence.ray) : h('p', { class: 'muted' }, 'No Ray deployment evidence.'),
  );
}

function exceptionsSection(release) {
  const reports = release.decision?.exceptions ?? [];
  const rows = reports.map((e) => [
    h('code', null, e.id),
    statusBadge(e.state),
    String(e.matches),
    e.message,
  ]);
  return section(
    'exceptions',
    'Exceptions',
    table('Exceptions considered by the decision', ['Exception', 'Outcome', 'Matches', 'Details'], rows, {
      empty: 'No exception applied to or expired on this release.',
    }),
  );
}

function reviewsSection(release) {
  const items = [
    ...release.approvals.map((r) => ({ ...r, kind: 'approval' })),
    ...release.rejections.map((r) => ({ ...r, kind: 'rejection' })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return section(
    'reviews',
    'Approvals and rejections',
    items.length === 0
      ? h('p', { class: 'muted empty' }, 'No reviews yet.')
      : h(
          'ol',
          { class: 'reviews' },
          items.map((r) =>
            h(
              'li',
              { class: `review-item ${r.kind}` },
              h(
                'p',
                { class: 'review-meta' },
                statusBadge(r.kind === 'approval' ? 'approved-review' : 'rejected-review'),
                ' by ',
                actor(r.actor),
                r.roles?.length ? ` (${r.roles.join(', ')})` : '',
                ' · ',
                when(r.at),
              ),
              h('blockquote', { class: 'review-comment' }, r.comment),
            ),
          ),
        ),
  );
}

function vsaSection(release) {
  const rows = release.vsas.map((v) => [
    v.resourceUri ?? String(v.artifact),
    digest(v.subject),
    v.signer ?? '—',
    when(v.issuedAt),
    v.attachment ? summarizeObject(v.attachment) : '—',
  ]);
  return section(
    'vsas',
    'Verification summaries (SLSA VSA)',
    table('Verification summaries', ['Resource', 'Subject', 'Signer', 'Issued', 'Attachment'], rows, {
      empty: release.state === 'approved' ? 'Being issued…' : 'Issued when the release is approved.',
    }),
    release.vsas.length > 0
      ? h(
          'p',
          null,
          h('a', { href: release.links.vsa, download: `${release.id}.vsa.json` }, 'Download the signed VSAs'),
        )
      : null,
  );
}

function decisionsSection(release) {
  const rows = release.decisions.map((d) => [
    String(d.id),
    verdictBadge(d.verdict),
    d.trigger,
    d.summary,
    when(d.evaluatedAt),
  ]);
  return section(
    'decisions',
    'Decision history',
    table('Every decision made on this release', ['#', 'Verdict', 'Trigger', 'Summary', 'When'], rows, {
      empty: 'No decision yet.',
    }),
  );
}

function auditSection(audit) {
  if (audit instanceof ApiError) return section('audit', 'Audit trail', errorBox(audit));
  const rows = (audit ?? []).map((e) => [
    String(e.seq),
    when(e.recordedAt),
    actor(e.actor),
    h('code', null, e.action),
    h('code', { class: 'details' }, JSON.stringify(e.details)),
  ]);
  return section(
    'audit',
    'Audit trail',
    table(
      'Audit entries of this release, in chain order',
      ['#', 'When', 'Actor', 'Action', 'Details'],
      rows,
      {
        empty: 'No audit entries.',
      },
    ),
  );
}

/** A small object as "key: value" text (nested values as compact JSON). */
function summarizeObject(value) {
  if (value === null || typeof value !== 'object') return String(value);
  const parts = Object.entries(value).map(
    ([k, v]) => `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
  return h('span', { class: 'summary-object' }, parts.join(' · '));
}
