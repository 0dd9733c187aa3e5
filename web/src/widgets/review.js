// The review dialog of the worklist and the study page.
import { api } from '../api.js';
import { h, clear, message } from '../dom.js';
import { t } from '../i18n.js';
import { STATES, flagText } from '../ui.js';

// Reviews one flag of a study, or all its open flags at once; or (studyUid an array) every open
// flag of several studies.
export function reviewDialog(studyUid, label, flags, onDone) {
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
