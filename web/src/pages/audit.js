// The nightly audit's runs, each with its report (in the reader's language).
import { get, url } from '../api.js';
import { h } from '../dom.js';
import { t, language, term } from '../i18n.js';
import { state, when } from '../ui.js';
import { table } from '../widgets/table.js';

export async function auditRuns() {
  const app = state.current;
  const list = await get('/api/audit-runs');
  const holder = h('div', { id: 'audit-table' });
  app.append(h('h1', {}, t('audit.title')), holder);
  table(holder, { data: list, columns: [
    { title: t('audit.run'), field: 'id', width: 70 }, { title: t('audit.trigger'), field: 'trigger', formatter: (c) => term('trigger', c.getValue()) },
    { title: t('audit.report'), field: 'id', headerSort: false, formatter: (c) =>
      h('a', { href: url(`/api/audit-runs/${c.getValue()}/report?lang=${language()}`), target: '_blank', rel: 'noopener', className: 'run-report' }, t('audit.openReport')) },
    { title: t('audit.period'), field: 'period_from', formatter: (c) => { const r = c.getRow().getData(); return r.period_from === r.period_to ? r.period_from : `${r.period_from} – ${r.period_to}`; } },
    { title: t('common.at'), field: 'started_at', formatter: (c) => when(c.getValue()) },
    { title: t('audit.outcome'), field: 'outcome', formatter: (c) => h('span', { className: `badge ${c.getValue()}` }, term('outcome', c.getValue())) },
    { title: t('audit.studies'), field: 'studies', hozAlign: 'right' }, { title: t('audit.retrieved'), field: 'retrieved', hozAlign: 'right' },
    { title: t('audit.missing'), field: 'missing_dose', hozAlign: 'right' }, { title: t('audit.newFlags'), field: 'new_flags', hozAlign: 'right' },
    { title: t('audit.errors'), field: 'errors', cssClass: 'data', formatter: (c) => c.getValue().join('; ') } ] });
}
