// The overview: studies and open flags per device and procedure of a period, when each device last
// sent something, and the period's highest doses.
import { get, query } from '../api.js';
import { h, fmt } from '../dom.js';
import { t } from '../i18n.js';
import { state, when, section, procedureNames, UNNAMED_DEVICE } from '../ui.js';
import { filterForm } from '../widgets/filters.js';

const DAY = 86400000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const homePeriod = { from: isoDate(Date.now() - 90 * DAY), to: '', site: '' };
const SILENT_DAYS = 7; // a device that sent nothing for this long stands out

// Studies and open flags per device and procedure of a period, when each device last sent
// something, and the period's highest doses.
// The overview's period in the address (a view kept on reload and shared): from, to, site, or
// period=all for no bounds; without them the last period chosen (90 days at first).
function homeFromAddress() {
  if (!['from', 'to', 'site', 'period'].some((k) => state.routeParams.has(k))) return;
  Object.assign(homePeriod, { from: state.routeParams.get('period') === 'all' ? '' : state.routeParams.get('from') || '',
    to: state.routeParams.get('to') || '', site: state.routeParams.get('site') || '' });
}
function showHome(v) {
  const next = { ...homePeriod, ...v };
  location.hash = `#/${query({ ...next, period: next.from || next.to ? undefined : 'all' })}`;
}

export async function home() {
  const app = state.current;
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
