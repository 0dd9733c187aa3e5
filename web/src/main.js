// fluoroaudit web UI: the shell (navigation, language, login state) and the router. Each page is a
// module of pages/, the widgets they share are in widgets/, the dictionaries in i18n/.
// Tabulator's styles first: ours (style.css) override them.
import 'tabulator-tables/dist/css/tabulator_simple.min.css';
import './style.css';
import { api, get, setCsrf } from './api.js';
import { h, clear, message } from './dom.js';
import { initI18n, t, language, setLanguage, term } from './i18n.js';
import { state, rank, section } from './ui.js';
import { destroyCharts } from './widgets/charts.js';
import { followUpsPage, letterPage } from './pages/followups.js';
import { loginPage } from './pages/login.js';
import { home } from './pages/home.js';
import { worklist } from './pages/worklist.js';
import { study } from './pages/study.js';
import { procedures } from './pages/procedures.js';
import { levels } from './pages/levels.js';
import { staff } from './pages/staff.js';
import { devices } from './pages/devices.js';
import { auditRuns } from './pages/audit.js';
import { admin } from './pages/admin.js';

const pages = {
  home: { path: '', render: home },
  worklist: { path: 'studies', render: worklist },
  procedures: { path: 'procedures', render: procedures },
  levels: { path: 'levels', render: levels },
  staff: { path: 'staff', render: staff },
  devices: { path: 'devices', render: devices },
  audit: { path: 'audit', render: auditRuns },
  followUps: { path: 'follow-ups', render: () => followUpsPage({ app: state.current, section, routeParams: state.routeParams,
    canReview: rank(state.session.role) >= rank('reviewer') }) },
  admin: { path: 'admin', render: admin, role: 'admin' },
};

function renderShell() {
  const { session } = state;
  // Before login the bar holds only the language choice (a Chinese reader chooses it at the door).
  document.getElementById('top').hidden = false;
  document.getElementById('language').value = language();
  // Its hidden label in the reader's language, the names of the languages in their own.
  document.getElementById('language').setAttribute('aria-label', t('common.language'));
  const nav = clear(document.getElementById('nav'));
  for (const id of ['who', 'logout']) document.getElementById(id).hidden = !session;
  if (!session) return;
  for (const [key, page] of Object.entries(pages)) {
    if (page.role && rank(session.role) < rank(page.role)) continue;
    nav.append(h('a', { href: `#/${page.path}`, 'data-page': key }, t(`nav.${key}`)));
  }
  clear(document.getElementById('who')).append(h('span', { className: 'data' }, session.username), ` (${term('role', session.role)})`);
  document.getElementById('logout').textContent = t('login.logout');
}

async function route() {
  destroyCharts();
  clear(state.root);
  state.current = h('div', { className: 'page' });
  state.root.append(state.current);
  const app = state.current;
  renderShell();
  if (!state.session) return loginPage();
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const [first, ...rest] = path.split('/');
  state.routeParams = new URLSearchParams(search);
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === `#/${first}`);
  try {
    if (first === 'study' && rest.length) return await study(decodeURIComponent(rest.join('/')));
    if (first === 'letter' && rest.length) {
      return await letterPage({ app, uid: decodeURIComponent(rest.join('/')), lang: state.routeParams.get('lang') || (language() === 'zh' ? 'zh' : 'en') });
    }
    const page = Object.values(pages).find((p) => p.path === first) || pages.home;
    await page.render();
  } catch (e) {
    app.append(message(t('common.error', { message: e.message }), 'error'));
  }
}
state.rerender = route;

async function start() {
  await initI18n();
  document.getElementById('language').addEventListener('change', async (e) => { await setLanguage(e.target.value); route(); });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('POST', '/api/logout'); } catch { /* the session may have ended already */ }
    state.session = null;
    setCsrf('');
    location.hash = '#/';
    route();
  });
  window.addEventListener('fa-logged-out', () => { state.session = null; route(); });
  window.addEventListener('hashchange', route);
  try {
    state.session = await get('/api/session');
    setCsrf(state.session.csrf_token);
  } catch {
    state.session = null;
  }
  route();
}

start();
