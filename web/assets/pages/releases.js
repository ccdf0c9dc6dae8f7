import { api, withQuery } from '../api.js';
import { h, replace } from '../dom.js';
import { actor, STATE_NAMES, stateBadge, stateLabel, verdictBadge, when } from '../format.js';
import { errorBox, table } from '../widgets.js';

const PAGE_SIZE = 25;

/**
 * The releases list: filters (project, state) and the API's cursor live in the URL, so a filtered page
 * can be shared and the back button works. `prev` keeps the cursors seen so far (the API pages forward).
 */
export async function renderReleases(main, app, signal) {
  const params = new URLSearchParams(location.search);
  const project = params.get('project') ?? '';
  const state = params.get('state') ?? '';
  const cursor = params.get('cursor') ?? '';
  const prev = params.getAll('prev');
  const limit = Number(params.get('limit')) || PAGE_SIZE;

  const projectInput = h('input', {
    id: 'filter-project',
    name: 'project',
    value: project,
    autocomplete: 'off',
  });
  if (app.session?.projects) {
    projectInput.setAttribute('list', 'project-options');
  }
  const stateSelect = h(
    'select',
    { id: 'filter-state', name: 'state' },
    h('option', { value: '' }, 'Any state'),
    STATE_NAMES.map((name) => h('option', { value: name, selected: name === state }, stateLabel(name))),
  );
  const filters = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter releases',
      onSubmit: (event) => {
        event.preventDefault();
        app.navigate(
          withQuery('/releases', { project: projectInput.value.trim(), state: stateSelect.value }),
        );
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'filter-project' }, 'Project'), projectInput),
    app.session?.projects
      ? h(
          'datalist',
          { id: 'project-options' },
          app.session.projects.map((p) => h('option', { value: p })),
        )
      : null,
    h('div', { class: 'field' }, h('label', { for: 'filter-state' }, 'State'), stateSelect),
    h('button', { type: 'submit', class: 'button secondary' }, 'Apply'),
    project || state ? h('a', { href: '/releases', class: 'clear-filters' }, 'Clear filters') : null,
  );
  const results = h(
    'div',
    { id: 'release-results', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading…'),
  );
  replace(main, h('h1', null, 'Releases'), filters, results);

  let page;
  try {
    page = await api('GET', withQuery('/api/v1/releases', { project, state, cursor, limit }), {
      signal,
    });
  } catch (error) {
    if (signal.aborted) return;
    results.removeAttribute('aria-busy');
    replace(results, errorBox(error));
    return;
  }
  results.removeAttribute('aria-busy');
  const rows = page.releases.map((r) => [
    h(
      'a',
      { href: `/releases/${encodeURIComponent(r.id)}`, class: 'release-link' },
      h('span', { class: 'project' }, r.project),
      ' ',
      h('span', { class: 'version' }, r.version),
    ),
    stateBadge(r.state),
    verdictBadge(r.verdict),
    r.summary ?? h('span', { class: 'muted' }, '—'),
    h('span', null, actor(r.submittedBy), h('br'), when(r.submittedAt)),
  ]);
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor
      ? h(
          'a',
          {
            class: 'button secondary',
            rel: 'prev',
            href: pageHref(
              { project, state, limit: params.get('limit') },
              prev.at(-1) ?? '',
              prev.slice(0, -1),
            ),
          },
          '← Newer',
        )
      : null,
    page.next
      ? h(
          'a',
          {
            class: 'button secondary',
            rel: 'next',
            href: pageHref({ project, state, limit: params.get('limit') }, page.next, [...prev, cursor]),
          },
          'Older →',
        )
      : null,
  );
  replace(
    results,
    table('Release candidates, newest first', ['Release', 'State', 'Verdict', 'Summary', 'Submitted'], rows, {
      empty: project || state ? 'No releases match these filters.' : 'No releases yet.',
      className: 'releases',
    }),
    pager,
  );
}

function pageHref(filters, cursor, prev) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  if (cursor) query.set('cursor', cursor);
  for (const c of prev) query.append('prev', c);
  const text = query.toString();
  return text ? `/releases?${text}` : '/releases';
}
