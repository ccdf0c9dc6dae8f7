import { h } from './dom.js';

/** An error as the server said it: its code and message, as text, announced to screen readers. */
export function errorBox(error) {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', { class: 'error-code' }, error?.code ?? 'ERROR'),
    ' ',
    h('span', { class: 'error-message' }, error?.message ?? String(error)),
  );
}

/** A titled section with a heading that screen reader users can jump to. */
export function section(id, title, ...children) {
  return h(
    'section',
    { id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...children,
  );
}

/** A definition list from [term, value] pairs; pairs with an undefined value are left out. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== undefined)
      .map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value ?? '—'))),
  );
}

/** A table with a caption (for screen readers), column headers and rows of cells. */
export function table(caption, headers, rows, { empty = 'Nothing here.', className } = {}) {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((header) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell) => h('td', null, cell)),
          ),
        ),
      ),
    ),
  );
}
