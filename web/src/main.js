// fluoroaudit web UI: worklist of flagged studies, study detail, procedures against reference
// levels, the reference-level table, devices, audit runs, users and settings.
import { TabulatorFull as Tabulator } from 'tabulator-tables';
import 'tabulator-tables/dist/css/tabulator_simple.min.css';
import { Chart, registerables } from 'chart.js';
import { BoxPlotController, BoxAndWiskers } from '@sgratzl/chartjs-chart-boxplot';
import './style.css';
import { api, get, query, setCsrf, url } from './api.js';
import { h, clear, message, fmt } from './dom.js';
import { initI18n, t, language, setLanguage, localName, nameParts, tableSource, term } from './i18n.js';
import { skinDoseSection } from './skinmap.js';
import { followUpsPage, followUpSection, letterPage } from './followup.js';

Chart.register(...registerables, BoxPlotController, BoxAndWiskers);

const root = document.getElementById('app');
// Each route draws into a container of its own: a page still waiting for its data when the user
// moves on keeps drawing into its own container, which is no longer in the page.
let current = root;
let session = null;
const charts = [];
const METRICS = ['shots', 'fluoro_time_s', 'exposure_time_s', 'dap_gycm2', 'kar_mgy'];
const STATES = ['acknowledged', 'justified', 'action-required'];
const KINDS = ['above-reference', 'investigation', 'substantial', 'cumulative'];
const rank = (role) => ({ viewer: 1, reviewer: 2, admin: 3 }[role] || 0);

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language() === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: session ? session.time_zone : undefined, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// The pager and messages of every table in the UI's language.
function tableLocale() {
  const p = (k) => t(`pager.${k}`);
  return { pagination: { first: p('first'), first_title: p('first'), last: p('last'), last_title: p('last'),
    prev: p('prev'), prev_title: p('prev'), next: p('next'), next_title: p('next'), page_size: p('size'), all: p('all'),
    page_title: p('showPage'),
    counter: { showing: p('showing'), of: p('of'), rows: p('rows'), pages: p('pages') } },
  data: { loading: t('common.loading'), error: t('common.error', { message: '' }) } };
}

function table(el, options) {
  const grid = new Tabulator(el, { layout: 'fitDataStretch', pagination: true, paginationSize: 25,
    placeholder: t('common.none'), locale: 'ui', langs: { ui: tableLocale() }, ...options });
  // Tabulator labels its row boxes in English whatever the locale: the reader's language instead.
  grid.on('renderComplete', () => el.querySelectorAll('input[aria-label="Select Row"]')
    .forEach((box) => box.setAttribute('aria-label', t('pager.selectRow'))));
  return grid;
}

// A table's source as text with its user and file names marked as data.
const sourceNode = (source) => h('span', {}, tableSource(source).map((p) =>
  (p.data !== undefined ? h('span', { className: 'data' }, p.data) : p.text)));

// Names of the procedures of the active table, in the UI's language.
function procedureNames(levelTable) {
  const names = { unclassified: t('common.unclassified') };
  for (const r of levelTable.rows) names[r.procedure_id] = localName(r.name) || r.procedure_id;
  return (id) => (id ? names[id] || id : t('common.unclassified'));
}

function flagText(f) {
  return `${t(`metric.${f.metric}`)} ${fmt(f.value)} > ${fmt(f.level)} (${t(`kind.${f.kind}`)}, ${t(`state.${f.review_state}`)})`;
}

function section(title, ...content) { return h('section', {}, h('h2', {}, title), ...content); }

// -- shell ------------------------------------------------------------------------------------------

const pages = {
  home: { path: '', render: home },
  worklist: { path: 'studies', render: worklist },
  procedures: { path: 'procedures', render: procedures },
  levels: { path: 'levels', render: levels },
  staff: { path: 'staff', render: staff },
  devices: { path: 'devices', render: devices },
  audit: { path: 'audit', render: auditRuns },
  followUps: { path: 'follow-ups', render: () => followUpsPage({ app: current, section, routeParams, canReview: rank(session.role) >= rank('reviewer') }) },
  admin: { path: 'admin', render: admin, role: 'admin' },
};

function renderShell() {
  // Before login the bar holds only the language choice (a Chinese reader chooses it at the door).
  document.getElementById('top').hidden = false;
  document.getElementById('language').value = language();
  // Its hidden label in the reader's language, the names of the languages in their own.
  document.getElementById('language').setAttribute('aria-label', t('common.language'));
  const nav = clear(document.getElementById('nav'));
  for (const id of ['who', 'logout']) document.getElementById(id).hidden = !session;
  if (!session) return;
  for (const [key, page] of Object.entries(pages)) {
    if (page.role && rank(session.role) < rank(page.role)) continue;
    nav.append(h('a', { href: `#/${page.path}`, 'data-page': key }, t(`nav.${key}`)));
  }
  clear(document.getElementById('who')).append(h('span', { className: 'data' }, session.username), ` (${term('role', session.role)})`);
  document.getElementById('logout').textContent = t('login.logout');
}

// A page's preferences of the user logged in, kept in this browser (localStorage): read with one
// argument, merged with `change` and written with two.
function userPrefs(pageName, change) {
  const key = `fluoroaudit.prefs.${session.username}.${pageName}`;
  let prefs = {};
  try { prefs = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch { prefs = {}; }
  if (change) {
    prefs = { ...prefs, ...change };
    try { localStorage.setItem(key, JSON.stringify(prefs)); } catch { /* private mode: kept for this page only */ }
  }
  return prefs;
}

// The device filter of the studies of a device that names neither station nor model (the API's).
const UNNAMED_DEVICE = '(unnamed)';

// The query of the address (#/studies?from=...): a page's filters, so that a view can be kept and shared.
let routeParams = new URLSearchParams();

async function route() {
  while (charts.length) charts.pop().destroy();
  clear(root);
  current = h('div', { className: 'page' });
  root.append(current);
  const app = current;
  renderShell();
  if (!session) return loginPage();
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const [first, ...rest] = path.split('/');
  routeParams = new URLSearchParams(search);
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === `#/${first}`);
  try {
    if (first === 'study' && rest.length) return await study(decodeURIComponent(rest.join('/')));
    if (first === 'letter' && rest.length) {
      return await letterPage({ app, uid: decodeURIComponent(rest.join('/')), lang: routeParams.get('lang') || (language() === 'zh' ? 'zh' : 'en') });
    }
    const page = Object.values(pages).find((p) => p.path === first) || pages.home;
    await page.render();
  } catch (e) {
    app.append(message(t('common.error', { message: e.message }), 'error'));
  }
}

