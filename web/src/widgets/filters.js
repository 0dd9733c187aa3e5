// A page's filters: a form whose values the page puts into the address, and the studies API's
// parameters of the studies page's filters.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function filterForm(fields, values, onApply) {
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
export function studyQuery(filter) {
  const { range_metric: metric, range_min: min, range_max: max, ...rest } = filter;
  return metric ? { ...rest, [`min_${metric}`]: min, [`max_${metric}`]: max } : rest;
}
