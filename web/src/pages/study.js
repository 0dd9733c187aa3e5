// One study: its figures against the levels, estimates, skin dose, follow-up, events over time,
// warnings and review history.
import { get } from '../api.js';
import { h, message, fmt } from '../dom.js';
import { t, term } from '../i18n.js';
import { state, rerender, METRICS, rank, when, section, procedureNames, flagText, partsNode } from '../ui.js';
import { table } from '../widgets/table.js';
import { Chart, keepChart } from '../widgets/charts.js';
import { reviewDialog } from '../widgets/review.js';
import { skinDoseSection } from '../widgets/skinmap.js';
import { followUpSection } from './followups.js';
import { patientEstimateSection, staffEstimateSection } from './staff.js';

export async function study(uid) {
  const app = state.current;
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
  const reviewButton = rank(state.session.role) >= rank('reviewer') && s.flags.length
    ? h('button', { type: 'button', className: 'review-button', onclick: () => reviewDialog(s.study_uid, `${s.study_date} ${s.study_description || ''}`, s.flags, () => rerender()) }, t('worklist.review'))
    : null;
  app.append(h('p', {}, h('a', { href: '#/studies' }, t('common.back'))),
    h('h1', {}, `${t('study.title')} `, h('span', { className: 'data' }, s.study_description || s.study_uid)), facts,
    section(t('study.summary'), summary, reviewButton));
  if (s.patient_estimate) app.append(patientEstimateSection(s.patient_estimate));
  if (s.staff_estimates && s.staff_estimates.length) app.append(staffEstimateSection(s.staff_estimates));
  const skinSection = skinDoseSection(s.skin_dose, s, section);
  if (skinSection) app.append(skinSection);
  const followUp = followUpSection(s.follow_up, section, rank(state.session.role) >= rank('reviewer'), () => rerender());
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
    keepChart(new Chart(canvas, { type: 'line', data: { datasets: perPlane.map((p) => ({
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
    // What kind of warning and what the extraction found, both in the reader's language (the server's message).
    ? h('ul', { id: 'warnings' }, s.warnings.map((w) => h('li', {}, h('strong', {}, term('warning', w.code)), ' — ',
      h('span', { className: 'warning-message' }, partsNode(w.message_parts)), w.count > 1 ? ` (×${w.count})` : '')))
    : h('p', { className: 'muted' }, t('common.none'))));
  app.append(section(t('study.history'), s.reviews.length
    ? h('table', { className: 'history' }, h('tbody', {}, s.reviews.map((r) => h('tr', {},
      h('td', {}, when(r.at)), h('td', { className: 'data' }, r.username), h('td', {}, `${t(`kind.${r.kind}`)} · ${t(`metric.${r.metric}`)}`),
      h('td', {}, t(`state.${r.state}`)), h('td', { className: 'data' }, r.comment)))))
    : h('p', { className: 'muted' }, t('common.none'))));
}