function loginPage() {
  const app = current;
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div', {});
  const form = h('form', { className: 'login', onsubmit: async (e) => {
    e.preventDefault();
    clear(status);
    try {
      session = await api('POST', '/api/login', { username: user.value, password: password.value });
      setCsrf(session.csrf_token);
      route();
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

// -- home -------------------------------------------------------------------------------------------

const DAY = 86400000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const homePeriod = { from: isoDate(Date.now() - 90 * DAY), to: '', site: '' };
const SILENT_DAYS = 7; // a device that sent nothing for this long stands out

// Studies and open flags per device and procedure of a period, when each device last sent
// something, and the period's highest doses.
// The overview's period in the address (a view kept on reload and shared): from, to, site, or
// period=all for no bounds; without them the last period chosen (90 days at first).
function homeFromAddress() {
  if (!['from', 'to', 'site', 'period'].some((k) => routeParams.has(k))) return;
  Object.assign(homePeriod, { from: routeParams.get('period') === 'all' ? '' : routeParams.get('from') || '',
    to: routeParams.get('to') || '', site: routeParams.get('site') || '' });
}
function showHome(v) {
  const next = { ...homePeriod, ...v };
  location.hash = `#/${query({ ...next, period: next.from || next.to ? undefined : 'all' })}`;
}

async function home() {
  const app = current;
  homeFromAddress();
  const [rows, deviceList, levelTable, highest, siteList] = await Promise.all([
    get(`/api/overview${query(homePeriod)}`), get(`/api/devices${query({ site: homePeriod.site })}`), get('/api/levels'),
    get(`/api/studies${query({ ...homePeriod, sort: 'dap_gycm2', order: 'desc', page_size: 10 })}`), get('/api/sites')]);
  // Sites sharing a database: a site to look at, and each device named with its site (two sites
  // may each have a CARM1).
  const group = siteList.sites.length > 1;
  const deviceKey = (r) => (group ? `${r.site}\u0000${r.device}` : r.device);
  const deviceName = (key) => (group ? `${key.split('\u0000')[1] || t('common.unnamedDevice')} · ${key.split('\u0000')[0]}`
    : key || t('common.unnamedDevice'));
  // A device that names neither station nor model has its own studies (not every study).
  const deviceFilter = (key) => (group ? { site: key.split('\u0000')[0], device: key.split('\u0000')[1] || UNNAMED_DEVICE }
    : { device: key || UNNAMED_DEVICE });
  const procedureName = procedureNames(levelTable);
  const presets = [['30', 30], ['90', 90], ['365', 365], ['all', 0]];
  const period = h('p', { className: 'buttons', id: 'home-period' }, t('home.period'), ' ',
    presets.map(([key, days]) => h('button', { type: 'button', 'data-days': key, onclick: () =>
      showHome({ from: days ? isoDate(Date.now() - days * DAY) : '', to: '' }) }, t(`home.preset.${key}`))),
    filterForm([{ name: 'from', label: t('common.from'), type: 'date' }, { name: 'to', label: t('common.to'), type: 'date' },
      ...(group ? [{ name: 'site', label: t('common.site'), options: siteList.sites.map((x) => [x, x]), data: true }] : [])],
    homePeriod, (v) => showHome(v)));
  // Links open the studies page with the same period (and site) and the group's filter.
  const studiesLink = (filter, text) => h('a', { href: `#/studies${query({ from: homePeriod.from, to: homePeriod.to, site: homePeriod.site, ...filter })}` },
    String(text));
  function grouped(key) {
    const m = new Map();
    for (const r of rows) {
      const k = key === 'device' ? deviceKey(r) : r[key];
      const g = m.get(k) || { key: k, studies: 0, studies_with_open_flags: 0, open_flags: 0 };
      g.studies += r.studies; g.studies_with_open_flags += r.studies_with_open_flags; g.open_flags += r.open_flags;
      m.set(k, g);
    }
    return [...m.values()].sort((a, b) => b.open_flags - a.open_flags || b.studies - a.studies);
  }
  const summary = (id, key, label, filterOf) => h('table', { className: 'summary', id },
    h('thead', {}, h('tr', {}, h('th', {}, label), h('th', {}, t('home.studies')), h('th', {}, t('home.studiesOpen')), h('th', {}, t('home.openFlags')))),
    h('tbody', {}, grouped(key).map((g) => h('tr', { className: g.open_flags ? 'above' : '' },
      h('td', { className: key === 'device' ? 'data' : '' }, key === 'device' ? deviceName(g.key) : procedureName(g.key)),
      h('td', { className: 'n' }, studiesLink({ ...filterOf(g.key), flagged: '' }, g.studies)),
      h('td', { className: 'n' }, g.studies_with_open_flags ? studiesLink({ ...filterOf(g.key), review_state: 'unreviewed', flagged: 'true' }, g.studies_with_open_flags) : '0'),
      h('td', { className: 'n' }, String(g.open_flags))))));
  const total = rows.reduce((n, r) => n + r.studies, 0), open = rows.reduce((n, r) => n + r.open_flags, 0);
  const now = Date.now();
  const devicesTable = h('table', { className: 'summary', id: 'home-devices' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.device')), h('th', {}, t('devices.lastObject')), h('th', {}, ''))),
    h('tbody', {}, deviceList.map((d) => {
      const at = Date.parse(d.last_object_at);
      const days = Number.isNaN(at) ? null : Math.floor((now - at) / DAY);
      const silent = days !== null && days >= SILENT_DAYS;
      return h('tr', { className: silent ? 'above silent' : '' }, h('td', { className: 'data' }, deviceName(deviceKey(d))),
        h('td', {}, when(d.last_object_at)),
        h('td', {}, silent ? h('span', { className: 'badge unreviewed' }, t('home.silent', { days })) : ''));
    })));
  const highestTable = h('table', { className: 'summary', id: 'home-highest' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.date')), h('th', {}, t('common.description')), h('th', {}, t('common.procedure')),
      h('th', {}, t('metric.dap_gycm2')), h('th', {}, t('metric.kar_mgy')), h('th', {}, t('metric.fluoro_time_s')))),
    h('tbody', {}, highest.studies.filter((x) => x.dap_total_gycm2 !== null).map((x) => h('tr', {},
      h('td', {}, x.study_date || ''),
      h('td', { className: 'data' }, h('a', { href: `#/study/${encodeURIComponent(x.study_uid)}` }, x.study_description || x.study_uid)),
      h('td', {}, procedureName(x.procedure_id)), h('td', { className: 'n' }, fmt(x.dap_total_gycm2)),
      h('td', { className: 'n' }, fmt(x.kar_total_mgy)), h('td', { className: 'n' }, fmt(x.fluoro_time_s))))));
  app.append(h('h1', {}, t('home.title')), period,
    h('p', { id: 'home-totals' }, t('home.totals', { studies: total, open })),
    h('div', { className: 'columns' },
      section(t('home.byDevice'), summary('home-by-device', 'device', t('common.device'), deviceFilter)),
      section(t('home.byProcedure'), summary('home-by-procedure', 'procedure_id', t('common.procedure'), (k) => ({ procedure: k })))),
    section(t('home.devices'), devicesTable),
    section(t('home.highest'), highestTable));
}

// -- worklist ---------------------------------------------------------------------------------------

// Reviews one flag of a study, or all its open flags at once; or (studyUid an array) every open
// flag of several studies.
function reviewDialog(studyUid, label, flags, onDone) {
  const many = Array.isArray(studyUid);
  const open = flags.filter((f) => f.review_state === 'unreviewed');
  const flagSelect = h('select', { name: 'flag' }, flags.map((f, i) => h('option', { value: i }, flagText(f))),
    open.length > 1 ? h('option', { value: 'all' }, t('worklist.allOpen', { count: open.length })) : null);
  const stateSelect = h('select', { name: 'state' }, STATES.map((s) => h('option', { value: s }, t(`state.${s}`))));
  const comment = h('textarea', { name: 'comment', rows: 3 });
  const status = h('div', {});
  const dialog = h('dialog', { className: 'review' },
    h('form', { method: 'dialog', onsubmit: async (e) => {
      e.preventDefault();
      try {
        if (many || flagSelect.value === 'all') {
          const r = await api('POST', '/api/reviews',
            { study_uids: many ? studyUid : [studyUid], state: stateSelect.value, comment: comment.value });
          onDone(t('worklist.reviewedMany', { flags: r.flags, studies: r.studies }));
        } else {
          const f = flags[Number(flagSelect.value)];
          await api('POST', `/api/studies/${encodeURIComponent(studyUid)}/reviews`,
            { kind: f.kind, metric: f.metric, state: stateSelect.value, comment: comment.value });
          onDone(t('worklist.reviewed'));
        }
        dialog.close();
        dialog.remove();
      } catch (err) {
        clear(status).append(message(err.message, 'error'));
      }
    } },
    h('h3', {}, many ? t('worklist.reviewManyTitle', { count: studyUid.length }) : t('worklist.reviewTitle', { study: label || studyUid })),
    many ? null : h('label', {}, t('worklist.flag'), flagSelect),
    h('label', {}, t('common.state'), stateSelect),
    h('label', {}, t('common.comment'), comment), status,
    h('div', { className: 'buttons' },
      h('button', { type: 'submit', className: 'primary' }, t('common.save')),
      h('button', { type: 'button', onclick: () => { dialog.close(); dialog.remove(); } }, t('common.cancel')))));
  document.body.append(dialog);
  dialog.showModal();
}

function filterForm(fields, values, onApply) {
  const inputs = {};
  const form = h('form', { className: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const v = {};
    for (const [k, el] of Object.entries(inputs)) v[k] = el.value;
    onApply(v);
  } });
  for (const f of fields) {
    const el = f.options
      ? h('select', { name: f.name }, h('option', { value: '' }, t('common.all')),
        f.options.map(([value, label]) => h('option', { value, selected: values[f.name] === value, className: f.data ? 'data' : '' }, label)))
      : h('input', { name: f.name, type: f.type || 'text', value: values[f.name] || '' });
    inputs[f.name] = el;
    form.append(h('label', {}, f.label, el));
  }
  form.append(h('button', { type: 'submit' }, t('common.apply')));
  return form;
}

// The API's parameters for the studies page's filters: a value range of the chosen metric becomes
// min_<metric> and max_<metric>.
function studyQuery(filter) {
  const { range_metric: metric, range_min: min, range_max: max, ...rest } = filter;
  return metric ? { ...rest, [`min_${metric}`]: min, [`max_${metric}`]: max } : rest;
}

async function worklist() {
  const app = current;
  // The filters, sort and page are those of the address (a shared link opens the same view); the
  // first visit shows the flagged studies, unreviewed first.
  const { sort: urlSort, order: urlOrder, page: urlPage, page_size: urlSize, ...worklistFilter } =
    routeParams.toString() ? Object.fromEntries(routeParams) : { flagged: 'true' };
  const [levelTable, deviceList, siteList] = await Promise.all([get('/api/levels'), get('/api/devices'), get('/api/sites')]);
  const procedureName = procedureNames(levelTable);
  // Sites sharing one database: a filter and a column; one site alone needs neither.
  const group = siteList.sites.length > 1;
  const fields = [
    { name: 'from', label: t('common.from'), type: 'date' }, { name: 'to', label: t('common.to'), type: 'date' },
    ...(group ? [{ name: 'site', label: t('common.site'), options: siteList.sites.map((s) => [s, s]), data: true }] : []),
    { name: 'procedure', label: t('common.procedure'), options: levelTable.rows.map((r) => [r.procedure_id, procedureName(r.procedure_id)]).concat([['unclassified', t('common.unclassified')]]) },
    { name: 'device', label: t('common.device'), options: [...new Set(deviceList.map((d) => d.device || UNNAMED_DEVICE))]
      .map((d) => [d, d === UNNAMED_DEVICE ? t('common.unnamedDevice') : d]), data: true },
    { name: 'operator', label: t('common.operator') },
    { name: 'flag_kind', label: t('common.kind'), options: KINDS.map((k) => [k, t(`kind.${k}`)]) },
    { name: 'review_state', label: t('common.state'), options: ['unreviewed', ...STATES].map((s) => [s, t(`state.${s}`)]) },
    { name: 'flagged', label: t('worklist.studies'), options: [['true', t('worklist.onlyFlagged')]] },
    { name: 'range_metric', label: t('worklist.range'), options: METRICS.map((m) => [m, t(`metric.${m}`)]) },
    { name: 'range_min', label: t('worklist.rangeMin'), type: 'number' }, { name: 'range_max', label: t('worklist.rangeMax'), type: 'number' },
    { name: 'q', label: t('worklist.search') },
    ...(rank(session.role) >= rank('reviewer') ? [{ name: 'patient_id', label: t('worklist.patientId') }] : []),
  ];
  const holder = h('div', { id: 'worklist-table' });
  const count = h('p', { className: 'muted', id: 'worklist-count' });
  const exportLink = h('a', { className: 'button', id: 'export-studies' }, t('common.exportCsv'));
  const exportXlsx = h('a', { className: 'button', id: 'export-studies-xlsx' }, t('common.exportXlsx'));
  const exportFlags = h('a', { className: 'button', id: 'export-flags' }, t('worklist.exportFlags'));
  // Which columns and how many rows a page: each user's own, kept in this browser.
  const prefs = userPrefs('worklist');
  const hidden = new Set(prefs.hidden || []);
  const optional = [['procedure_id', t('common.procedure')], ['device_label', t('common.device')],
    ['irradiation_events', t('metric.shots')], ['fluoro_time_s', t('metric.fluoro_time_s')], ['exposure_time_s', t('metric.exposure_time_s')],
    ['dap_total_gycm2', t('metric.dap_gycm2')], ['kar_total_mgy', t('metric.kar_mgy')], ['psd_mgy', t('metric.psd_mgy')],
    ['flags', t('worklist.flags')]];
  const columnChoice = h('details', { id: 'worklist-columns' }, h('summary', {}, t('worklist.columns')),
    optional.map(([field, title]) => h('label', { className: 'check' }, h('input', { type: 'checkbox', 'data-field': field,
      checked: !hidden.has(field), onchange: (e) => {
        if (e.target.checked) { hidden.delete(field); grid.showColumn(field); } else { hidden.add(field); grid.hideColumn(field); }
        userPrefs('worklist', { hidden: [...hidden] });
      } }), ' ', title)));
  app.append(h('h1', {}, t('worklist.title')),
    // Applying puts the filters into the address ("all studies" as flagged=false, not as nothing).
    filterForm(fields, worklistFilter, (v) => { location.hash = `#/studies${query({ ...v, flagged: v.flagged || 'false' })}`; }), count,
    columnChoice, holder, h('p', { className: 'buttons' }, exportLink, exportXlsx, exportFlags));
  const canReview = rank(session.role) >= rank('reviewer');
  if (canReview) {
    holder.before(h('p', { className: 'buttons' }, h('button', { type: 'button', id: 'review-selected', onclick: () => {
      const uids = grid.getSelectedData().map((r) => r.study_uid);
      if (!uids.length) { app.append(message(t('worklist.selectFirst'), 'error')); return; }
      reviewDialog(uids, '', [], (done) => { app.append(message(done)); load(); });
    } }, t('worklist.reviewSelected'))));
  }
  // Pages, sorting and filters are the server's: the worklist scales to any number of studies.
  const sortFields = { study_date: 'date', procedure_id: 'procedure', device_label: 'device', unreviewed: 'flags',
    irradiation_events: 'shots', fluoro_time_s: 'fluoro_time_s', exposure_time_s: 'exposure_time_s',
    dap_total_gycm2: 'dap_gycm2', kar_total_mgy: 'kar_mgy', psd_mgy: 'psd_mgy' };
  const fieldOfSort = Object.fromEntries(Object.entries(sortFields).map(([field, key]) => [key, field]));
  // What the table shows now, for the address and the exports.
  const shown = { sort: urlSort && fieldOfSort[urlSort] ? urlSort : '', order: urlOrder === 'desc' ? 'desc' : 'asc' };
  const pageSizes = [25, 50, 100, 200];
  const grid = table(holder, {
    index: 'study_uid',
    layout: 'fitColumns',
    pagination: true,
    paginationMode: 'remote',
    sortMode: 'remote',
    paginationSize: [Number(urlSize), Number(prefs.pageSize)].find((n) => pageSizes.includes(n)) || 50,
    paginationSizeSelector: pageSizes,
    paginationInitialPage: Math.max(1, Number(urlPage) || 1),
    ...(shown.sort ? { initialSort: [{ column: fieldOfSort[shown.sort], dir: shown.order }] } : {}),
    // Rows are ticked by their box only: a click elsewhere on a row (a link, the review button) ticks nothing.
    ...(canReview ? { selectableRows: true, selectableRowsCheck: () => true } : {}),
    ajaxURL: url('/api/studies'),
    ajaxRequestFunc: async (url, config, params) => {
      const sorter = (params.sort || [])[0];
      // Unreviewed first unless the user sorts by a column.
      const sort = sorter ? sortFields[sorter.field] || 'date' : 'flags';
      const order = sorter ? sorter.dir : 'asc';
      Object.assign(shown, { sort: sorter ? sort : '', order });
      if (params.size !== prefs.pageSize) userPrefs('worklist', { pageSize: (prefs.pageSize = params.size) });
      // The address keeps the view: filters, sort, page and page size (while the user is still on
      // this page: a load that ends after they moved on leaves their new address alone).
      if (app === current && /^#\/studies([?]|$)/.test(location.hash))
        history.replaceState(null, '', `#/studies${query({ ...worklistFilter, ...(sorter ? { sort, order } : {}),
          page: params.page > 1 ? params.page : undefined, page_size: params.size !== 50 ? params.size : undefined })}`);
      links();
      const data = await get(`/api/studies${query({ ...studyQuery(worklistFilter), sort, order,
        page: params.page, page_size: params.size })}`);
      count.textContent = t('worklist.count', { count: data.total });
      return { last_page: Math.max(1, Math.ceil(data.total / params.size)),
        data: data.studies.map((s) => ({ ...s, device_label: s.device.station || s.device.model || '',
          unreviewed: s.flags.filter((f) => f.review_state === 'unreviewed').length })) };
    },
    columns: [
      ...(canReview ? [{ formatter: 'rowSelection', titleFormatter: 'rowSelection', headerSort: false, width: 40, hozAlign: 'center',
      }] : []),
      { title: t('common.date'), field: 'study_date', sorter: 'string', width: 110 },
      { title: t('common.description'), field: 'study_description', widthGrow: 2, headerSort: false, cssClass: 'data', formatter: (cell) => {
        const row = cell.getRow().getData();
        return h('a', { href: `#/study/${encodeURIComponent(row.study_uid)}` }, row.study_description || row.study_uid);
      } },
      { title: t('common.procedure'), field: 'procedure_id', visible: !hidden.has('procedure_id'), formatter: (cell) => procedureName(cell.getValue()) },
      ...(group ? [{ title: t('common.site'), field: 'site', headerSort: false, cssClass: 'data' }] : []),
      { title: t('common.device'), field: 'device_label', cssClass: 'data', visible: !hidden.has('device_label'), formatter: (cell) => cell.getValue()
        || h('span', { className: 'muted' }, t('common.unnamedDevice')) },
      ...[['irradiation_events', 'shots'], ['fluoro_time_s', 'fluoro_time_s'], ['exposure_time_s', 'exposure_time_s'],
        ['dap_total_gycm2', 'dap_gycm2'], ['kar_total_mgy', 'kar_mgy'], ['psd_mgy', 'psd_mgy']].map(([field, metric]) =>
        ({ title: t(`metric.${metric}`), field, hozAlign: 'right', headerHozAlign: 'right', cssClass: `n metric-${metric}`, visible: !hidden.has(field),
          formatter: (cell) => fmt(cell.getValue()) })),
      { title: t('worklist.flags'), field: 'flags', headerSort: false, widthGrow: 3, visible: !hidden.has('flags'), formatter: (cell) =>
        h('ul', { className: 'flags' }, cell.getValue().map((f) => h('li', { className: `flag ${f.review_state}` }, flagText(f)))) },
      { title: t('common.state'), field: 'unreviewed', sorter: 'number', formatter: (cell) => {
        const n = cell.getValue();
        // A study without flags has nothing to review: no "reviewed" badge, no review button.
        if (!cell.getRow().getData().flags.length) return h('span', { className: 'badge none' }, t('worklist.noFlags'));
        return h('span', { className: n ? 'badge unreviewed' : 'badge done' }, n ? `${n} ${t('state.unreviewed')}` : t('worklist.allReviewed'));
      } },
      ...(canReview ? [{ title: '', field: 'study_uid', headerSort: false, width: 100, formatter: (cell) => {
        const row = cell.getRow().getData();
        if (!row.flags.length) return '';
        return h('button', { type: 'button', className: 'review-button', onclick: (e) => {
          e.stopPropagation();
          reviewDialog(row.study_uid, `${row.study_date} ${row.study_description || ''}`, row.flags,
            (done) => { app.append(message(done)); load(); });
        } }, t('worklist.review'));
      } }] : []),
    ],
  });
  // Exports hold exactly the page's studies in its order: its filters and sort (every page of them).
  function links() {
    const view = query({ ...studyQuery(worklistFilter), sort: shown.sort || 'flags', order: shown.order });
    exportLink.href = url(`/api/export/studies.csv${view}`);
    exportXlsx.href = url(`/api/export/studies.xlsx${view}`);
    exportFlags.href = url(`/api/export/flags.csv${view}`);
  }
  function load() {
    links();
    grid.setData(url('/api/studies'));
  }
  links();
}

// -- study ------------------------------------------------------------------------------------------

async function study(uid) {
  const app = current;
  const [s, levelTable] = await Promise.all([get(`/api/studies/${encodeURIComponent(uid)}`), get('/api/levels')]);
  const row = levelTable.rows.find((r) => r.procedure_id === s.procedure_id);
  const procedureName = procedureNames(levelTable);
  const data = (text) => h('dd', { className: 'data' }, text || '');
  const values = { shots: s.irradiation_events, fluoro_time_s: s.fluoro_time_s, exposure_time_s: s.exposure_time_s,
    dap_gycm2: s.dap_total_gycm2, kar_mgy: s.kar_total_mgy };
  const summary = h('table', { className: 'summary' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.metric')), h('th', {}, t('common.value')), h('th', {}, t('common.level')), h('th', {}, t('worklist.flags')))),
    h('tbody', {}, METRICS.map((m) => {
      const flags = s.flags.filter((f) => f.metric === m);
      // A biplane study: each plane's share beside the sum (the levels are of the sum).
      const planeField = { shots: 'irradiation_events', dap_gycm2: 'dap_total_gycm2', kar_mgy: 'kar_total_mgy' }[m];
      const perPlane = s.per_plane && planeField
        ? h('span', { className: 'per-plane muted' }, ` (${s.per_plane.map((p) => `${term('plane', p.plane)} ${fmt(p[planeField])}`).join(' + ')})`)
        : null;
      return h('tr', { className: flags.length ? 'above' : '' }, h('td', {}, t(`metric.${m}`)), h('td', { className: 'n' }, fmt(values[m]), perPlane),
        h('td', { className: 'n' }, row ? fmt(row[m]) : ''), h('td', {}, flags.map((f) => flagText(f)).join('; ')));
    })));
  const facts = h('dl', { className: 'facts' },
    h('dt', {}, t('common.date')), h('dd', {}, `${s.study_date || ''} ${s.study_time || ''}`),
    h('dt', {}, t('common.description')), data(s.study_description),
    h('dt', {}, t('common.procedure')), h('dd', {}, procedureName(s.procedure_id)),
    h('dt', {}, t('common.device')), data([s.device.manufacturer, s.device.model, s.device.station].filter(Boolean).join(' ')),
    h('dt', {}, t('common.operator')), data(s.operators),
    h('dt', {}, t('study.accession')), data(s.accession_number),
    h('dt', {}, t('study.source')), h('dd', {}, term('source', s.source)),
    ...(s.patient_name || s.patient_id ? [h('dt', {}, t('study.patient')), data([s.patient_name, s.patient_id].filter(Boolean).join(', '))] : []));
  const reviewButton = rank(session.role) >= rank('reviewer') && s.flags.length
    ? h('button', { type: 'button', className: 'review-button', onclick: () => reviewDialog(s.study_uid, `${s.study_date} ${s.study_description || ''}`, s.flags, () => route()) }, t('worklist.review'))
    : null;
  app.append(h('p', {}, h('a', { href: '#/studies' }, t('common.back'))),
    h('h1', {}, `${t('study.title')} `, h('span', { className: 'data' }, s.study_description || s.study_uid)), facts,
    section(t('study.summary'), summary, reviewButton));
  if (s.patient_estimate) app.append(patientEstimateSection(s.patient_estimate));
  if (s.staff_estimates && s.staff_estimates.length) app.append(staffEstimateSection(s.staff_estimates));
  const skinSection = skinDoseSection(s.skin_dose, s, section);
  if (skinSection) app.append(skinSection);
  const followUp = followUpSection(s.follow_up, section, rank(session.role) >= rank('reviewer'), () => route());
  if (followUp) app.append(followUp);

  // Events in time order (those without a start keep their place at the end, in arrival order).
  const startOf = (e) => { const at = Date.parse(e.started_at); return Number.isNaN(at) ? Infinity : at; };
  const events = (s.events || []).map((e, i) => ({ e, i }))
    .sort((a, b) => (startOf(a.e) - startOf(b.e)) || (a.i - b.i)).map((x) => x.e);
  if (events.length) {
    // Per plane: the cumulative DAP of its events over the procedure, and what its events add up to.
    // Times are the summary's alone (above): event durations are not added up into a second one.
    const start = events.map((e) => Date.parse(e.started_at)).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)[0];
    const planes = [...new Set(events.map((e) => e.plane || 'unknown'))];
    const colors = ['#1565c0', '#ef6c00', '#2e7d32', '#6a1b9a'];
    const perPlane = planes.map((p, i) => {
      let dap = 0, kar = 0, n = 0, fluoro = 0;
      const points = [];
      events.forEach((e, k) => {
        if ((e.plane || 'unknown') !== p) return;
        dap += e.dap_gycm2 || 0; kar += e.kar_mgy || 0; n += 1; if (e.type === 'fluoroscopy') fluoro += 1;
        const at = Date.parse(e.started_at);
        points.push({ x: Number.isNaN(at) || start === undefined ? k : (at - start) / 60000, y: dap });
      });
      return { plane: p, color: colors[i % colors.length], points, dap, kar, n, fluoro };
    });
    const canvas = h('canvas', { id: 'events-chart', height: 110 });
    const planeTable = h('table', { className: 'summary', id: 'planes' },
      h('thead', {}, h('tr', {}, h('th', {}, t('study.plane')), h('th', {}, t('study.events')), h('th', {}, t('study.fluoroEvents')),
        h('th', {}, t('study.eventsDap')), h('th', {}, t('study.eventsKar')))),
      h('tbody', {}, perPlane.map((p) => h('tr', {}, h('td', {}, term('plane', p.plane)), h('td', { className: 'n' }, String(p.n)),
        h('td', { className: 'n' }, String(p.fluoro)), h('td', { className: 'n' }, fmt(p.dap)), h('td', { className: 'n' }, fmt(p.kar))))));
    app.append(section(t('study.chart'), h('div', { className: 'chart' }, canvas), planeTable));
    charts.push(new Chart(canvas, { type: 'line', data: { datasets: perPlane.map((p) => ({
      label: `${term('plane', p.plane)}: ${t('study.cumulativeDap')}`, data: p.points, stepped: true, borderColor: p.color })) },
    options: { animation: false, parsing: false, scales: {
      x: { type: 'linear', title: { display: true, text: t('unit.min') } },
      y: { title: { display: true, text: 'Gy·cm²' } } } } }));
    const eventsHolder = h('div', { id: 'events-table' });
    app.append(section(t('study.events'), eventsHolder));
    table(eventsHolder, { data: events, columns: [
      { title: t('study.start'), field: 'started_at', formatter: (c) => (c.getValue() || '').replace('T', ' ') }, { title: t('study.type'), field: 'type', formatter: (c) => term('eventType', c.getValue()) },
      { title: t('study.plane'), field: 'plane', formatter: (c) => term('plane', c.getValue()) }, { title: t('study.protocol'), field: 'protocol', cssClass: 'data' },
      { title: t('metric.dap_gycm2'), field: 'dap_gycm2', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
      { title: t('metric.kar_mgy'), field: 'kar_mgy', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
      { title: t('study.duration'), field: 'irradiation_duration_s', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
      { title: 'kV', field: 'kvp_kv', hozAlign: 'right' }, { title: 'mA', field: 'tube_current_ma', hozAlign: 'right' } ] });
  } else {
    app.append(section(t('study.events'), message(t('study.noEvents'))));
  }
  app.append(section(t('study.warnings'), s.warnings.length
    // What kind of warning in the reader's language; the details as the extraction recorded them.
    ? h('ul', { id: 'warnings' }, s.warnings.map((w) => h('li', {}, h('strong', {}, term('warning', w.code)), ' — ',
      h('span', { className: 'data' }, w.message), w.count > 1 ? ` (×${w.count})` : '')))
    : h('p', { className: 'muted' }, t('common.none'))));
  app.append(section(t('study.history'), s.reviews.length
    ? h('table', { className: 'history' }, h('tbody', {}, s.reviews.map((r) => h('tr', {},
      h('td', {}, when(r.at)), h('td', { className: 'data' }, r.username), h('td', {}, `${t(`kind.${r.kind}`)} · ${t(`metric.${r.metric}`)}`),
      h('td', {}, t(`state.${r.state}`)), h('td', { className: 'data' }, r.comment)))))
    : h('p', { className: 'muted' }, t('common.none'))));
}

// -- procedures -------------------------------------------------------------------------------------

// Horizontal marks per category: the reference level and the suggested local DRL.
const levelMarks = {
  id: 'levelMarks',
  afterDatasetsDraw(chart, args, options) {
    const { ctx, scales: { x, y } } = chart;
    (options.marks || []).forEach((m, i) => {
      const center = x.getPixelForValue(i);
      const half = (x.width / Math.max(1, chart.data.labels.length)) * 0.42;
      for (const [value, color, dash] of [[m.level, '#c62828', []], [m.drl, '#2e7d32', [5, 4]]]) {
        if (value === null || value === undefined) continue;
        const py = y.getPixelForValue(value);
        ctx.save();
        ctx.strokeStyle = color;
        ctx.lineWidth = 2.5;
        ctx.setLineDash(dash);
        ctx.beginPath();
        ctx.moveTo(center - half, py);
        ctx.lineTo(center + half, py);
        ctx.stroke();
        ctx.restore();
      }
    });
  },
};

// The procedures page's choices, kept while the UI is open.
const procedureView = { metric: '', from: '', to: '', log: true, byDevice: false };
const monthIndex = (month) => { const [y, m] = month.split('-').map(Number); return y * 12 + (m - 1); };
const monthLabel = (i) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

// The procedures page's choices in the address: metric, from, to, log=0 for a linear axis, by_device=1.
function showProcedures(v) {
  const next = { ...procedureView, ...v };
  location.hash = `#/procedures${query({ metric: next.metric, from: next.from, to: next.to, log: next.log ? undefined : '0',
    by_device: next.byDevice ? '1' : undefined })}`;
}

async function procedures() {
  const app = current;
  if (routeParams.toString())
    Object.assign(procedureView, { metric: METRICS.includes(routeParams.get('metric')) ? routeParams.get('metric') : '', from: routeParams.get('from') || '',
      to: routeParams.get('to') || '', log: routeParams.get('log') !== '0', byDevice: routeParams.get('by_device') === '1' });
  const period = { from: procedureView.from, to: procedureView.to };
  const [stats, monthly, levelTable, siteList, survey] = await Promise.all([
    // Every study's value for groups of up to 2,000 studies (dots and a box); larger ones come as
    // their box alone (min, quartiles, max), so that a big store's page stays small and quick.
    get(`/api/stats${query({ ...period, by_device: procedureView.byDevice ? 'true' : '', values_up_to: 2000 })}`),
    get(`/api/stats/monthly${query(period)}`), get('/api/levels'), get('/api/sites'), get(`/api/stats/sites${query(period)}`)]);
  const procedureName = procedureNames(levelTable);
  // By default a metric that has a level in the active table, so that the level is drawn.
  if (!procedureView.metric)
    procedureView.metric = METRICS.find((m) => levelTable.rows.some((r) => r[m] !== null && r[m] !== undefined)) || 'dap_gycm2';
  const metric = procedureView.metric;
  const select = h('select', { id: 'metric', onchange: (e) => showProcedures({ metric: e.target.value }) },
    METRICS.map((m) => h('option', { value: m, selected: m === metric }, t(`metric.${m}`))));
  const log = h('input', { type: 'checkbox', id: 'log-scale', checked: procedureView.log,
    onchange: (e) => showProcedures({ log: e.target.checked }) });
  const split = h('input', { type: 'checkbox', id: 'by-device', checked: procedureView.byDevice,
    onchange: (e) => showProcedures({ byDevice: e.target.checked }) });
  const rows = stats.filter((r) => r.metric === metric && r.n > 0);
  const label = (r) => `${procedureName(r.procedure_id)}${r.device !== undefined ? ` · ${r.device || t('common.unnamedDevice')}` : ''} (n=${r.n})`;
  const box = h('canvas', { id: 'box-chart', height: 120 });
  const trend = h('canvas', { id: 'trend-chart', height: 90 });
  app.append(h('h1', {}, t('procedures.title')),
    filterForm([{ name: 'from', label: t('common.from'), type: 'date' }, { name: 'to', label: t('common.to'), type: 'date' }],
      period, (v) => showProcedures(v)),
    h('p', { className: 'buttons' }, h('label', {}, t('procedures.metric'), select),
      h('label', { className: 'check' }, log, t('procedures.logScale')), h('label', { className: 'check' }, split, t('procedures.byDevice'))),
    section(t('procedures.distribution'), h('p', { className: 'legend' },
      h('span', { className: 'level' }, t('procedures.legendLevel')), h('span', { className: 'drl' }, t('procedures.legendDrl'))),
    h('div', { className: 'chart' }, box)));
  // A log axis keeps every box readable beside an outlier; values of 0 cannot be drawn on it.
  const positive = (v) => (procedureView.log ? v.filter((x) => x > 0) : v);
  const floor = (x) => (procedureView.log && !(x > 0) ? null : x);
  const boxOf = (r) => (r.values ? positive(r.values)
    : { min: floor(r.min), q1: floor(r.q1), median: floor(r.median), q3: floor(r.p75), max: floor(r.max), items: [], outliers: [] });
  const unit = t(`metric.${metric}`);
  // Room above the highest value, level or local DRL: an outlier is drawn inside the chart, not on its border.
  const highest = Math.max(0, ...rows.flatMap((r) => [...(r.values || [r.max]), r.level, r.suggested_drl]).filter((v) => Number.isFinite(v)));
  const top = highest > 0 ? (procedureView.log ? highest * 1.6 : highest * 1.08) : undefined;
  box.dataset.highest = String(highest);
  charts.push(new Chart(box, { type: 'boxplot', data: { labels: rows.map(label), datasets: [{
    label: unit, data: rows.map(boxOf), backgroundColor: 'rgba(21,101,192,0.25)',
    borderColor: '#1565c0', outlierBackgroundColor: '#1565c0', itemRadius: 2, itemStyle: 'circle', itemBackgroundColor: 'rgba(21,101,192,0.5)' }] },
  options: { animation: false, scales: { y: { type: procedureView.log ? 'logarithmic' : 'linear', max: top, title: { display: true, text: unit } } },
    plugins: { levelMarks: { marks: rows.map((r) => ({ level: r.level, drl: r.suggested_drl })) } } },
  // The axis as drawn, for whoever checks it (the browser tests).
  plugins: [levelMarks, { id: 'axisTop', afterLayout: (chart) => { box.dataset.axisTop = String(chart.scales.y.max); } }] }));
  const statsTable = h('div', { id: 'stats-table' });
  app.append(statsTable);
  table(statsTable, { data: rows, pagination: false, columns: [
    { title: t('common.procedure'), field: 'procedure_id', formatter: (c) => procedureName(c.getValue()) },
    ...(procedureView.byDevice ? [{ title: t('common.device'), field: 'device', cssClass: 'data' }] : []),
    { title: t('procedures.n'), field: 'n', hozAlign: 'right' },
    { title: t('procedures.median'), field: 'median', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
    { title: t('procedures.p75'), field: 'p75', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
    { title: t('common.level'), field: 'level', hozAlign: 'right', formatter: (c) => (c.getValue() === null ? t('procedures.noLevel') : fmt(c.getValue())) },
    { title: t('procedures.suggested'), field: 'suggested_drl', hozAlign: 'right',
      formatter: (c) => (c.getValue() === null ? t('procedures.fewCases', { n: c.getRow().getData().n }) : fmt(c.getValue())) } ] });
  // Monthly medians on a time axis (months where they fall, not evenly spaced), n with each point.
  const byProcedure = {};
  for (const m of monthly.filter((x) => x.metric === metric))
    (byProcedure[m.procedure_id] ||= []).push({ x: monthIndex(m.month), y: m.median, n: m.n });
  app.append(section(t('procedures.trend'), h('div', { className: 'chart' }, trend)));
  charts.push(new Chart(trend, { type: 'line', data: { datasets: Object.entries(byProcedure).map(([p, points]) => ({
    label: procedureName(p), data: points.sort((a, b) => a.x - b.x), pointRadius: points.map((q) => Math.min(9, 2 + Math.sqrt(q.n))) })) },
  options: { animation: false, parsing: { xAxisKey: 'x', yAxisKey: 'y' },
    scales: { x: { type: 'linear', ticks: { precision: 0, callback: (v) => (Number.isInteger(v) ? monthLabel(v) : '') } },
      y: { type: procedureView.log ? 'logarithmic' : 'linear', title: { display: true, text: unit } } },
    plugins: { tooltip: { callbacks: {
      title: (items) => monthLabel(items[0].raw.x),
      label: (item) => `${item.dataset.label}: ${fmt(item.raw.y)} (n=${item.raw.n})` } } } } }));
  app.append(h('p', { className: 'muted', id: 'trend-n' }, t('procedures.trendN')));
  // A group's sites: each site's median and the regional DRL of the metric shown.
  if (siteList.sites.length > 1) {
    const surveyTable = h('div', { id: 'survey-table' });
    app.append(section(t('procedures.survey'), h('p', { className: 'muted' }, t('procedures.surveyNote')), surveyTable));
    const surveyRows = survey.filter((r) => r.metric === metric).flatMap((r) => r.sites.map((s) => ({
      procedure_id: r.procedure_id, site: s.site, n: s.n, median: s.median, p75: s.p75, counted: s.counted,
      above: s.above_regional_drl, regional: r.regional_drl, counted_sites: r.sites_counted })));
    table(surveyTable, { data: surveyRows, pagination: false, groupBy: 'procedure_id',
      groupHeader: (id, count, data) => `${procedureName(id)}: ${t('procedures.regionalDrl')} ${data[0].regional === null
        ? t('procedures.noRegional', { n: data[0].counted_sites }) : fmt(data[0].regional)}`,
      columns: [
        { title: t('common.site'), field: 'site', cssClass: 'data' },
        { title: t('procedures.n'), field: 'n', hozAlign: 'right', formatter: (c) => (c.getRow().getData().counted
          ? String(c.getValue()) : t('procedures.siteFew', { n: c.getValue() })) },
        { title: t('procedures.median'), field: 'median', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
        { title: t('procedures.p75'), field: 'p75', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
        { title: t('procedures.sitesAbove'), field: 'above', hozAlign: 'center', formatter: (c) => (c.getValue() ? t('common.yes') : '') } ] });
  }
}

// -- reference levels -------------------------------------------------------------------------------

async function levels() {
  const app = current;
  const [active, history, siteList] = await Promise.all([get('/api/levels'), get('/api/levels/history'), get('/api/sites')]);
  const canEdit = rank(session.role) >= rank('reviewer');
  // Sites sharing a database: a table is the group's default, or one site's own (before the default).
  const group = siteList.sites.length > 1 || history.some((v) => v.site);
  const siteOnly = h('input', { type: 'checkbox', id: 'levels-site-only', checked: Boolean(active.site) });
  const scope = () => (group && siteOnly.checked ? { site_only: true } : {});
  const editor = h('textarea', { className: 'data', id: 'levels-csv', rows: 14, spellcheck: 'false', readonly: !canEdit }, active.csv);
  const status = h('div', { id: 'levels-status' });
  let fileName = '';
  const upload = h('input', { type: 'file', id: 'levels-file', accept: '.csv,text/csv', onchange: async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    fileName = file.name;
    editor.value = await file.text();
    await save();
  } });
  // A table is activated only after its effect was shown: "N studies gain flags, M lose them".
  async function confirmThen(preview, activate) {
    if (preview.unchanged) return activate();
    const ok = h('button', { type: 'button', id: 'levels-confirm', className: 'primary', onclick: activate }, t('levels.activate'));
    const cancel = h('button', { type: 'button', id: 'levels-cancel', onclick: () => clear(status) }, t('levels.cancel'));
    clear(status).append(h('div', { id: 'levels-preview' },
      h('p', {}, t('levels.preview', { gain: preview.gain_flags, lose: preview.lose_flags, reclassified: preview.reclassified, studies: preview.studies })),
      h('p', { className: 'buttons' }, ok, cancel)));
  }
  const showProblems = (err) => showTableProblems(status, err, 'levels.problems');
  // The grid's columns by the CSV's names, to point at the cell a problem is in.
  const fieldOfColumn = { procedure_id: 'procedure_id', name: 'name_zh', match: 'match', device: 'device',
    ...Object.fromEntries(METRICS.map((m) => [m, m])) };
  // Problems of the grid's table named by the grid's own rows (line 2 of the CSV is row 1), their
  // cells marked.
  function showGridProblems(err) {
    if (!(err.body && err.body.problems)) return showProblems(err);
    const rows = grid.getRows();
    clear(status).append(message(t('levels.problems', { message: err.message }), 'error'),
      h('ul', { className: 'problems' }, err.body.problems.map((p) => {
        const row = p.line - 1;
        const field = fieldOfColumn[p.column];
        const column = field ? grid.getColumn(field).getDefinition().title : p.column;
        if (rows[row - 1] && field) rows[row - 1].getCell(field).getElement().classList.add('tabulator-validation-fail');
        return h('li', {}, p.line > 1 ? t('levels.gridProblem', { row, column: column || '', reason: p.reason }) : p.message);
      })));
  }
  async function save(fromGrid) {
    clear(status);
    if (fromGrid) {
      const invalid = grid.validate();
      if (invalid !== true) {
        clear(status).append(message(t('levels.gridInvalid', { count: invalid.length }), 'error'));
        return;
      }
      fileName = '';
    }
    try {
      const csv = fromGrid ? gridCsv() : editor.value;
      await confirmThen(await api('POST', '/api/levels/preview', { csv, ...scope() }), async () => {
        try {
          const r = await api('PUT', '/api/levels', { csv, file_name: fileName || undefined, ...scope() });
          clear(status).append(message(t(r.unchanged ? 'levels.unchanged' : 'levels.saved', { version: r.version })));
          setTimeout(route, 1500);
        } catch (err) { (fromGrid ? showGridProblems : showProblems)(err); }
      });
    } catch (err) { (fromGrid ? showGridProblems : showProblems)(err); }
  }
  async function restore(version) {
    try {
      await confirmThen(await api('POST', '/api/levels/preview', { version, ...scope() }), async () => {
        try { await api('POST', '/api/levels/restore', { version, ...scope() }); route(); } catch (err) { showProblems(err); }
      });
    } catch (err) { showProblems(err); }
  }
  const nameOf = procedureNames(active);
  // What the unclassified studies, and those only a catch-all row (.*) takes, are called: ready to map.
  const catchAll = active.rows.filter((r) => r.match.trim() === '.*').map((r) => r.procedure_id);
  const unmapped = (await Promise.all(['unclassified', ...catchAll].map((p) =>
    get(`/api/levels/descriptions${query({ procedure: p })}`).then((list) => list.map((d) => ({ ...d, procedure: p }))))))
    .flat().sort((a, b) => b.studies - a.studies);
  // The table as a grid: one row per procedure (rows are tried in order), units in the headers,
  // Chinese and English names, cells checked as they are typed.
  const gridHolder = h('div', { id: 'levels-grid' });
  const gridRows = active.rows.map((r) => {
    const [zh, en] = nameParts(r.name);
    return { ...r, name_zh: zh, name_en: en };
  });
  const ids = () => grid.getData().map((r) => r.procedure_id);
  const unique = { type: (cell, value) => !value || ids().filter((x) => x === value).length === 1 };
  const level = ['numeric', 'min:0'];
  const moveButton = (label, cls, delta) => (cell) => h('button', { type: 'button', className: cls, title: label, onclick: () => {
    const row = cell.getRow(), other = delta < 0 ? row.getPrevRow() : row.getNextRow();
    if (other) row.move(other, delta < 0); // above the previous row, below the next one
  } }, delta < 0 ? '↑' : '↓');
  function gridCsv() {
    const cellText = (v) => {
      const text = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines = [['procedure_id', 'name', 'match', 'device', ...METRICS].join(',')];
    for (const r of grid.getRows().map((row) => row.getData())) // in the order shown
      lines.push([r.procedure_id, [r.name_zh, r.name_en].filter((x) => x && x.trim()).map((x) => x.trim()).join(' '), r.match, r.device,
        ...METRICS.map((m) => r[m])].map(cellText).join(','));
    return `${lines.join('\n')}\n`;
  }
  const download = h('a', { className: 'button', id: 'levels-download', download: 'reference-levels.csv',
    href: URL.createObjectURL(new Blob([active.csv], { type: 'text/csv' })) }, t('levels.download'));

  // The pattern tester: which of the recent studies a match expression catches, as the table would.
  const testMatch = h('input', { id: 'test-match', className: 'data', size: 40 });
  const testDevice = h('input', { id: 'test-device', className: 'data', size: 12 });
  const testResult = h('div', { id: 'test-result' });
  async function tryMatch(match, device) {
    testMatch.value = match || '';
    testDevice.value = device || '';
    clear(testResult);
    try {
      const r = await api('POST', '/api/levels/test-match', { match: testMatch.value, device: testDevice.value });
      testResult.append(h('p', {}, t('levels.testResult', { matched: r.matched, tested: r.tested })),
        h('ul', { className: 'matches' }, r.studies.map((x) => h('li', {}, `${x.study_date || ''} `,
          h('a', { className: 'data', href: `#/study/${encodeURIComponent(x.study_uid)}` }, x.study_description || x.study_uid),
          ` (${nameOf(x.procedure_id)})`))));
    } catch (err) {
      // What is wrong with the pattern itself (the tester has no lines to name).
      testResult.append(message(err.body && err.body.problems ? err.body.problems[0].reason : err.message, 'error'));
    }
  }
  const tester = h('form', { className: 'filters', id: 'tester', onsubmit: (e) => { e.preventDefault(); tryMatch(testMatch.value, testDevice.value); } },
    h('label', {}, t('levels.col.match'), testMatch), h('label', {}, t('levels.col.device'), testDevice),
    h('button', { type: 'submit' }, t('levels.test')));

  const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const unmappedTable = h('table', { className: 'summary', id: 'unmapped' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.description')), h('th', {}, t('common.procedure')), h('th', {}, t('home.studies')),
      h('th', {}, t('levels.latest')), h('th', {}, ''))),
    h('tbody', {}, unmapped.map((d) => h('tr', {},
      h('td', { className: 'data' }, d.description || h('span', { className: 'muted' }, t('levels.noDescription'))), h('td', {}, nameOf(d.procedure)),
      h('td', { className: 'n' }, String(d.studies)), h('td', {}, d.latest_date),
      // A study with no description (nor procedure text) has nothing a pattern could match.
      h('td', {}, d.description
        ? h('button', { type: 'button', className: 'use-description', onclick: () => tryMatch(escapeRegex(d.description), '') }, t('levels.useInTester'))
        : h('span', { className: 'muted no-text' }, t('levels.noTextToMatch')))))));

  app.append(h('h1', {}, t('levels.title')),
    h('p', { className: 'muted' }, t('levels.version', { version: active.version, when: when(active.activated_at) }), ' — ',
      sourceNode(active.source)),
    ...(group ? [h('p', { id: 'levels-scope' }, active.site ? t('levels.ownTable', { site: active.site }) : t('levels.groupTable', { site: siteList.this_site }),
      canEdit ? [' ', h('label', {}, siteOnly, ' ', t('levels.siteOnly', { site: siteList.this_site }))] : null)] : []),
    section(t('levels.grid'), h('p', { className: 'muted' }, t('levels.gridHelp')), gridHolder, canEdit ? h('div', { className: 'buttons' },
      h('button', { type: 'button', id: 'levels-add', onclick: () => grid.addRow({ procedure_id: '', match: '' }) }, t('levels.add')),
      h('button', { type: 'button', id: 'levels-grid-save', className: 'primary', onclick: () => save(true) }, t('levels.save'))) : null, status),
    section(t('levels.tester'), h('p', { className: 'muted' }, t('levels.testerHelp')), tester, testResult),
    section(t('levels.unmapped'), unmapped.length ? unmappedTable : h('p', { className: 'muted' }, t('common.none'))),
    section(t('levels.edit'), editor, h('div', { className: 'buttons' }, download, canEdit ? [
      h('button', { type: 'button', id: 'levels-save', onclick: () => { fileName = ''; save(); } }, t('levels.save')),
      h('label', {}, t('levels.upload'), upload)] : null)));
  // Built once its holder is in the page (a table built while detached may draw no rows).
  // Titles wrap rather than be cut, every column at least as wide as its longest word.
  const grid = table(gridHolder, { data: gridRows, pagination: false, layout: 'fitColumns', movableRows: false,
    columnDefaults: { headerWordWrap: true, minWidth: 96 },
    validationMode: 'highlight', index: 'procedure_id', columns: [
      ...(canEdit ? [{ title: '', headerSort: false, width: 84, formatter: (cell) => h('span', { className: 'move' },
        moveButton(t('levels.up'), 'row-up', -1)(cell), moveButton(t('levels.down'), 'row-down', 1)(cell)) }] : []),
      { title: t('levels.col.id'), field: 'procedure_id', headerSort: false, cssClass: 'data', editor: canEdit && 'input', validator: ['required', unique], widthGrow: 2 },
      { title: t('levels.col.nameZh'), field: 'name_zh', headerSort: false, cssClass: 'data', editor: canEdit && 'input', widthGrow: 3 },
      { title: t('levels.col.nameEn'), field: 'name_en', headerSort: false, cssClass: 'data', editor: canEdit && 'input', widthGrow: 3 },
      { title: t('levels.col.match'), field: 'match', headerSort: false, cssClass: 'data', editor: canEdit && 'input', validator: 'required', widthGrow: 3 },
      { title: t('levels.col.device'), field: 'device', headerSort: false, cssClass: 'data', editor: canEdit && 'input',
        headerWordWrap: true, minWidth: 100 },
      ...METRICS.map((m) => ({ title: t(`metric.${m}`), field: m, headerSort: false, hozAlign: 'right', editor: canEdit && 'number',
        headerWordWrap: true, minWidth: 112, editorParams: { min: 0 }, validator: level, formatter: (c) => fmt(c.getValue()) })),
      ...(canEdit ? [{ title: '', headerSort: false, width: 150, formatter: (cell) => h('span', {},
        h('button', { type: 'button', className: 'row-test', onclick: () => { const r = cell.getRow().getData(); tryMatch(r.match, r.device); } }, t('levels.test')),
        ' ', h('button', { type: 'button', className: 'row-delete', onclick: () => cell.getRow().delete() }, t('levels.delete'))) }] : []),
    ] });
  // A pattern is checked as it is typed, as the table will read it (PCRE, the server's check).
  grid.on('cellEdited', async (cell) => {
    if (cell.getField() !== 'match') return;
    const element = cell.getElement();
    element.classList.remove('invalid-pattern');
    element.removeAttribute('title');
    if (!cell.getValue()) return;
    try {
      await api('POST', '/api/levels/test-match', { match: cell.getValue(), device: cell.getRow().getData().device || '' });
    } catch (err) {
      if (!(err.body && err.body.problems)) return;
      element.classList.add('invalid-pattern');
      element.title = err.body.problems[0].reason;
      clear(status).append(message(t('levels.badPattern', { row: cell.getRow().getPosition(), reason: err.body.problems[0].reason }), 'error'));
    }
  });
  const historyHolder = h('div', { id: 'levels-history' });
  app.append(section(t('levels.history'), historyHolder));
  table(historyHolder, { data: history, columns: [
    { title: '#', field: 'version', width: 60 }, { title: t('common.at'), field: 'activated_at', formatter: (c) => when(c.getValue()) },
    ...(group ? [{ title: t('levels.for'), field: 'site', formatter: (c) => (c.getValue() ? t('levels.forSite', { site: c.getValue() }) : t('levels.forGroup')) }] : []),
    { title: t('levels.source'), field: 'source', formatter: (c) => sourceNode(c.getValue()) },
    ...(canEdit ? [{ title: '', field: 'version', headerSort: false, formatter: (c) => (c.getValue() === active.version ? '' :
      h('button', { type: 'button', className: 'restore', onclick: () => restore(c.getValue()) }, t('levels.restore'))) }] : []) ] });
}

// -- staff dose -------------------------------------------------------------------------------------

// Problems of a table the server refused, each with its column marked as the CSV header spells it.
function showTableProblems(status, err, key) {
  clear(status).append(message(t(key, { message: err.message }), 'error'));
  if (err.body && err.body.problems)
    status.append(h('ul', { className: 'problems' }, err.body.problems.map((p) => {
      const at = p.column ? p.message.indexOf(p.column) : -1;
      return h('li', {}, at < 0 ? p.message
        : [p.message.slice(0, at), h('code', {}, p.column), p.message.slice(at + p.column.length)]);
    })));
}

// Where someone stands: "1 m · lead apron · below the table".
const positionText = (p) => [`${fmt(p.distance_m)} m`, term('protection', p.protection),
  p.intensifier ? term('intensifier', p.intensifier) : ''].filter(Boolean).join(' · ');
const positionColumns = () => [
  { title: t('staff.distance'), field: 'distance_m', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
  { title: t('staff.protection'), field: 'protection', formatter: (c) => term('protection', c.getValue()) },
  { title: t('staff.intensifier'), field: 'intensifier', formatter: (c) => (c.getValue() ? term('intensifier', c.getValue()) : t('staff.either')) }];

// One of the estimate's tables: its rows, the version in use and where it came from, and its CSV to
// edit (reviewers).
function staffTableSection(app, kind, active, columns) {
  const canEdit = rank(session.role) >= rank('reviewer');
  const holder = h('div', { id: `staff-${kind}` });
  const status = h('div', { id: `staff-${kind}-status` });
  const editor = h('textarea', { className: 'data', id: `staff-${kind}-csv`, rows: 6, spellcheck: 'false', readonly: !canEdit }, active.csv);
  const save = h('button', { type: 'button', className: 'primary', id: `staff-${kind}-save`, onclick: async () => {
    clear(status);
    try {
      const r = await api('PUT', `/api/staff/${kind}`, { csv: editor.value });
      clear(status).append(message(t(r.unchanged ? 'staff.unchanged' : 'staff.saved', { version: r.version })));
      setTimeout(route, 1500);
    } catch (err) { showTableProblems(status, err, 'staff.problems'); }
  } }, t('staff.save'));
  app.append(section(t(`staff.${kind}`), h('p', {}, t('staff.inUse', { version: active.version }), sourceNode(active.source)), holder,
    h('details', { id: `staff-${kind}-edit` }, h('summary', {}, t('staff.edit')), editor, canEdit ? h('p', { className: 'buttons' }, save) : null, status)));
  table(holder, { data: active.rows, pagination: false, columns });
}

async function staff() {
  const app = current;
  const year = routeParams.get('year') || String(new Date().getFullYear());
  const [data, rates, profiles, levelTable] = await Promise.all([get(`/api/staff${query({ year })}`), get('/api/staff/rates'),
    get('/api/staff/profiles'), get('/api/levels')]);
  const procedureName = procedureNames(levelTable);
  const yearInput = h('input', { type: 'number', id: 'staff-year', min: 1900, max: 9999, value: year });
  const form = h('form', { className: 'filters', onsubmit: (e) => { e.preventDefault(); location.hash = `#/staff${query({ year: yearInput.value })}`; } },
    h('label', {}, t('staff.year'), ' ', yearInput), h('button', { type: 'submit' }, t('common.apply')));
  const rows = data.operators.map((o) => ({ operator: o.operator, studies: o.studies.reduce((a, b) => a + b, 0), total: o.total_usv,
    of: o.of_annual_level, without: o.without_estimate, ...Object.fromEntries(o.months_usv.map((v, i) => [`m${i}`, v])) }));
  const holder = h('div', { id: 'staff-table' });
  app.append(h('h1', {}, t('staff.title')), h('p', { className: 'muted', id: 'staff-note' }, t('staff.note', { level: fmt(data.annual_level_usv / 1000) })),
    form, holder);
  table(holder, { data: rows, pagination: false,
    rowFormatter: (row) => { if (row.getData().of >= 1) row.getElement().classList.add('above'); },
    columns: [
      { title: t('staff.operator'), field: 'operator', formatter: (c) => (c.getValue() ? h('span', { className: 'data' }, c.getValue()) : t('staff.notNamed')) },
      { title: t('staff.studies'), field: 'studies', hozAlign: 'right' },
      { title: t('staff.total'), field: 'total', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) },
      { title: t('staff.ofLevel'), field: 'of', hozAlign: 'right', formatter: (c) => `${fmt(100 * c.getValue(), 3)} %` },
      ...t('staff.months').split(',').map((m, i) => ({ title: m, field: `m${i}`, hozAlign: 'right', headerSort: false,
        formatter: (c) => (c.getValue() ? fmt(c.getValue(), 3) : '') })),
      { title: t('staff.withoutEstimate'), field: 'without', hozAlign: 'right' }] });
  const byProcedure = h('div', { id: 'staff-procedures' });
  app.append(section(t('staff.perProcedure'), byProcedure));
  table(byProcedure, { data: data.procedures, pagination: false, columns: [
    { title: t('common.procedure'), field: 'procedure_id', formatter: (c) => procedureName(c.getValue()) },
    { title: t('staff.estimates'), field: 'estimates', hozAlign: 'right' },
    ...['mean', 'median', 'max'].map((k) => ({ title: t(`staff.${k}`), field: `${k}_usv`, hozAlign: 'right', formatter: (c) => fmt(c.getValue(), 3) }))] });
  staffTableSection(app, 'rates', rates, [
    { title: t('staff.device'), field: 'device', formatter: (c) => (c.getValue() ? h('span', { className: 'data' }, c.getValue()) : t('staff.anyDevice')) },
    ...positionColumns(), { title: t('staff.rate'), field: 'rate_usv_per_h', hozAlign: 'right', formatter: (c) => fmt(c.getValue()) }]);
  staffTableSection(app, 'profiles', profiles, [
    { title: t('staff.operator'), field: 'operator', formatter: (c) => (c.getValue() ? h('span', { className: 'data' }, c.getValue()) : t('staff.everyone')) },
    ...positionColumns()]);
}

// The patient's estimate at the table surface, with its inputs.
function patientEstimateSection(p) {
  return section(t('staff.patientTitle'),
    h('p', { id: 'patient-estimate' }, p.dose_usv === null ? t(`staff.missing.${p.missing}`) : `${fmt(p.dose_usv)} μSv`),
    h('p', { className: 'muted' }, t('staff.patientNote', { position: t(`intensifier.${p.intensifier}`), distance: fmt(p.distance_cm), rate: fmt(p.rate_usv_per_h) }),
      ' ', h('span', { className: 'data' }, p.source)));
}

// A study's estimate per operator, with its inputs.
function staffEstimateSection(estimates) {
  return section(t('staff.studyTitle'), h('p', { className: 'muted' }, t('staff.studyNote')),
    h('table', { className: 'summary', id: 'staff-estimates' },
      h('thead', {}, h('tr', {}, [t('staff.operator'), t('staff.position'), t('staff.rate'), t('staff.exposure'), t('staff.estimate')].map((x) => h('th', {}, x)))),
      h('tbody', {}, estimates.map((e) => h('tr', {},
        h('td', {}, e.operator ? h('span', { className: 'data' }, e.operator) : t('staff.notNamed')),
        h('td', {}, e.distance_m === null ? '' : positionText(e), e.default_profile ? ` (${t('staff.defaultProfile')})` : '',
          e.distance_m !== null && !e.intensifier ? ` (${t('staff.higherRate')})` : ''),
        h('td', { className: 'n' }, fmt(e.rate_usv_per_h)), h('td', { className: 'n' }, fmt(e.exposure_time_s)),
        h('td', { className: 'n' }, e.dose_usv === null ? t(`staff.missing.${e.missing}`) : fmt(e.dose_usv)))))));
}

// -- devices, audit runs ----------------------------------------------------------------------------

async function devices() {
  const app = current;
  const [list, siteList] = await Promise.all([get('/api/devices'), get('/api/sites')]);
  const holder = h('div', { id: 'devices-table' });
  app.append(h('h1', {}, t('devices.title')), holder);
  table(holder, { data: list, columns: [
    ...(siteList.sites.length > 1 ? [{ title: t('common.site'), field: 'site', cssClass: 'data' }] : []),
    { title: t('common.device'), field: 'device', cssClass: 'data', formatter: (c) => c.getValue()
      || h('span', { className: 'muted' }, t('common.unnamedDevice')) },
    { title: t('devices.manufacturer'), field: 'manufacturer', cssClass: 'data' },
    { title: t('devices.model'), field: 'model', cssClass: 'data' },
    { title: t('devices.lastObject'), field: 'last_object_at', formatter: (c) => when(c.getValue()) },
    { title: t('devices.studies'), field: 'studies', hozAlign: 'right' }, { title: t('devices.objects'), field: 'objects', hozAlign: 'right' },
    { title: t('devices.missing'), field: 'studies_without_dose_data', hozAlign: 'right' } ] });
}

async function auditRuns() {
  const app = current;
  const list = await get('/api/audit-runs');
  const holder = h('div', { id: 'audit-table' });
  app.append(h('h1', {}, t('audit.title')), holder);
  table(holder, { data: list, columns: [
    { title: t('audit.run'), field: 'id', width: 70 }, { title: t('audit.trigger'), field: 'trigger', formatter: (c) => term('trigger', c.getValue()) },
    { title: t('audit.report'), field: 'id', headerSort: false, formatter: (c) =>
      h('a', { href: url(`/api/audit-runs/${c.getValue()}/report`), target: '_blank', rel: 'noopener', className: 'run-report' }, t('audit.openReport')) },
    { title: t('audit.period'), field: 'period_from', formatter: (c) => { const r = c.getRow().getData(); return r.period_from === r.period_to ? r.period_from : `${r.period_from} – ${r.period_to}`; } },
    { title: t('common.at'), field: 'started_at', formatter: (c) => when(c.getValue()) },
    { title: t('audit.outcome'), field: 'outcome', formatter: (c) => h('span', { className: `badge ${c.getValue()}` }, term('outcome', c.getValue())) },
    { title: t('audit.studies'), field: 'studies', hozAlign: 'right' }, { title: t('audit.retrieved'), field: 'retrieved', hozAlign: 'right' },
    { title: t('audit.missing'), field: 'missing_dose', hozAlign: 'right' }, { title: t('audit.newFlags'), field: 'new_flags', hozAlign: 'right' },
    { title: t('audit.errors'), field: 'errors', cssClass: 'data', formatter: (c) => c.getValue().join('; ') } ] });
}

// -- administration ---------------------------------------------------------------------------------

async function admin() {
  const app = current;
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
      route();
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
        try { await api('PATCH', `/api/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled }); route(); } catch (err) { clear(status).append(message(err.message, 'error')); }
      } }, u.disabled ? t('admin.enable') : t('admin.disable'));
    } } ] });
  const trailHolder = h('div', { id: 'trail-table' });
  app.append(section(t('admin.trail'), trailHolder));
  table(trailHolder, { data: trail, columns: [
    { title: t('common.at'), field: 'at', formatter: (c) => when(c.getValue()) }, { title: t('common.user'), field: 'username', cssClass: 'data' },
    { title: t('admin.action'), field: 'action', formatter: (c) => term('action', c.getValue()) },
    { title: t('admin.detail'), field: 'detail', cssClass: 'data' }, { title: t('admin.remote'), field: 'remote', cssClass: 'data' } ] });
  app.append(section(t('admin.settings'), h('dl', { className: 'facts' },
    // Keys as the configuration file spells them (docs/configuration.md); values as set.
    Object.entries(settings).flatMap(([k, v]) => [h('dt', {}, h('code', {}, k)),
      h('dd', { className: typeof v === 'boolean' ? '' : 'data' }, typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no')
        : Array.isArray(v) ? v.join(', ') : String(v))]))));
}

// -- start ------------------------------------------------------------------------------------------

async function start() {
  await initI18n();
  document.getElementById('language').addEventListener('change', async (e) => { await setLanguage(e.target.value); route(); });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('POST', '/api/logout'); } catch { /* the session may have ended already */ }
    session = null;
    setCsrf('');
    location.hash = '#/';
    route();
  });
  window.addEventListener('fa-logged-out', () => { session = null; route(); });
  window.addEventListener('hashchange', route);
  try {
    session = await get('/api/session');
    setCsrf(session.csrf_token);
  } catch {
    session = null;
  }
  route();
}

start();
