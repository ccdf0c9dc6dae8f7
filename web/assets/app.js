import { api, setCsrfToken, whenSessionEnds } from './api.js';
import { h, replace } from './dom.js';
import { renderExceptions } from './pages/exceptions.js';
import { renderRelease } from './pages/release.js';
import { renderReleases } from './pages/releases.js';
import { renderSignIn } from './pages/sign-in.js';
import { can } from './roles.js';
import { errorBox } from './widgets.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const live = document.getElementById('live');

/** The signed-in session ({actor, name, role, projects, expiresAt}) or null. */
let session = null;
/** Cancels what the current page started (event streams, pending fetches) when leaving it. */
let leavePage = new AbortController();

const app = {
  get session() {
    return session;
  },
  can: (permission) => can(session, permission),
  navigate,
  announce(message) {
    live.textContent = '';
    // A fresh text node makes screen readers announce the same message twice in a row too.
    setTimeout(() => (live.textContent = message), 50);
  },
  async signedIn(newSession) {
    acceptSession(newSession);
    const back = new URLSearchParams(location.search).get('next');
    navigate(back && back.startsWith('/') && !back.startsWith('//') ? back : '/', { replace: true });
  },
  async signOut() {
    try {
      await api('DELETE', '/api/v1/sessions/current');
    } finally {
      acceptSession(null);
      navigate('/sign-in', { replace: true });
      app.announce('Signed out.');
    }
  },
};

function acceptSession(value) {
  session = value;
  setCsrfToken(value?.csrfToken ?? null);
  renderChrome();
}

function renderChrome() {
  if (!session) {
    replace(nav);
    replace(who);
    return;
  }
  const here = location.pathname;
  const link = (href, label, active) =>
    h('a', { href, 'aria-current': active ? 'page' : false, class: active ? 'active' : false }, label);
  replace(
    nav,
    h(
      'ul',
      null,
      h('li', null, link('/releases', 'Releases', here === '/' || here.startsWith('/releases'))),
      h('li', null, link('/exceptions', 'Exceptions', here.startsWith('/exceptions'))),
    ),
  );
  replace(
    who,
    h(
      'span',
      { class: 'who-name', title: session.actor },
      session.name,
      ' · ',
      h('span', { 'data-role': session.role }, session.role),
      session.projects ? ` · ${session.projects.join(', ')}` : '',
    ),
    h(
      'button',
      { type: 'button', class: 'button secondary', id: 'sign-out', onClick: () => app.signOut() },
      'Sign out',
    ),
  );
}

function navigate(path, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}

async function route() {
  leavePage.abort();
  leavePage = new AbortController();
  const signal = leavePage.signal;
  const { pathname } = location;
  renderChrome();
  if (!session && pathname !== '/sign-in') {
    const next = `${pathname}${location.search}`;
    history.replaceState(null, '', next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`);
  }
  const page = location.pathname;
  try {
    if (page === '/sign-in') {
      if (session) return navigate('/', { replace: true });
      setTitle('Sign in');
      return renderSignIn(main, app);
    }
    const release = /^\/releases\/([A-Za-z0-9_-]+)$/.exec(page);
    if (release) return await renderRelease(main, app, release[1], signal, setTitle);
    if (page === '/' || page === '/releases') {
      setTitle('Releases');
      return await renderReleases(main, app, signal);
    }
    if (page === '/exceptions') {
      setTitle('Exceptions');
      return await renderExceptions(main, app, signal);
    }
    setTitle('Not found');
    replace(main, h('h1', null, 'Not found'), h('p', null, h('a', { href: '/' }, 'Back to releases')));
  } catch (error) {
    if (error?.name === 'AbortError' || signal.aborted) return;
    replace(main, h('h1', null, 'Something went wrong'), errorBox(error));
  }
}

function setTitle(title) {
  document.title = `${title} · raygate`;
}

// Same-origin links navigate inside the page; modified clicks (new tab) and downloads are left alone.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!anchor || anchor.hasAttribute('download') || anchor.target) return;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}`);
});

window.addEventListener('popstate', () => void route());

whenSessionEnds(() => {
  if (!session) return;
  acceptSession(null);
  const next = `${location.pathname}${location.search}`;
  navigate(`/sign-in?next=${encodeURIComponent(next)}`, { replace: true });
  app.announce('Your session has ended. Sign in again.');
});

async function boot() {
  try {
    acceptSession(await api('GET', '/api/v1/sessions/current'));
  } catch {
    acceptSession(null);
  }
  await route();
}

void boot();
