// What every page of the web UI shares: the state of the page shown (its container, the session,
// the address's query), the reader's dates, sections, procedure and flag names, and each user's
// preferences.
import { h, fmt } from './dom.js';
import { t, language, localName, tableSource } from './i18n.js';

export const state = {
  root: document.getElementById('app'),
  // Each route draws into a container of its own: a page still waiting for its data when the user
  // moves on keeps drawing into its own container, which is no longer in the page.
  current: document.getElementById('app'),
  session: null,
  // The query of the address (#/studies?from=...): a page's filters, so that a view can be kept and shared.
  routeParams: new URLSearchParams(),
  // Draws the page of the address again (main.js sets it).
  rerender: () => {},
};
export const rerender = () => state.rerender();

export const METRICS = ['shots', 'fluoro_time_s', 'exposure_time_s', 'dap_gycm2', 'kar_mgy'];
export const STATES = ['acknowledged', 'justified', 'action-required'];
export const KINDS = ['above-reference', 'investigation', 'substantial', 'cumulative'];
export const rank = (role) => ({ viewer: 1, reviewer: 2, admin: 3 }[role] || 0);

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language() === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: state.session ? state.session.time_zone : undefined, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// A sentence of the server's in the reader's language, its values (names, UIDs, files, comments)
// marked as data: [{text} | {data}] as the API gives them (detail_parts, message_parts).
export const partsNode = (parts) => h('span', {}, (parts || []).map((p) =>
  (p.data !== undefined ? h('span', { className: 'data' }, p.data) : p.text)));

// The UI's sentence `key` with the server's sentence (its parts) in place of {{name}}.
export function withParts(key, values, name, parts) {
  const [before, after = ''] = t(key, { ...values, [name]: '\u0001' }).split('\u0001');
  return h('span', {}, before, partsNode(parts), after);
}

// A table's source as text with its user and file names marked as data.
export const sourceNode = (source) => h('span', {}, tableSource(source).map((p) =>
  (p.data !== undefined ? h('span', { className: 'data' }, p.data) : p.text)));

// Names of the procedures of the active table, in the UI's language.
export function procedureNames(levelTable) {
  const names = { unclassified: t('common.unclassified') };
  for (const r of levelTable.rows) names[r.procedure_id] = localName(r.name) || r.procedure_id;
  return (id) => (id ? names[id] || id : t('common.unclassified'));
}

export function flagText(f) {
  return `${t(`metric.${f.metric}`)} ${fmt(f.value)} > ${fmt(f.level)} (${t(`kind.${f.kind}`)}, ${t(`state.${f.review_state}`)})`;
}

export function section(title, ...content) { return h('section', {}, h('h2', {}, title), ...content); }

// A page's preferences of the user logged in, kept in this browser (localStorage): read with one
// argument, merged with `change` and written with two.
export function userPrefs(pageName, change) {
  const key = `fluoroaudit.prefs.${state.session.username}.${pageName}`;
  let prefs = {};
  try { prefs = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch { prefs = {}; }
  if (change) {
    prefs = { ...prefs, ...change };
    try { localStorage.setItem(key, JSON.stringify(prefs)); } catch { /* private mode: kept for this page only */ }
  }
  return prefs;
}

// The device filter of the studies of a device that names neither station nor model (the API's).
export const UNNAMED_DEVICE = '(unnamed)';

