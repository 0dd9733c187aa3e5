// Procedures against their reference levels: the distribution per procedure (box plot), the
// suggested local DRL, monthly medians and a group's regional survey.
import { get, query } from '../api.js';
import { h, fmt } from '../dom.js';
import { t } from '../i18n.js';
import { state, METRICS, section, procedureNames } from '../ui.js';
import { table } from '../widgets/table.js';
import { filterForm } from '../widgets/filters.js';
import { Chart, keepChart, levelMarks } from '../widgets/charts.js';

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

export async function procedures() {
  const app = state.current;
  if (state.routeParams.toString())
    Object.assign(procedureView, { metric: METRICS.includes(state.routeParams.get('metric')) ? state.routeParams.get('metric') : '', from: state.routeParams.get('from') || '',
      to: state.routeParams.get('to') || '', log: state.routeParams.get('log') !== '0', byDevice: state.routeParams.get('by_device') === '1' });
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
  keepChart(new Chart(box, { type: 'boxplot', data: { labels: rows.map(label), datasets: [{
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
  keepChart(new Chart(trend, { type: 'line', data: { datasets: Object.entries(byProcedure).map(([p, points]) => ({
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
