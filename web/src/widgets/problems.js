// Problems of a table the server refused (reference levels, staff tables).
import { h, clear, message } from '../dom.js';
import { t } from '../i18n.js';

// Problems of a table the server refused, each with its column marked as the CSV header spells it.
export function showTableProblems(status, err, key) {
  clear(status).append(message(t(key, { message: err.message }), 'error'));
  if (err.body && err.body.problems)
    status.append(h('ul', { className: 'problems' }, err.body.problems.map((p) => {
      const at = p.column ? p.message.indexOf(p.column) : -1;
      return h('li', {}, at < 0 ? p.message
        : [p.message.slice(0, at), h('code', {}, p.column), p.message.slice(at + p.column.length)]);
    })));
}
