import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../widgets.js';

/**
 * Sign-in: the token is typed or pasted, sent once to POST /api/v1/sessions as a Bearer header, and
 * dropped — the page keeps only the session the server answers with (the cookie is HttpOnly).
 */
export function renderSignIn(main, app) {
  const status = h('div', { id: 'sign-in-status' });
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card sign-in',
      novalidate: true,
      onSubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        input.value = '';
        if (!token) {
          replace(status, errorBox({ code: 'TOKEN_REQUIRED', message: 'Paste an API token (rg_…).' }));
          input.focus();
          return;
        }
        button.disabled = true;
        replace(status, h('p', { class: 'muted' }, 'Signing in…'));
        try {
          const session = await api('POST', '/api/v1/sessions', { token });
          replace(status);
          await app.signedIn(session);
        } catch (error) {
          const shown =
            error instanceof ApiError && error.status === 401
              ? { code: error.code, message: `Sign-in failed: ${error.message}` }
              : error;
          replace(status, errorBox(shown));
          input.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', null, 'Sign in to raygate'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'help' },
      'Paste a raygate API token (it starts with rg_). Your administrator creates one with ',
      h('code', null, 'raygate tokens create --role approver'),
      '. The page does not keep it: it is exchanged for a browser session that ends after 12 hours, ',
      'when you sign out, or when the token is revoked.',
    ),
    button,
    status,
  );
  replace(main, form);
  input.focus();
}
