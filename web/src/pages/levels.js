// The reference-level table: the grid, the pattern tester, unclassified descriptions, the CSV and
// earlier versions.
import { api, get, query } from '../api.js';
import { h, clear, message, fmt } from '../dom.js';
import { t, nameParts } from '../i18n.js';
import { state, rerender, METRICS, rank, when, section, sourceNode, procedureNames, partsNode, withParts } from '../ui.js';
import { table } from '../widgets/table.js';
import { showTableProblems } from '../widgets/problems.js';

export async function levels() {
  const app = state.current;
  const [active, history, siteList] = await Promise.all([get('/api/levels'), get('/api/levels/history'), get('/api/sites')]);
  const canEdit = rank(state.session.role) >= rank('reviewer');
  // Sites sharing a database: a table is the group's default, or one site's own (before the default).
  const group = siteList.sites.length > 1 || history.some((v) => v.site);
  const siteOnly = h('input', { type: 'checkbox', id: 'levels-site-only', checked: Boolean(active.site) });
  const scope = () => (group && siteOnly.checked ? { site_only: true } : {});
  const editor = h('textarea', { className: 'data', id: 'levels-csv', rows: 14, spellcheck: 'false', readonly: !canEdit }, active.csv);
  const status = h('div', { id: 'levels-status' });
  let fileName = '';
  const upload = h('input', { type: 'file', id: 'levels-file', accept: '.csv,text/csv', onchange: async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    fileName = file.name;
    editor.value = await file.text();
    await save();
  } });
  // A table is activated only after its effect was shown: "N studies gain flags, M lose them".
  async function confirmThen(preview, activate) {
    if (preview.unchanged) return activate();
    const ok = h('button', { type: 'button', id: 'levels-confirm', className: 'primary', onclick: activate }, t('levels.activate'));
    const cancel = h('button', { type: 'button', id: 'levels-cancel', onclick: () => clear(status) }, t('levels.cancel'));
    clear(status).append(h('div', { id: 'levels-preview' },
      h('p', {}, t('levels.preview', { gain: preview.gain_flags, lose: preview.lose_flags, reclassified: preview.reclassified, studies: preview.studies })),
      h('p', { className: 'buttons' }, ok, cancel)));
  }
  const showProblems = (err) => showTableProblems(status, err, 'levels.problems');
  // The grid's columns by the CSV's names, to point at the cell a problem is in.
  const fieldOfColumn = { procedure_id: 'procedure_id', name: 'name_zh', match: 'match', device: 'device',
    ...Object.fromEntries(METRICS.map((m) => [m, m])) };
  // Problems of the grid's table named by the grid's own rows (line 2 of the CSV is row 1), their
  // cells marked.
  function showGridProblems(err) {
    if (!(err.body && err.body.problems)) return showProblems(err);
    const rows = grid.getRows();
    clear(status).append(message(t('levels.problems', { message: err.message }), 'error'),
      h('ul', { className: 'problems' }, err.body.problems.map((p) => {
        const row = p.line - 1;
        const field = fieldOfColumn[p.column];
        const column = field ? grid.getColumn(field).getDefinition().title : p.column;
        if (rows[row - 1] && field) rows[row - 1].getCell(field).getElement().classList.add('tabulator-validation-fail');
        return h('li', {}, p.line > 1 ? withParts('levels.gridProblem', { row, column: column || '' }, 'reason', p.reason_parts) : p.message);
      })));
  }
  async function save(fromGrid) {
    clear(status);
    if (fromGrid) {
      const invalid = grid.validate();
      if (invalid !== true) {
        clear(status).append(message(t('levels.gridInvalid', { count: invalid.length }), 'error'));
        return;
      }
      fileName = '';
    }
    try {
      const csv = fromGrid ? gridCsv() : editor.value;
      await confirmThen(await api('POST', '/api/levels/preview', { csv, ...scope() }), async () => {
        try {
          const r = await api('PUT', '/api/levels', { csv, file_name: fileName || undefined, ...scope() });
          clear(status).append(message(t(r.unchanged ? 'levels.unchanged' : 'levels.saved', { version: r.version })));
          setTimeout(rerender, 1500);
        } catch (err) { (fromGrid ? showGridProblems : showProblems)(err); }
      });
    } catch (err) { (fromGrid ? showGridProblems : showProblems)(err); }
  }
  async function restore(version) {
    try {
      await confirmThen(await api('POST', '/api/levels/preview', { version, ...scope() }), async () => {
        try { await api('POST', '/api/levels/restore', { version, ...scope() }); rerender(); } catch (err) { showProblems(err); }
      });
    } catch (err) { showProblems(err); }
  }
  const nameOf = procedureNames(active);
  // What the unclassified studies, and those only a catch-all row (.*) takes, are called: ready to map.
  const catchAll = active.rows.filter((r) => r.match.trim() === '.*').map((r) => r.procedure_id);
  const unmapped = (await Promise.all(['unclassified', ...catchAll].map((p) =>
    get(`/api/levels/descriptions${query({ procedure: p })}`).then((list) => list.map((d) => ({ ...d, procedure: p }))))))
    .flat().sort((a, b) => b.studies - a.studies);
  // The table as a grid: one row per procedure (rows are tried in order), units in the headers,
  // Chinese and English names, cells checked as they are typed.
  const gridHolder = h('div', { id: 'levels-grid' });
  const gridRows = active.rows.map((r) => {
    const [zh, en] = nameParts(r.name);
    return { ...r, name_zh: zh, name_en: en };
  });
  const ids = () => grid.getData().map((r) => r.procedure_id);
  const unique = { type: (cell, value) => !value || ids().filter((x) => x === value).length === 1 };
  const level = ['numeric', 'min:0'];
  const moveButton = (label, cls, delta) => (cell) => h('button', { type: 'button', className: cls, title: label, onclick: () => {
    const row = cell.getRow(), other = delta < 0 ? row.getPrevRow() : row.getNextRow();
    if (other) row.move(other, delta < 0); // above the previous row, below the next one
  } }, delta < 0 ? '↑' : '↓');
  function gridCsv() {
    const cellText = (v) => {
      const text = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines = [['procedure_id', 'name', 'match', 'device', ...METRICS].join(',')];
    for (const r of grid.getRows().map((row) => row.getData())) // in the order shown
      lines.push([r.procedure_id, [r.name_zh, r.name_en].filter((x) => x && x.trim()).map((x) => x.trim()).join(' '), r.match, r.device,
        ...METRICS.map((m) => r[m])].map(cellText).join(','));
    return `${lines.join('\n')}\n`;
  }
  const download = h('a', { className: 'button', id: 'levels-download', download: 'reference-levels.csv',
    href: URL.createObjectURL(new Blob([active.csv], { type: 'text/csv' })) }, t('levels.download'));

  // The pattern tester: which of the recent studies a match expression catches, as the table would.
  const testMatch = h('input', { id: 'test-match', className: 'data', size: 40 });
  const testDevice = h('input', { id: 'test-device', className: 'data', size: 12 });
  const testResult = h('div', { id: 'test-result' });
  async function tryMatch(match, device) {
    testMatch.value = match || '';
    testDevice.value = device || '';
    clear(testResult);
    try {
      const r = await api('POST', '/api/levels/test-match', { match: testMatch.value, device: testDevice.value });
      testResult.append(h('p', {}, t('levels.testResult', { matched: r.matched, tested: r.tested })),
        h('ul', { className: 'matches' }, r.studies.map((x) => h('li', {}, `${x.study_date || ''} `,
          h('a', { className: 'data', href: `#/study/${encodeURIComponent(x.study_uid)}` }, x.study_description || x.study_uid),
          ` (${nameOf(x.procedure_id)})`))));
    } catch (err) {
      // What is wrong with the pattern itself (the tester has no lines to name).
      testResult.append(message(err.body && err.body.problems ? partsNode(err.body.problems[0].reason_parts) : err.message, 'error'));
    }
  }
  const tester = h('form', { className: 'filters', id: 'tester', onsubmit: (e) => { e.preventDefault(); tryMatch(testMatch.value, testDevice.value); } },
    h('label', {}, t('levels.col.match'), testMatch), h('label', {}, t('levels.col.device'), testDevice),
    h('button', { type: 'submit' }, t('levels.test')));

  const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const unmappedTable = h('table', { className: 'summary', id: 'unmapped' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.description')), h('th', {}, t('common.procedure')), h('th', {}, t('home.studies')),
      h('th', {}, t('levels.latest')), h('th', {}, ''))),
    h('tbody', {}, unmapped.map((d) => h('tr', {},
      h('td', { className: 'data' }, d.description || h('span', { className: 'muted' }, t('levels.noDescription'))), h('td', {}, nameOf(d.procedure)),
      h('td', { className: 'n' }, String(d.studies)), h('td', {}, d.latest_date),
      // A study with no description (nor procedure text) has nothing a pattern could match.
      h('td', {}, d.description
        ? h('button', { type: 'button', className: 'use-description', onclick: () => tryMatch(escapeRegex(d.description), '') }, t('levels.useInTester'))
        : h('span', { className: 'muted no-text' }, t('levels.noTextToMatch')))))));

  app.append(h('h1', {}, t('levels.title')),
    h('p', { className: 'muted' }, t('levels.version', { version: active.version, when: when(active.activated_at) }), ' — ',
      sourceNode(active.source)),
    ...(group ? [h('p', { id: 'levels-scope' }, active.site ? t('levels.ownTable', { site: active.site }) : t('levels.groupTable', { site: siteList.this_site }),
      canEdit ? [' ', h('label', {}, siteOnly, ' ', t('levels.siteOnly', { site: siteList.this_site }))] : null)] : []),
    section(t('levels.grid'), h('p', { className: 'muted' }, t('levels.gridHelp')), gridHolder, canEdit ? h('div', { className: 'buttons' },
      h('button', { type: 'button', id: 'levels-add', onclick: () => grid.addRow({ procedure_id: '', match: '' }) }, t('levels.add')),
      h('button', { type: 'button', id: 'levels-grid-save', className: 'primary', onclick: () => save(true) }, t('levels.save'))) : null, status),
    section(t('levels.tester'), h('p', { className: 'muted' }, t('levels.testerHelp')), tester, testResult),
    section(t('levels.unmapped'), unmapped.length ? unmappedTable : h('p', { className: 'muted' }, t('common.none'))),
    section(t('levels.edit'), editor, h('div', { className: 'buttons' }, download, canEdit ? [
      h('button', { type: 'button', id: 'levels-save', onclick: () => { fileName = ''; save(); } }, t('levels.save')),
      h('label', {}, t('levels.upload'), upload)] : null)));
  // Built once its holder is in the page (a table built while detached may draw no rows).
  // Titles wrap rather than be cut, every column at least as wide as its longest word.
  const grid = table(gridHolder, { data: gridRows, pagination: false, layout: 'fitColumns', movableRows: false,
    columnDefaults: { headerWordWrap: true, minWidth: 96 },
    validationMode: 'highlight', index: 'procedure_id', columns: [
      ...(canEdit ? [{ title: '', headerSort: false, width: 84, formatter: (cell) => h('span', { className: 'move' },
        moveButton(t('levels.up'), 'row-up', -1)(cell), moveButton(t('levels.down'), 'row-down', 1)(cell)) }] : []),
      { title: t('levels.col.id'), field: 'procedure_id', headerSort: false, cssClass: 'data', editor: canEdit && 'input', validator: ['required', unique], widthGrow: 2 },
      { title: t('levels.col.nameZh'), field: 'name_zh', headerSort: false, cssClass: 'data', editor: canEdit && 'input', widthGrow: 3 },
      { title: t('levels.col.nameEn'), field: 'name_en', headerSort: false, cssClass: 'data', editor: canEdit && 'input', widthGrow: 3 },
      { title: t('levels.col.match'), field: 'match', headerSort: false, cssClass: 'data', editor: canEdit && 'input', validator: 'required', widthGrow: 3 },
      { title: t('levels.col.device'), field: 'device', headerSort: false, cssClass: 'data', editor: canEdit && 'input',
        headerWordWrap: true, minWidth: 100 },
      ...METRICS.map((m) => ({ title: t(`metric.${m}`), field: m, headerSort: false, hozAlign: 'right', editor: canEdit && 'number',
        headerWordWrap: true, minWidth: 112, editorParams: { min: 0 }, validator: level, formatter: (c) => fmt(c.getValue()) })),
      ...(canEdit ? [{ title: '', headerSort: false, width: 150, formatter: (cell) => h('span', {},
        h('button', { type: 'button', className: 'row-test', onclick: () => { const r = cell.getRow().getData(); tryMatch(r.match, r.device); } }, t('levels.test')),
        ' ', h('button', { type: 'button', className: 'row-delete', onclick: () => cell.getRow().delete() }, t('levels.delete'))) }] : []),
    ] });
  // A pattern is checked as it is typed, as the table will read it (PCRE, the server's check).
  grid.on('cellEdited', async (cell) => {
    if (cell.getField() !== 'match') return;
    const element = cell.getElement();
    element.classList.remove('invalid-pattern');
    element.removeAttribute('title');
    if (!cell.getValue()) return;
    try {
      await api('POST', '/api/levels/test-match', { match: cell.getValue(), device: cell.getRow().getData().device || '' });
    } catch (err) {
      if (!(err.body && err.body.problems)) return;
      element.classList.add('invalid-pattern');
      element.title = err.body.problems[0].reason;
      clear(status).append(message(withParts('levels.badPattern', { row: cell.getRow().getPosition() }, 'reason',
        err.body.problems[0].reason_parts), 'error'));
    }
  });
  const historyHolder = h('div', { id: 'levels-history' });
  app.append(section(t('levels.history'), historyHolder));
  table(historyHolder, { data: history, columns: [
    { title: '#', field: 'version', width: 60 }, { title: t('common.at'), field: 'activated_at', formatter: (c) => when(c.getValue()) },
    ...(group ? [{ title: t('levels.for'), field: 'site', formatter: (c) => (c.getValue() ? t('levels.forSite', { site: c.getValue() }) : t('levels.forGroup')) }] : []),
    { title: t('levels.source'), field: 'source', formatter: (c) => sourceNode(c.getValue()) },
    ...(canEdit ? [{ title: '', field: 'version', headerSort: false, formatter: (c) => (c.getValue() === active.version ? '' :
      h('button', { type: 'button', className: 'restore', onclick: () => restore(c.getValue()) }, t('levels.restore'))) }] : []) ] });
}
