// Follow-up of substantial doses: the list with due dates, the outcome a reviewer records, the
// block on the study page, and the patient letter (printed, in the patient's language, which need
// not be the UI's).
import { api, get, query } from '../api.js';
import { h, clear, message, fmt } from '../dom.js';
import { t, fixedT } from '../i18n.js';

export const OUTCOMES = ['none', 'erythema', 'desquamation', 'ulceration', 'other'];
const STATES = ['open', 'overdue', 'closed', 'withdrawn', 'all'];

function reasonText(r, tr = t) {
  return `${tr(`metric.${r.metric}`)} ${fmt(r.value)} > ${fmt(r.level)}`;
}

function stateBadge(f) { return h('span', { className: `badge follow-${f.state}` }, t(`followUp.state.${f.state}`)); }

// A reviewer's form for the outcome of `f`; `done` runs after it is saved.
function outcomeForm(f, done) {
  const outcome = h('select', { name: 'outcome', 'aria-label': t('followUp.outcome') },
    OUTCOMES.map((o) => h('option', { value: o, selected: f.outcome === o }, t(`followUp.outcomes.${o}`))));
  const note = h('input', { name: 'note', value: f.note || '', placeholder: t('followUp.notePlaceholder'), 'aria-label': t('followUp.note') });
  const status = h('span', { className: 'status' });
  return h('form', { className: 'follow-outcome', onsubmit: async (e) => {
    e.preventDefault();
    clear(status);
    try {
      await api('POST', `/api/follow-ups/${encodeURIComponent(f.study_uid)}`, { outcome: outcome.value, note: note.value });
      done();
    } catch (err) {
      status.append(message(err.message, 'error'));
    }
  } }, outcome, ' ', note, ' ', h('button', { type: 'submit' }, t('followUp.record')), status);
}

export async function followUpsPage({ app, section, routeParams, canReview }) {
  const state = routeParams.get('state') || 'open';
  const data = await get(`/api/follow-ups${query({ state })}`);
  const choose = h('select', { id: 'follow-state', 'aria-label': t('followUp.show'), onchange: (e) => { location.hash = `#/follow-ups${query({ state: e.target.value })}`; } },
    STATES.map((s) => h('option', { value: s, selected: s === state }, t(`followUp.filter.${s}`))));
  const rows = data.follow_ups.map((f) => h('tr', { 'data-study': f.study_uid, className: f.state === 'overdue' ? 'above' : '' },
    h('td', {}, f.study_date || ''),
    h('td', { className: 'data' }, h('a', { href: `#/study/${encodeURIComponent(f.study_uid)}` }, f.study_description || f.study_uid)),
    h('td', {}, f.reasons.length ? f.reasons.map((r) => reasonText(r)).join('; ') : t('followUp.noReasons')),
    h('td', {}, `${f.due_from} – ${f.due_to}`),
    h('td', {}, stateBadge(f)),
    h('td', {}, f.outcome ? t(`followUp.outcomes.${f.outcome}`) : '', f.note ? h('span', { className: 'data' }, ` (${f.note})`) : ''),
    h('td', {}, h('a', { href: `#/letter/${encodeURIComponent(f.study_uid)}`, className: 'letter-link' }, t('followUp.letter')),
      canReview && f.state !== 'withdrawn' ? outcomeForm(f, () => location.reload()) : null)));
  app.append(h('h1', {}, t('followUp.title')),
    h('p', { className: 'muted' }, t('followUp.intro')),
    h('label', {}, t('followUp.show'), ' ', choose),
    section(t('followUp.listTitle', { today: data.today }),
      rows.length ? h('table', { className: 'summary', id: 'follow-ups' },
        h('thead', {}, h('tr', {}, ['common.date', 'common.study', 'followUp.reasons', 'followUp.due', 'followUp.stateTitle', 'followUp.outcome', ''].map((k) => h('th', {}, k ? t(k) : '')))),
        h('tbody', {}, rows)) : h('p', { id: 'follow-ups' }, t('common.none'))));
}

// The study page's block.
export function followUpSection(f, section, canReview, refresh) {
  if (!f) return null;
  return section(t('followUp.studyTitle'), h('dl', { className: 'facts', id: 'study-follow-up' },
    h('dt', {}, t('followUp.reasons')), h('dd', {}, f.reasons.length ? f.reasons.map((r) => reasonText(r)).join('; ') : t('followUp.noReasons')),
    h('dt', {}, t('followUp.due')), h('dd', {}, `${f.due_from} – ${f.due_to}`),
    h('dt', {}, t('followUp.stateTitle')), h('dd', {}, stateBadge(f)),
    h('dt', {}, t('followUp.outcome')), h('dd', {}, f.outcome ? t(`followUp.outcomes.${f.outcome}`) : '—',
      f.note ? h('span', { className: 'data' }, ` (${f.note})`) : '', f.recorded_by ? h('span', { className: 'muted' }, ` ${f.recorded_by}, ${f.recorded_at}`) : '')),
  canReview && f.state !== 'withdrawn' ? outcomeForm(f, refresh) : null,
  h('p', {}, h('a', { href: `#/letter/${encodeURIComponent(f.study_uid)}` }, t('followUp.letter'))));
}

// The letter to the patient, in `lang` (zh or en), ready to print.
export async function letterPage({ app, uid, lang }) {
  const f = await get(`/api/follow-ups/${encodeURIComponent(uid)}`);
  const tr = fixedT(lang);
  const choose = h('select', { id: 'letter-language', 'aria-label': t('followUp.letterLanguage'), onchange: (e) => { location.hash = `#/letter/${encodeURIComponent(uid)}?lang=${e.target.value}`; } },
    h('option', { value: 'zh', selected: lang === 'zh' }, '简体中文'), h('option', { value: 'en', selected: lang === 'en' }, 'English'));
  const psd = f.psd_mgy === null ? null : f.psd_mgy / 1000;
  const name = f.patient_name || f.patient_id || tr('letter.patient');
  const letter = h('article', { className: 'letter', id: 'letter', lang },
    h('h1', {}, tr('letter.title')),
    h('p', {}, tr('letter.dear', { name })),
    h('p', {}, ...tr('letter.procedure', { date: f.study_date, procedure: '\u0001' }).split('\u0001')
      .flatMap((part, i) => (i ? [h('span', { className: 'data' }, f.study_description || f.procedure_name || ''), part] : [part]))),
    h('p', {}, psd !== null ? tr('letter.dose', { dose: fmt(psd, 2) }) : tr('letter.doseOther')),
    h('p', {}, tr('letter.watch')),
    h('ul', {}, ['redness', 'itch', 'peeling', 'sore'].map((k) => h('li', {}, tr(`letter.signs.${k}`)))),
    h('p', { className: 'letter-due' }, tr('letter.due', { from: f.due_from, to: f.due_to })),
    h('p', {}, tr('letter.contact')),
    h('p', {}, tr('letter.noWorry')),
    h('p', { className: 'letter-sign' }, tr('letter.sign')));
  app.append(h('div', { className: 'no-print' }, h('a', { href: `#/study/${encodeURIComponent(uid)}` }, t('followUp.backToStudy')), ' ',
    h('label', {}, t('followUp.letterLanguage'), ' ', choose), ' ', h('button', { type: 'button', onclick: () => window.print() }, t('followUp.print'))), letter);
}
