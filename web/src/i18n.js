// The UI's language: English or Simplified Chinese (dictionaries in i18n/), names that hold both,
// where a table came from, recorded values in the reader's language.
import i18next from 'i18next';
import { en } from './i18n/en.js';
import { zh } from './i18n/zh.js';

export async function initI18n() {
  const stored = localStorage.getItem('fa-language');
  const lng = stored || ((navigator.language || 'en').startsWith('zh') ? 'zh' : 'en');
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  await i18next.init({ lng, fallbackLng: 'en',
    resources: { en: { translation: en }, zh: { translation: zh } }, interpolation: { escapeValue: false } });
}

export const t = (key, options) => i18next.t(key, options);
export const language = () => i18next.language;
export async function setLanguage(lng) {
  localStorage.setItem('fa-language', lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
}

// A procedure name may hold both languages, Chinese first ("脊神经根脉冲射频术 Spinal nerve root
// pulsed RF", as the reference table writes them): the part of the reader's language; a name in
// one language is shown as it is.
export function localName(name) {
  const [zh, en] = nameParts(name);
  if (!zh || !en) return name || '';
  return i18next.language === 'zh' ? zh : en;
}

// [Chinese, English] parts of a name; a name in one language gives one part and ''.
export function nameParts(name) {
  const m = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(name || '');
  if (m) return [m[1].trim(), m[2].trim()];
  return /[\u3400-\u9fff]/.test(name || '') ? [name, ''] : ['', name || ''];
}

// Where a reference table came from, as the server records it, in the reader's language: a list of
// pieces, each {text} or {data} (a user or file name, shown as it is).
export function tableSource(source) {
  const forms = [[/^built-in example table$/, () => ({ key: 'builtIn' })],
    [/^shipped with fluoroaudit$/, () => ({ key: 'shipped' })],
    [/^file (.+)$/, (m) => ({ key: 'file', file: m[1] })],
    [/^imported from (.+)$/, (m) => ({ key: 'imported', file: m[1] })],
    [/^edited in the web UI by (.+)$/, (m) => ({ key: 'edited', user: m[1] })],
    [/^uploaded (.+) by (.+)$/, (m) => ({ key: 'uploaded', file: m[1], user: m[2] })],
    [/^version (\d+) restored by (.+)$/, (m) => ({ key: 'restored', version: m[1], user: m[2] })]];
  for (const [re, f] of forms) {
    const m = re.exec(source || '');
    if (!m) continue;
    const v = f(m);
    const marked = {};
    for (const k of ['file', 'user', 'version']) if (v[k] !== undefined) marked[k] = `\u0001${k}\u0001`;
    return i18next.t(`tableSource.${v.key}`, marked).split('\u0001')
      .map((piece, i) => (i % 2 ? { data: v[piece] } : { text: piece })).filter((p) => p.text !== '');
  }
  return [{ data: source || '' }];
}

// A recorded value (event type, role, outcome...) in the reader's language; an unknown one as it is.
export const term = (group, value) => (value === null || value === undefined || value === ''
  ? '' : i18next.t(`${group}.${value}`, { defaultValue: String(value) }));

// A translator fixed to `lng` (a letter printed in the patient's language, whatever the UI's).
export const fixedT = (lng) => i18next.getFixedT(lng);
