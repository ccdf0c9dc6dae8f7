// The only way the UI builds markup. Every string child becomes a Text node and every attribute is set
// with setAttribute, so a value from the API (a project name, a comment, a reason) is always shown as
// text and never parsed as HTML. There is no innerHTML anywhere in the UI; the page's CSP also requires
// Trusted Types, so a mistaken innerHTML assignment would throw instead of running.

/** Attributes that may hold a URL: only same-origin paths and http(s) are allowed there. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action']);

/**
 * h('a', {href: '/x', class: 'link', onClick: fn}, 'text', child, [more, children]).
 * Props: `class`, `on<Event>` handlers, booleans (true sets, false omits), anything else an attribute.
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (URL_ATTRIBUTES.has(name)) {
      element.setAttribute(name, safeUrl(String(value)));
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: strings and numbers as text, nodes as they are, arrays flattened, null skipped. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

function safeUrl(value) {
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  if (value.startsWith('#')) return value;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // not a URL: fall through
  }
  return '#';
}
