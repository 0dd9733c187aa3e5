// The studies: filters, sort, page and columns (kept in the address and per user), review one by
// one or in bulk, exports of exactly the page.
import { get, query, url } from '../api.js';
import { h, message, fmt } from '../dom.js';
import { t, language } from '../i18n.js';
import { state, METRICS, STATES, KINDS, rank, procedureNames, flagText, userPrefs, UNNAMED_DEVICE } from '../ui.js';
import { table } from '../widgets/table.js';
import { filterForm, studyQuery } from '../widgets/filters.js';
import { reviewDialog } from '../widgets/review.js';

export async function worklist() {
  const app = state.current;
  // The filters, sort and page are those of the address (a shared link opens the same view); the
  // first visit shows the flagged studies, unreviewed first.
  const { sort: urlSort, order: urlOrder, page: urlPage, page_size: urlSize, ...worklistFilter } =
    state.routeParams.toString() ? Object.fromEntries(state.routeParams) : { flagged: 'true' };
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
    ...(rank(state.session.role) >= rank('reviewer') ? [{ name: 'patient_id', label: t('worklist.patientId') }] : []),
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
        links();
      } }), ' ', title)));
  app.append(h('h1', {}, t('worklist.title')),
    // Applying puts the filters into the address ("all studies" as flagged=false, not as nothing).
    filterForm(fields, worklistFilter, (v) => { location.hash = `#/studies${query({ ...v, flagged: v.flagged || 'false' })}`; }), count,
    columnChoice, holder, h('p', { className: 'buttons' }, exportLink, exportXlsx, exportFlags));
  const canReview = rank(state.session.role) >= rank('reviewer');
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
  let requested = ''; // the address of the rows last asked for
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
      if (app === state.current && /^#\/studies([?]|$)/.test(location.hash))
        history.replaceState(null, '', `#/studies${query({ ...worklistFilter, ...(sorter ? { sort, order } : {}),
          page: params.page > 1 ? params.page : undefined, page_size: params.size !== 50 ? params.size : undefined })}`);
      requested = location.hash;
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
  // The address whose rows the table shows, once they are drawn (a page or sort asked for shows the
  // rows before it until its own arrive): for whoever waits for them, the browser tests.
  grid.on('dataProcessed', () => { holder.dataset.address = requested; });
  // The export's name of each column a user may hide.
  const exportColumn = { procedure_id: 'procedure', device_label: 'device', irradiation_events: 'shots', fluoro_time_s: 'fluoro_time_s',
    exposure_time_s: 'exposure_time_s', dap_total_gycm2: 'dap_gycm2', kar_total_mgy: 'kar_mgy', psd_mgy: 'psd_mgy', flags: 'flags' };
  // Exports hold exactly the page's studies in its order: its filters and sort (every page of them).
  function links() {
    // Headers, sheets and enumerations in the UI's language (a download sends the browser's own Accept-Language).
    // The columns the user hid are left out of the studies' export too.
    const hide = [...hidden].map((field) => exportColumn[field]).filter(Boolean).join(',');
    const params = { ...studyQuery(worklistFilter), sort: shown.sort || 'flags', order: shown.order, lang: language() };
    const view = query(params);
    const studiesView = query({ ...params, hide });
    exportLink.href = url(`/api/export/studies.csv${studiesView}`);
    exportXlsx.href = url(`/api/export/studies.xlsx${studiesView}`);
    exportFlags.href = url(`/api/export/flags.csv${view}`);
  }
  function load() {
    links();
    grid.setData(url('/api/studies'));
  }
  links();
}
