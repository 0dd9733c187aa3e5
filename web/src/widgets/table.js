// Every table of the UI (Tabulator): pager and messages in the reader's language.
import { TabulatorFull as Tabulator } from 'tabulator-tables';
import { t } from '../i18n.js';

// The pager and messages of every table in the UI's language.
function tableLocale() {
  const p = (k) => t(`pager.${k}`);
  return { pagination: { first: p('first'), first_title: p('first'), last: p('last'), last_title: p('last'),
    prev: p('prev'), prev_title: p('prev'), next: p('next'), next_title: p('next'), page_size: p('size'), all: p('all'),
    page_title: p('showPage'),
    counter: { showing: p('showing'), of: p('of'), rows: p('rows'), pages: p('pages') } },
  data: { loading: t('common.loading'), error: t('common.error', { message: '' }) } };
}

export function table(el, options) {
  const grid = new Tabulator(el, { layout: 'fitDataStretch', pagination: true, paginationSize: 25,
    placeholder: t('common.none'), locale: 'ui', langs: { ui: tableLocale() }, ...options });
  // Tabulator labels its row boxes in English whatever the locale: the reader's language instead.
  // Boxes come and go with pages, scrolling and re-renders: each is relabelled as it arrives.
  const relabel = () => el.querySelectorAll('input[aria-label="Select Row"]')
    .forEach((box) => box.setAttribute('aria-label', t('pager.selectRow')));
  new MutationObserver(relabel).observe(el, { childList: true, subtree: true });
  grid.on('renderComplete', relabel);
  return grid;
}
