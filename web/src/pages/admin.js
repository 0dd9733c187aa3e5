// Users, the audit trail and the settings (admins).
import { api, get } from '../api.js';
import { h, clear, message } from '../dom.js';
import { t, term } from '../i18n.js';
import { state, rerender, when, section, partsNode } from '../ui.js';
import { table } from '../widgets/table.js';

export async function admin() {
  const app = state.current;
  const [users, trail, settings] = await Promise.all([get('/api/users'), get('/api/audit-trail'), get('/api/settings')]);
  const usersHolder = h('div', { id: 'users-table' });
  const status = h('div', {});
  const name = h('input', { name: 'new-username', required: true });
  const role = h('select', { name: 'new-role' }, ['viewer', 'reviewer', 'admin'].map((r) => h('option', { value: r }, term('role', r))));
  const password = h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { className: 'filters', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/api/users', { username: name.value, role: role.value, password: password.value });
      rerender();
    } catch (err) { clear(status).append(message(err.message, 'error')); }
  } }, h('label', {}, t('login.username'), name), h('label', {}, t('admin.role'), role),
  h('label', {}, t('login.password'), password), h('button', { type: 'submit' }, t('admin.add')));
  app.append(h('h1', {}, t('nav.admin')), section(t('admin.users'), usersHolder, h('h3', {}, t('admin.add')), form, status));
  table(usersHolder, { data: users, columns: [
    { title: t('common.user'), field: 'username', cssClass: 'data' },
    { title: t('admin.role'), field: 'role', formatter: (c) => {
      const u = c.getRow().getData();
      return h('select', { onchange: async (e) => { try { await api('PATCH', `/api/users/${encodeURIComponent(u.username)}`, { role: e.target.value }); } catch (err) { clear(status).append(message(err.message, 'error')); } } },
        ['viewer', 'reviewer', 'admin'].map((r) => h('option', { value: r, selected: r === u.role }, term('role', r))));
    } },
    { title: t('admin.created'), field: 'created_at', formatter: (c) => when(c.getValue()) },
    { title: t('admin.disabled'), field: 'disabled', formatter: (c) => {
      const u = c.getRow().getData();
      return h('button', { type: 'button', onclick: async () => {
        try { await api('PATCH', `/api/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled }); rerender(); } catch (err) { clear(status).append(message(err.message, 'error')); }
      } }, u.disabled ? t('admin.enable') : t('admin.disable'));
    } } ] });
  const trailHolder = h('div', { id: 'trail-table' });
  app.append(section(t('admin.trail'), trailHolder));
  table(trailHolder, { data: trail, columns: [
    { title: t('common.at'), field: 'at', formatter: (c) => when(c.getValue()) }, { title: t('common.user'), field: 'username', cssClass: 'data' },
    { title: t('admin.action'), field: 'action', formatter: (c) => term('action', c.getValue()) },
    { title: t('admin.detail'), field: 'detail', formatter: (c) => partsNode(c.getRow().getData().detail_parts) }, { title: t('admin.remote'), field: 'remote', cssClass: 'data' } ] });
  app.append(section(t('admin.settings'), h('dl', { className: 'facts' },
    // Each setting named in the UI's language, with its key as the configuration file spells it
    // (docs/configuration.md); values as set.
    Object.entries(settings).flatMap(([k, v]) => [h('dt', {}, t(`setting.${k}`, { defaultValue: k }), ' ',
      h('code', { className: 'setting-key' }, k)),
      h('dd', { className: typeof v === 'boolean' ? '' : 'data' }, typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no')
        : Array.isArray(v) ? v.join(', ') : String(v))]))));
}
