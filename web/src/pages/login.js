// The login form.
import { api, setCsrf } from '../api.js';
import { h, clear, message } from '../dom.js';
import { t } from '../i18n.js';
import { state, rerender } from '../ui.js';

export function loginPage() {
  const app = state.current;
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div', {});
  const form = h('form', { className: 'login', onsubmit: async (e) => {
    e.preventDefault();
    clear(status);
    try {
      state.session = await api('POST', '/api/login', { username: user.value, password: password.value });
      setCsrf(state.session.csrf_token);
      rerender();
    } catch (err) {
      status.append(message(t('login.failed', { message: err.message }), 'error'));
    }
  } },
  h('h1', {}, t('login.title')),
  h('label', { for: 'username' }, t('login.username')), user,
  h('label', { for: 'password' }, t('login.password')), password,
  h('button', { type: 'submit' }, t('login.submit')), status);
  app.append(form);
  user.focus();
}
