// Staff dose: each operator's estimate of the year, per procedure, and the tables it rests on; the
// patient's and the operators' estimates of a study (its page shows them).
import { api, get, query } from '../api.js';
import { h, clear, message, fmt } from '../dom.js';
import { t, term } from '../i18n.js';
import { state, rerender, rank, section, sourceNode, procedureNames } from '../ui.js';
import { table } from '../widgets/table.js';
import { showTableProblems } from '../widgets/problems.js';

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
  const canEdit = rank(state.session.role) >= rank('reviewer');
  const holder = h('div', { id: `staff-${kind}` });
  const status = h('div', { id: `staff-${kind}-status` });
  const editor = h('textarea', { className: 'data', id: `staff-${kind}-csv`, rows: 6, spellcheck: 'false', readonly: !canEdit }, active.csv);
  const save = h('button', { type: 'button', className: 'primary', id: `staff-${kind}-save`, onclick: async () => {
    clear(status);
    try {
      const r = await api('PUT', `/api/staff/${kind}`, { csv: editor.value });
      clear(status).append(message(t(r.unchanged ? 'staff.unchanged' : 'staff.saved', { version: r.version })));
      setTimeout(rerender, 1500);
    } catch (err) { showTableProblems(status, err, 'staff.problems'); }
  } }, t('staff.save'));
  app.append(section(t(`staff.${kind}`), h('p', {}, t('staff.inUse', { version: active.version }), sourceNode(active.source)), holder,
    h('details', { id: `staff-${kind}-edit` }, h('summary', {}, t('staff.edit')), editor, canEdit ? h('p', { className: 'buttons' }, save) : null, status)));
  table(holder, { data: active.rows, pagination: false, columns });
}

export async function staff() {
  const app = state.current;
  const year = state.routeParams.get('year') || String(new Date().getFullYear());
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
export function patientEstimateSection(p) {
  return section(t('staff.patientTitle'),
    h('p', { id: 'patient-estimate' }, p.dose_usv === null ? t(`staff.missing.${p.missing}`) : `${fmt(p.dose_usv)} μSv`),
    h('p', { className: 'muted' }, t('staff.patientNote', { position: t(`intensifier.${p.intensifier}`), distance: fmt(p.distance_cm), rate: fmt(p.rate_usv_per_h) }),
      ' ', h('span', { className: 'data' }, p.source)));
}

// A study's estimate per operator, with its inputs.
export function staffEstimateSection(estimates) {
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
