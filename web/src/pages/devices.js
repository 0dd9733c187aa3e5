// The devices that sent objects: when each last did, its studies and those without dose data.
import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { state, when } from '../ui.js';
import { table } from '../widgets/table.js';

export async function devices() {
  const app = state.current;
  const [list, siteList] = await Promise.all([get('/api/devices'), get('/api/sites')]);
  const holder = h('div', { id: 'devices-table' });
  app.append(h('h1', {}, t('devices.title')), holder);
  table(holder, { data: list, columns: [
    ...(siteList.sites.length > 1 ? [{ title: t('common.site'), field: 'site', cssClass: 'data' }] : []),
    { title: t('common.device'), field: 'device', cssClass: 'data', formatter: (c) => c.getValue()
      || h('span', { className: 'muted' }, t('common.unnamedDevice')) },
    { title: t('devices.manufacturer'), field: 'manufacturer', cssClass: 'data' },
    { title: t('devices.model'), field: 'model', cssClass: 'data' },
    { title: t('devices.lastObject'), field: 'last_object_at', formatter: (c) => when(c.getValue()) },
    { title: t('devices.studies'), field: 'studies', hozAlign: 'right' }, { title: t('devices.objects'), field: 'objects', hozAlign: 'right' },
    { title: t('devices.missing'), field: 'studies_without_dose_data', hozAlign: 'right' } ] });
}
