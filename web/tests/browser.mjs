// Shared by the browser tests: free ports, and a page that records what should never happen
// (a dialog, a script error, a console error, anything loaded from elsewhere than `base`).
import net from 'node:net';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const binary = process.env.FA_BINARY;
export const synth = process.env.FA_SYNTH;
export const artefacts = process.env.FA_ARTEFACTS || join(tmpdir(), 'fluoroaudit-artefacts');
const executablePath = process.env.FA_CHROMIUM || '/usr/bin/chromium';

// A port below the kernel's ephemeral range (32768-60999 on Debian): one taken there can be claimed
// a moment later as the local end of an outgoing connection, and the service then fails to bind it.
// A port is not bound until the service it is for starts: one handed out already in this process
// is never handed out again (two of a test's ports must differ).
const given = new Set();
export async function freePort() {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (given.has(port)) continue;
    given.add(port); // before the probe: a call awaiting meanwhile does not pick it too
    const free = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
    given.delete(port);
  }
  throw new Error('no free TCP port between 20000 and 32000');
}

// Waits until `fluoroaudit serve` at `base` answers /api/health (its readiness, not a guess).
export async function waitForHealth(base) {
  for (let i = 0; i < 300; ++i) {
    try { if ((await fetch(`${base}/api/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('fluoroaudit serve did not answer /api/health');
}

// `fluoroaudit serve` on free ports for the data folder `dataDir`, ready: {service, base}.
export async function startService(binary, dataDir, env) {
  const [dicomPort, httpPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${httpPort}`;
  const service = spawn(binary, ['--data', dataDir, 'serve', '--port', String(dicomPort), '--http-port', String(httpPort)],
    { stdio: 'ignore', env });
  await waitForHealth(base);
  return { service, base };
}

export async function newPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', (d) => { problems.push(`a dialog opened: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Refused requests (401, 422) are logged by Chromium as failed loads: expected, not a problem.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(base)) problems.push(`loaded from elsewhere: ${r.url()}`); });
  return { page, problems, context };
}

// Where the service of a test keeps its studies: SQLite in its data folder, or, on the runs against
// PostgreSQL (FA_TEST_POSTGRES names the folder tests/support/postgres.sh started a server in), a
// database of its own there. `env` is the environment to run fluoroaudit with; `sql(statement)` runs
// a statement behind the store's back.
export function testStore(dataDir, name) {
  const state = process.env.FA_TEST_POSTGRES;
  if (!state) {
    return { env: process.env, sql: (statement) => execFileSync('sqlite3', [join(dataDir, 'fluoroaudit.db'), statement]) };
  }
  const url = readFileSync(join(state, 'url'), 'utf8').trim();
  const psqlEnv = { ...process.env, PGPASSWORD: readFileSync(join(state, 'password'), 'utf8').trim() };
  const database = `fa_${name}_${process.pid}`;
  execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url, '-c', `CREATE DATABASE ${database}`], { env: psqlEnv });
  const at = url.slice(0, url.lastIndexOf('/') + 1) + database;
  return {
    env: { ...process.env, FLUOROAUDIT_STORE_URL: at, FLUOROAUDIT_STORE_PASSWORD_FILE: join(state, 'password') },
    sql: (statement) => execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', at, '-c', statement], { env: psqlEnv }),
  };
}

// A test file's service and browser: before its tests, a data folder `name` (its store by
// testStore), what `prepare(fixture)` puts into it (fixture.fa runs fluoroaudit on it, fixture.work
// is a folder of the file's own), `users` ([name, role, password]) added, then `serve` started and
// Chromium launched; after them, all stopped and removed. The fixture gets `base` and `browser`.
export function serviceFixture(name, { users = [], prepare = async () => {} } = {}) {
  const fixture = {};
  before(async () => {
    assert.ok(binary && synth, 'FA_BINARY and FA_SYNTH must name the built binaries');
    fixture.work = mkdtempSync(join(tmpdir(), `fa-${name}-`));
    const data = join(fixture.work, 'data');
    fixture.store = testStore(data, name);
    fixture.fa = (args, input) => execFileSync(binary, ['--data', data, ...args], { input, encoding: 'utf8', env: fixture.store.env });
    mkdirSync(artefacts, { recursive: true });
    await prepare(fixture);
    for (const [user, role, password] of users) fixture.fa(['user', 'add', user, '--role', role], `${password}\n`);
    ({ service: fixture.service, base: fixture.base } = await startService(binary, data, fixture.store.env));
    fixture.browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    if (fixture.browser) await fixture.browser.close();
    if (fixture.service) fixture.service.kill('SIGTERM');
    if (fixture.work && existsSync(fixture.work)) rmSync(fixture.work, { recursive: true, force: true });
  });
  return fixture;
}

// A page logged in as `user` with the UI in `language` ('en', 'zh'), with newPage's checks.
export async function logIn(fixture, language, user, password) {
  const { page, problems } = await newPage(fixture.browser, fixture.base);
  await page.goto(`${fixture.base}/`);
  await page.waitForSelector('form.login');
  await page.selectOption('#language', language);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#nav a');
  return { page, problems };
}
