import { api, withQuery } from '../api.js';
import { h, replace } from '../dom.js';
import { actor, statusBadge, when } from '../format.js';
import { errorBox, table } from '../widgets.js';

const STATUSES = ['active', 'unapproved', 'expired', 'revoked'];
const SCOPE_KINDS = {
  advisory: { label: 'Advisory', field: 'id', placeholder: 'GHSA-xxxx-xxxx-xxxx or CVE-2025-1234' },
  purl: { label: 'Package URL', field: 'purl', placeholder: 'pkg:pypi/requests@2.31.0' },
  artifact: { label: 'Artifact digest', field: 'digest', placeholder: 'sha256:…' },
  release: { label: 'Release', field: 'releaseId', placeholder: 'rel_…' },
};

/**
 * Exceptions (accepted risks): everyone sees them; admins record one, a second admin approves it, and
 * any admin can revoke one. Expired exceptions stay listed: they fail the releases they would cover.
 */
export async function renderExceptions(main, app, signal) {
  const params = new URLSearchParams(location.search);
  const status = params.get('status') ?? '';
  const project = params.get('project') ?? '';
  const cursor = params.get('cursor') ?? '';
  const manage = app.can('exception:manage');
  const notice = h('div', { id: 'exception-status' });
  const list = h(
    'div',
    { id: 'exception-list', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading…'),
  );

  const statusSelect = h(
    'select',
    { id: 'exception-filter-status', name: 'status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  const projectInput = h('input', { id: 'exception-filter-project', name: 'project', value: project });
  const filters = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter exceptions',
      onSubmit: (event) => {
        event.preventDefault();
        app.navigate(
          withQuery('/exceptions', { status: statusSelect.value, project: projectInput.value.trim() }),
        );
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'exception-filter-project' }, 'Applies to project'),
      projectInput,
    ),
    h('div', { class: 'field' }, h('label', { for: 'exception-filter-status' }, 'Status'), statusSelect),
    h('button', { type: 'submit', class: 'button secondary' }, 'Apply'),
  );

  const reload = async () => {
    list.setAttribute('aria-busy', 'true');
    try {
      const page = await api(
        'GET',
        withQuery('/api/v1/exceptions', { status, project, cursor, limit: 100 }),
        {
          signal,
        },
      );
      replace(
        list,
        exceptionTable(page.exceptions, manage, act),
        h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages' },
          cursor
            ? h(
                'a',
                { class: 'button secondary', href: withQuery('/exceptions', { status, project }) },
                '← Newest',
              )
            : null,
          page.next
            ? h(
                'a',
                {
                  class: 'button secondary',
                  rel: 'next',
                  href: withQuery('/exceptions', { status, project, cursor: page.next }),
                },
                'Older →',
              )
            : null,
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(list, errorBox(error));
    } finally {
      list.removeAttribute('aria-busy');
    }
  };
  const act = async (method, path, done) => {
    try {
      await api(method, path);
      replace(notice, h('p', { class: 'notice', role: 'status' }, done));
      await reload();
    } catch (error) {
      replace(notice, errorBox(error));
    }
  };

  replace(
    main,
    h('h1', null, 'Exceptions'),
    h(
      'p',
      { class: 'help' },
      'Accepted risks: each covers an advisory, a package, an artifact or one release, has an owner and an expiry, and applies once a second admin approves it.',
    ),
    filters,
    notice,
    list,
    manage ? createForm(notice, reload) : null,
  );
  await reload();
}

function exceptionTable(exceptions, manage, act) {
  const rows = exceptions.map((e) => [
    h('code', null, e.id),
    e.project ?? h('em', null, 'every project'),
    h('span', null, h('span', { class: 'muted' }, `${e.scope.kind}: `), scopeValue(e.scope)),
    e.rules?.length ? e.rules.join(', ') : h('span', { class: 'muted' }, 'all rules'),
    h('span', { class: 'exception-reason' }, e.reason),
    e.owner,
    when(e.expiresAt),
    statusBadge(e.status),
    h(
      'span',
      null,
      actor(e.createdBy),
      e.approvedBy ? h('div', { class: 'small' }, 'approved by ', actor(e.approvedBy)) : null,
    ),
    manage ? actions(e, act) : null,
  ]);
  const headers = ['Id', 'Project', 'Scope', 'Rules', 'Reason', 'Owner', 'Expires', 'Status', 'Recorded by'];
  return table('Exceptions, newest first', manage ? [...headers, 'Actions'] : headers, rows, {
    empty: 'No exceptions.',
  });
}

function scopeValue(scope) {
  const value = scope.id ?? scope.purl ?? scope.digest ?? scope.releaseId ?? '';
  const extra = scope.kind === 'advisory' && scope.purl ? ` in ${scope.purl}` : '';
  return h('code', null, `${value}${extra}`);
}

function actions(e, act) {
  const path = `/api/v1/exceptions/${encodeURIComponent(e.id)}`;
  return h(
    'div',
    { class: 'actions' },
    e.status === 'unapproved'
      ? h(
          'button',
          {
            type: 'button',
            class: 'button secondary',
            'aria-label': `Approve exception ${e.id}`,
            onClick: () => act('POST', `${path}/approval`, `Exception ${e.id} approved.`),
          },
          'Approve',
        )
      : null,
    e.status === 'unapproved' || e.status === 'active' || e.status === 'expired'
      ? h(
          'button',
          {
            type: 'button',
            class: 'button danger',
            'aria-label': `Revoke exception ${e.id}`,
            onClick: () => act('DELETE', path, `Exception ${e.id} revoked.`),
          },
          'Revoke',
        )
      : null,
  );
}

function createForm(notice, reload) {
  const kind = h(
    'select',
    { id: 'new-scope-kind', name: 'kind' },
    Object.entries(SCOPE_KINDS).map(([value, k]) => h('option', { value }, k.label)),
  );
  const value = h('input', {
    id: 'new-scope-value',
    name: 'value',
    required: true,
    placeholder: SCOPE_KINDS.advisory.placeholder,
  });
  kind.addEventListener('change', () =>
    value.setAttribute('placeholder', SCOPE_KINDS[kind.value].placeholder),
  );
  const project = h('input', { id: 'new-project', name: 'project', placeholder: 'every project' });
  const rules = h('input', {
    id: 'new-rules',
    name: 'rules',
    placeholder: 'all rules (or: vulnerabilities-fixable, sbom)',
  });
  const reason = h('textarea', {
    id: 'new-reason',
    name: 'reason',
    rows: 2,
    required: true,
    maxlength: 2000,
  });
  const owner = h('input', { id: 'new-owner', name: 'owner', required: true, maxlength: 200 });
  const expires = h('input', { id: 'new-expires', name: 'expires', type: 'date', required: true });
  const field = (input, label) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'new-exception-title',
      onSubmit: async (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        const scope = { kind: kind.value, [SCOPE_KINDS[kind.value].field]: value.value.trim() };
        const body = {
          scope,
          reason: reason.value.trim(),
          owner: owner.value.trim(),
          // End of the chosen day, UTC: an exception lasts through the day it names.
          expiresAt: `${expires.value}T23:59:59Z`,
        };
        if (project.value.trim()) body.project = project.value.trim();
        const ruleList = rules.value
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        if (ruleList.length > 0) body.rules = ruleList;
        try {
          const created = await api('POST', '/api/v1/exceptions', { json: body });
          form.reset();
          replace(
            notice,
            h(
              'p',
              { class: 'notice', role: 'status' },
              `Exception ${created.id} recorded; another admin must approve it.`,
            ),
          );
          await reload();
        } catch (error) {
          replace(notice, errorBox(error));
        }
      },
    },
    h('h2', { id: 'new-exception-title' }, 'Record an exception'),
    h(
      'div',
      { class: 'form-grid' },
      field(kind, 'Scope'),
      field(value, 'Covers'),
      field(project, 'Project (optional)'),
      field(rules, 'Rules (optional, comma-separated)'),
      field(owner, 'Owner'),
      field(expires, 'Expires on'),
    ),
    field(reason, 'Reason'),
    h('button', { type: 'submit', class: 'button primary' }, 'Record exception'),
  );
  return form;
}
