// Browser tests of the web UI: a real `fluoroaudit serve` with a generated department, Debian's
// Chromium driven by playwright-core. Screenshots go to FA_ARTEFACTS (build/<preset>/artefacts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { newPage as pageWithChecks, startService, testStore } from './browser.mjs';

const binary = process.env.FA_BINARY;
const synth = process.env.FA_SYNTH;
const artefacts = process.env.FA_ARTEFACTS || join(tmpdir(), 'fluoroaudit-artefacts');
const executablePath = process.env.FA_CHROMIUM || '/usr/bin/chromium';
const passwords = { alice: 'alice-admin-pass', rita: 'rita-reviewer-pass', victor: 'victor-viewer-pass' };

let work, store, service, base, browser, reversedStudy, biplaneStudy;


function fa(args, input) {
  return execFileSync(binary, ['--data', join(work, 'data'), ...args], { input, encoding: 'utf8', env: store.env });
}

before(async () => {
  assert.ok(binary && synth, 'FA_BINARY and FA_SYNTH must name the built binaries');
  work = mkdtempSync(join(tmpdir(), 'fa-ui-'));
  store = testStore(join(work, 'data'), 'ui');
  mkdirSync(artefacts, { recursive: true });
  execFileSync(synth, ['department', join(work, 'dept'), '40']);
  execFileSync(synth, ['report', join(work, 'dept', 'markup.dcm'), '<script>alert(1)</script> Spinal nerve root pulsed RF <b>bold</b>', '30', '20210701']);
  execFileSync(synth, ['report', join(work, 'dept', 'high-1.dcm'), 'Spinal nerve root pulsed RF', '40', '20210702']);
  execFileSync(synth, ['report', join(work, 'dept', 'high-2.dcm'), 'Plasma ablation of the posterior ramus', '35', '20210703']);
  reversedStudy = execFileSync(synth, ['report', join(work, 'dept', 'reversed.dcm'), 'Trigeminal ganglion RF', '3', '20210704', 'latest-first+odd-units'],
    { encoding: 'utf8' }).match(/study ([0-9.]+)/)[1];
  // Only the catch-all row takes it: a description to map.
  execFileSync(synth, ['report', join(work, 'dept', 'vertebroplasty.dcm'), 'Vertebroplasty L2', '12', '20210706']);
  biplaneStudy = execFileSync(synth, ['report', join(work, 'dept', 'biplane.dcm'), 'Spinal cord stimulator trial', '4', '20210705', 'biplane'],
    { encoding: 'utf8' }).match(/study ([0-9.]+)/)[1];
  fa(['ingest', join(work, 'dept')]);
  fa(['audit', 'nightly', '--date', '2021-07-02']);
  // The C-arm last sent something 20 days ago: the overview shows it as silent.
  store.sql(`UPDATE source_objects SET received_at = '${new Date(Date.now() - 20 * 86400000).toISOString().slice(0, 19)}Z'`);
  fa(['user', 'add', 'alice', '--role', 'admin'], `${passwords.alice}\n`);
  fa(['user', 'add', 'rita', '--role', 'reviewer'], `${passwords.rita}\n`);
  fa(['user', 'add', 'victor', '--role', 'viewer'], `${passwords.victor}\n`);
  ({ service, base } = await startService(binary, join(work, 'data'), store.env));
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  if (browser) await browser.close();
  if (service) service.kill('SIGTERM');
  if (work && existsSync(work)) rmSync(work, { recursive: true, force: true });
});

const newPage = () => pageWithChecks(browser, base);

async function login(page, user) {
  await page.goto(`${base}/`);
  await page.fill('#username', user);
  await page.fill('#password', passwords[user]);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#nav a');
  await page.waitForSelector('#home-totals');
  await page.click('#nav a[data-page=worklist]');
}

test('a reviewer reviews a flag from the worklist and sees it acknowledged; the admin sees it in the audit trail', async () => {
  const { page, problems } = await newPage();
  await login(page, 'rita');
  await page.waitForSelector('#worklist-table .tabulator-row');
  const rows = await page.locator('#worklist-table .tabulator-row').count();
  assert.ok(rows >= 2, `the worklist lists flagged studies (${rows})`);
  await page.screenshot({ path: join(artefacts, 'ui-1-worklist.png'), fullPage: true });
  // Unreviewed first; review the first row's first flag.
  const firstRow = page.locator('#worklist-table .tabulator-row').first();
  const description = (await firstRow.locator('a').first().textContent()).trim();
  await firstRow.locator('button.review-button').click();
  await page.selectOption('dialog.review select[name=state]', 'acknowledged');
  await page.fill('dialog.review textarea[name=comment]', 'complex anatomy, discussed with the operator');
  await page.screenshot({ path: join(artefacts, 'ui-2-review-dialog.png') });
  await page.click('dialog.review button.primary');
  await page.waitForSelector('text=Review saved');
  await page.waitForSelector('#worklist-table li.flag.acknowledged');
  assert.match(await page.locator('#worklist-table li.flag.acknowledged').first().textContent(), /acknowledged/);
  // The study page shows the review in its history.
  await page.locator('#worklist-table .tabulator-row a', { hasText: description }).first().click();
  await page.waitForSelector('text=Review history');
  const history = await page.locator('table.history').textContent();
  assert.match(history, /rita/);
  assert.match(history, /acknowledged/);
  assert.match(history, /complex anatomy/);
  await page.screenshot({ path: join(artefacts, 'ui-3-study.png'), fullPage: true });
  await page.click('#logout');
  await page.waitForSelector('form.login');

  await login(page, 'alice');
  await page.click('#nav a[data-page=admin]');
  await page.waitForSelector('#trail-table .tabulator-row');
  const trail = await page.locator('#trail-table').textContent();
  assert.match(trail, /review/);
  assert.match(trail, /acknowledged — complex anatomy/);
  assert.match(trail, /rita/);
  await page.screenshot({ path: join(artefacts, 'ui-4-audit-trail.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the login page offers the language and nothing of a session; the language switches to Simplified Chinese', async () => {
  const { page, problems } = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('form.login');
  assert.ok(await page.locator('#language').isVisible(), 'the language choice is on the login page');
  assert.ok(!(await page.locator('#logout').isVisible()), 'no logout button before login');
  assert.ok(!(await page.locator('#who').isVisible()), 'no user name before login');
  await page.selectOption('#language', 'zh');
  await page.waitForSelector('form.login button:has-text("登录")');
  await page.selectOption('#language', 'en');
  await login(page, 'victor');
  await page.selectOption('#language', 'zh');
  await page.waitForSelector('#nav a:has-text("概览")');
  assert.equal(await page.locator('h1').first().textContent(), '检查与标记');
  await page.click('#nav a[data-page=procedures]');
  await page.waitForSelector('#box-chart');
  await page.screenshot({ path: join(artefacts, 'ui-5-procedures-zh.png'), fullPage: true });
  await page.selectOption('#language', 'en');
  assert.deepEqual(problems, []);
});

test('an uploaded table with an error shows the error and changes nothing', async () => {
  const { page, problems } = await newPage();
  await login(page, 'alice');
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-csv');
  const before = await page.locator('p.muted').first().textContent();
  const csv = 'procedure_id,name,match,device,shots,fluoro_time_s,exposure_time_s,dap_gycm2,kar_mgy\n' +
    'root-prf,Spinal nerve root pulsed RF,nerve root,,18,14,14,-2,\n';
  await page.setInputFiles('#levels-file', { name: 'department-levels.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('ul.problems li');
  const problemsText = await page.locator('ul.problems').textContent();
  assert.match(problemsText, /line 2, column dap_gycm2/);
  await page.screenshot({ path: join(artefacts, 'ui-6-levels-error.png'), fullPage: true });
  await page.reload();
  await page.waitForSelector('#levels-csv');
  assert.equal(await page.locator('p.muted').first().textContent(), before);
  assert.deepEqual(problems, []);
});

test('markup in a study description shows as text and never runs', async () => {
  const { page, problems } = await newPage();
  await login(page, 'rita');
  await page.waitForSelector('#worklist-table .tabulator-row');
  const link = page.locator('#worklist-table a', { hasText: '<script>alert(1)</script>' });
  assert.equal(await link.count(), 1, 'the description is shown with its markup as text');
  assert.equal(await page.locator('#worklist-table b').count(), 0, 'no element was made from the description');
  await link.click();
  await page.waitForSelector('dl.facts');
  assert.match(await page.locator('h1').textContent(), /<script>alert\(1\)<\/script> Spinal nerve root pulsed RF <b>bold<\/b>/);
  await page.screenshot({ path: join(artefacts, 'ui-7-markup-as-text.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('a viewer sees no patient identifiers and no review button', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.waitForSelector('#worklist-table .tabulator-row');
  assert.equal(await page.locator('button.review-button').count(), 0);
  // Sorting is the server's: newest first after two clicks on the date header.
  const header = page.locator('#worklist-table .tabulator-col[tabulator-field=study_date]');
  await header.click();
  await page.waitForFunction(() => document.querySelector('#worklist-table .tabulator-row .tabulator-cell')?.textContent === '2021-07-01');
  await header.click();
  await page.waitForFunction(() => document.querySelector('#worklist-table .tabulator-row .tabulator-cell')?.textContent === '2021-07-03');
  assert.equal(await page.locator('#nav a[data-page=admin]').count(), 0);
  assert.deepEqual(problems, []);
});

test('the study page lists events in time order', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.goto(`${base}/#/study/${reversedStudy}`);
  await page.waitForSelector('#events-table .tabulator-row');
  // The report lists them latest first; the page from the first.
  const starts = await page.locator('#events-table .tabulator-row .tabulator-cell:first-child').allTextContents();
  assert.deepEqual(starts.map((x) => x.trim()), ['2021-07-04 10:15:00', '2021-07-04 10:15:01', '2021-07-04 10:15:02']);
  assert.deepEqual(problems, []);
});

test('the worklist exports what it shows as an XLSX workbook of studies, events and the DRL audit', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.waitForSelector('#worklist-table .tabulator-row');
  const link = page.locator('#export-studies-xlsx');
  assert.match(await link.getAttribute('href'), /\/api\/export\/studies\.xlsx\?.*flagged=true/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'fluoroaudit-studies.xlsx');
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file is a ZIP archive');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet3.xml')), 'three sheets: studies, events, DRL audit');
  assert.deepEqual(problems, []);
});

test('a reviewer reviews every open flag of several studies at once', async () => {
  const { page, problems } = await newPage();
  await login(page, 'rita');
  await page.waitForSelector('#worklist-table .tabulator-row');
  const rows = page.locator('#worklist-table .tabulator-row');
  await rows.nth(0).locator('input[type=checkbox]').check();
  await rows.nth(1).locator('input[type=checkbox]').check();
  await page.click('#review-selected');
  await page.selectOption('dialog.review select[name=state]', 'acknowledged');
  await page.screenshot({ path: join(artefacts, 'ui-8-bulk-review.png') });
  await page.click('dialog.review button.primary');
  const done = await page.waitForSelector('text=/flags of 2 studies reviewed/');
  assert.match(await done.textContent(), /^[1-9][0-9]* flags of 2 studies reviewed$/);
  assert.deepEqual(problems, []);
});

test('every study can be listed, and one found by its Study UID', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.waitForSelector('#worklist-table .tabulator-row');
  const flagged = Number((await page.locator('#worklist-count').textContent()).match(/\d+/)[0]);
  await page.selectOption('form.filters select[name=flagged]', '');
  await page.click('form.filters button[type=submit]');
  // The page is drawn anew for the new address: its count is empty until the list has come.
  await page.waitForFunction((n) => Number((document.querySelector('#worklist-count')?.textContent.match(/\d+/) || [-1])[0]) > n, flagged);
  await page.fill('form.filters input[name=q]', reversedStudy);
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => (document.querySelector('#worklist-count')?.textContent || '').startsWith('1 '));
  assert.match(await page.locator('#worklist-table .tabulator-row a').first().textContent(), /Trigeminal ganglion RF/);
  assert.equal(await page.locator('form.filters input[name=patient_id]').count(), 0, 'a viewer cannot search by patient');
  assert.deepEqual(problems, []);
});

test('a new table shows its effect on the studies before it is activated', async () => {
  const { page, problems } = await newPage();
  await login(page, 'alice');
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-csv');
  const before = await page.locator('p.muted').first().textContent();
  const csv = await page.locator('#levels-csv').inputValue();
  // Every shots level raised to 9999: flagged studies lose their flags.
  await page.locator('#levels-csv').fill(csv.split('\n').map((line, i) => {
    if (i === 0 || !line.trim()) return line;
    const cells = line.split(',');
    if (cells.length >= 9 && cells[4] !== '') cells[4] = '9999';
    return cells.join(',');
  }).join('\n'));
  await page.click('#levels-save');
  await page.waitForSelector('#levels-preview');
  const text = await page.locator('#levels-preview p').first().textContent();
  const m = text.match(/: (\d+) of (\d+) studies gain flags, (\d+) lose flags, (\d+) change procedure\./);
  assert.ok(m, text);
  assert.ok(Number(m[2]) > 0 && Number(m[3]) > 0, text);
  await page.screenshot({ path: join(artefacts, 'ui-9-levels-preview.png'), fullPage: true });
  assert.equal(await page.locator('p.muted').first().textContent(), before, 'nothing is activated before the confirmation');
  await page.click('#levels-confirm');
  await page.waitForSelector('#levels-status .message:not(.error)');
  assert.match(await page.locator('#levels-status').textContent(), /is active/);
  assert.deepEqual(problems, []);
});

// Every page in Chinese: no English word outside data (descriptions, names, devices, file names,
// configuration keys: marked .data or <code>), units and acronyms.
// The X of X 射线 (X-ray) and TID (a DICOM template) are Chinese usage too.
const allowedWords = new Set(['fluoroaudit', 'DAP', 'Ka', 'r', 'n', 'DRL', 'UID', 'CSV', 'XLSX', 'MPPS', 'ID', 'JSON',
  'kV', 'mA', 'mGy', 'dGy', 'Gy', 'cm', 's', 'Sv', 'mSv', 'm', 'h', 'ICRP', 'X', 'TID', 'AE', 'DICOM', 'HTTPS', 'PACS', 'PCRE', 'NCRP']);

async function englishWords(page) {
  return page.evaluate((allowed) => {
    const words = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('.data, code, script, style, #language, [hidden]') || el.offsetParent === null) continue;
      for (const w of n.textContent.match(/[A-Za-z]+/g) || []) if (!allowed.includes(w)) words.push(`${w} (in "${n.textContent.trim().slice(0, 60)}")`);
    }
    // What a screen reader says or a pointer shows: hidden labels, titles and placeholders.
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (el.closest('.data, code, script, style, [hidden]') || (el.offsetParent === null && el.tagName !== 'OPTION')) continue;
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = el.getAttribute(name) || '';
        if (el.id === 'language' && name === 'aria-label') continue;
        for (const w of value.match(/[A-Za-z]+/g) || []) if (!allowed.includes(w)) words.push(`${w} (in ${name}="${value.slice(0, 60)}")`);
      }
    }
    return words;
  }, [...allowedWords]);
}

test('every page in Chinese shows no English outside data, units and acronyms', async () => {
  const { page, problems } = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('form.login');
  await page.selectOption('#language', 'zh');
  await page.waitForSelector('form.login button:has-text("登录")');
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wrong-password-here');
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('form.login .message.error');
  assert.match(await page.locator('form.login .message.error').textContent(), /用户名或密码错误/);
  const found = {};
  found.login = await englishWords(page);
  await page.fill('#password', passwords.alice);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#home-totals');
  await page.click('#home-period button[data-days=all]');
  await page.waitForSelector('#home-by-device tbody tr');
  found.home = await englishWords(page);
  await page.screenshot({ path: join(artefacts, 'ui-zh-0-home.png'), fullPage: true });
  await page.click('#nav a[data-page=worklist]');
  await page.waitForSelector('#worklist-table .tabulator-row');
  found.worklist = await englishWords(page);
  await page.selectOption('form.filters select[name=flagged]', '');
  await page.click('form.filters button[type=submit]');
  await page.waitForSelector('#worklist-table .tabulator-paginator button');
  found.allStudies = await englishWords(page);
  await page.screenshot({ path: join(artefacts, 'ui-zh-1-studies.png'), fullPage: true });
  await page.goto(`${base}/#/study/${reversedStudy}`);
  await page.waitForSelector('#events-table .tabulator-row');
  // Its data-quality warnings as the server words them for a Chinese reader.
  const warnings = await page.locator('#warnings li').allTextContents();
  assert.ok(warnings.some((w) => w.includes('剂量面积乘积的值以 dGy.cm2 而非 Gy.m2 记录；已换算')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('没有模板标识（TID 10001）')), warnings.join('\n'));
  found.study = await englishWords(page);
  await page.screenshot({ path: join(artefacts, 'ui-zh-2-study.png'), fullPage: true });
  for (const [key, ready] of [['procedures', '#stats-table .tabulator-row'], ['levels', '#levels-history .tabulator-row'],
    ['staff', '#staff-rates .tabulator-row'], ['devices', '#devices-table .tabulator-row'], ['audit', '#audit-table .tabulator-row'],
    ['followUps', '#follow-ups'], ['admin', '#trail-table .tabulator-row']]) {
    await page.click(`#nav a[data-page=${key}]`);
    await page.waitForSelector(ready);
    found[key] = await englishWords(page);
    await page.screenshot({ path: join(artefacts, `ui-zh-${key}.png`), fullPage: true });
  }
  // A server message in the UI's language.
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-csv');
  await page.locator('#levels-csv').fill('procedure_id,name,match,device,shots\nroot-prf,x,nerve root,,-3\n');
  await page.click('#levels-save');
  await page.waitForSelector('ul.problems li');
  assert.equal(await page.locator('ul.problems li').first().textContent(), '第 2 行，“shots”列：“-3”是负数');
  assert.match(await page.locator('#levels-status .message.error').textContent(), /该表有 1 处问题/);
  found.levelsError = await englishWords(page);
  // A pattern PCRE refuses, named as the grid's row, in Chinese.
  const cell = page.locator('#levels-grid .tabulator-row').first().locator('.tabulator-cell[tabulator-field=match]');
  await cell.click();
  await cell.locator('input').fill('(nerve');
  await cell.locator('input').press('Enter');
  await page.waitForSelector('#levels-grid .tabulator-cell.invalid-pattern');
  assert.match(await page.locator('#levels-status .message.error').textContent(), /缺少 \)（第 7 个字符）/);
  found.pattern = await englishWords(page);
  // The nightly report opened from the audit page: in Chinese, its headings and chart labels too.
  await page.click('#nav a[data-page=audit]');
  await page.waitForSelector('#audit-table .run-report');
  const report = await page.locator('#audit-table .run-report').first().getAttribute('href');
  assert.match(report, /[?]lang=zh$/);
  const reportPage = await browser.newPage();
  await reportPage.goto(`${base}${report}`);
  found.report = await reportPage.evaluate((allowed) => [...document.querySelectorAll('h1, h2, h3, th, .legend, svg .ct, svg .ax')]
    .flatMap((el) => (el.textContent.match(/[A-Za-z]+/g) || []).filter((w) => !allowed.includes(w)).map((w) => `${w} (in "${el.textContent.slice(0, 60)}")`)),
  [...allowedWords]);
  // No procedure label is cut off on the left of its chart.
  const cut = await reportPage.evaluate(() => [...document.querySelectorAll('svg.chart text.lb')]
    .filter((el) => el.getBBox().x < 0).map((el) => el.textContent));
  assert.deepEqual(cut, [], 'chart labels inside the chart');
  await reportPage.screenshot({ path: join(artefacts, 'ui-zh-report.png'), fullPage: true });
  await reportPage.close();
  for (const [key, words] of Object.entries(found)) assert.deepEqual(words, [], `English on the ${key} page`);
  await page.selectOption('#language', 'en');
  assert.deepEqual(problems, []);
});

test('the overview shows studies and open flags per device and procedure, a silent C-arm and the highest doses', async () => {
  const { page, problems } = await newPage();
  await page.goto(`${base}/`);
  await page.fill('#username', 'victor');
  await page.fill('#password', passwords.victor);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#home-totals');
  // The generated department is from earlier years: the whole period shows it.
  await page.click('#home-period button[data-days=all]');
  await page.waitForSelector('#home-by-device tbody tr');
  const api = await page.evaluate(async () => (await fetch('/api/overview')).json());
  const studies = api.reduce((n, r) => n + r.studies, 0), open = api.reduce((n, r) => n + r.open_flags, 0);
  assert.ok(studies >= 44 && open > 0, JSON.stringify(api));
  assert.equal(await page.locator('#home-totals').textContent(), `${studies} studies, ${open} open flags in the period`);
  const device = await page.locator('#home-by-device tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(device, ['CARM1', String(studies), String(api.reduce((n, r) => n + r.studies_with_open_flags, 0)), String(open)]);
  const procedures = await page.locator('#home-by-procedure tbody tr').count();
  assert.equal(procedures, new Set(api.map((r) => r.procedure_id)).size);
  assert.match(await page.locator('#home-by-procedure').textContent(), /Spinal nerve root pulsed RF/);
  assert.match(await page.locator('#home-devices tr.silent').textContent(), /CARM1.*nothing for 20 days/);
  const doses = (await page.locator('#home-highest tbody tr td:nth-child(4)').allTextContents()).map(Number);
  assert.equal(doses.length, 10);
  assert.deepEqual(doses, [...doses].sort((a, b) => b - a), 'highest DAP first');
  await page.screenshot({ path: join(artefacts, 'ui-10-overview.png'), fullPage: true });
  // A count opens the studies page with that group.
  await page.locator('#home-by-device tbody tr').first().locator('td:nth-child(3) a').click();
  await page.waitForSelector('#worklist-table .tabulator-row');
  await page.waitForFunction((n) => document.querySelector('#worklist-count')?.textContent === `${n} studies`,
    api.reduce((n, r) => n + r.studies_with_open_flags, 0));
  assert.deepEqual(problems, []);
});

test('the procedures page: a metric with a level by default, a date range, per device, a log scale', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.click('#nav a[data-page=procedures]');
  await page.waitForSelector('#stats-table .tabulator-row');
  // The shipped table has shot and time levels, no DAP level: shots are shown first, with their level.
  assert.equal(await page.locator('#metric').inputValue(), 'shots');
  assert.ok(await page.locator('#log-scale').isChecked(), 'a log scale by default');
  const cells = async (field) => (await page.locator(`#stats-table .tabulator-cell[tabulator-field=${field}]`).allTextContents()).map((x) => x.trim());
  const all = (await cells('n')).map(Number);
  // The active table's shot levels (an earlier test may have raised them), each beside its procedure.
  const stats = await page.evaluate(async () => (await fetch('/api/stats')).json());
  const expected = stats.filter((r) => r.metric === 'shots' && r.n > 0).map((r) => (r.level === null ? '未设水平' : String(r.level)));
  assert.ok(expected.some((l) => /^[0-9]+$/.test(l)), JSON.stringify(expected));
  assert.deepEqual((await cells('level')).map((l) => (l === 'no level' ? '未设水平' : l)), expected);
  await page.screenshot({ path: join(artefacts, 'ui-11-procedures.png'), fullPage: true });
  // Per device: one more column, the same counts (one C-arm).
  await page.check('#by-device');
  await page.waitForSelector('#stats-table .tabulator-cell[tabulator-field=device]');
  assert.deepEqual([...new Set(await cells('device'))], ['CARM1']);
  assert.deepEqual((await cells('n')).map(Number), all);
  await page.uncheck('#by-device');
  await page.waitForFunction(() => !document.querySelector('#stats-table .tabulator-cell[tabulator-field=device]'));
  // A date range: the studies of July 2021 only (the four reports added to the department).
  await page.fill('form.filters input[name=from]', '2021-07-01');
  await page.fill('form.filters input[name=to]', '2021-07-04');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction((n) => {
    const cells = [...document.querySelectorAll('#stats-table .tabulator-cell[tabulator-field=n]')];
    return cells.length && cells.reduce((s, c) => s + Number(c.textContent), 0) < n;
  }, all.reduce((a, b) => a + b, 0));
  const inJuly = (await cells('n')).map(Number).reduce((a, b) => a + b, 0);
  const api = await page.evaluate(async () => (await fetch('/api/stats?from=2021-07-01&to=2021-07-04')).json());
  assert.equal(inJuly, api.filter((r) => r.metric === 'shots').reduce((n, r) => n + r.n, 0));
  assert.ok(inJuly >= 4, `July's studies (${inJuly})`);
  await page.uncheck('#log-scale');
  await page.waitForSelector('#log-scale:not(:checked)');
  await page.screenshot({ path: join(artefacts, 'ui-12-procedures-linear.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the study page shows a biplane procedure per plane, with the summary\'s one exposure time', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.goto(`${base}/#/study/${biplaneStudy}`);
  await page.waitForSelector('#planes tbody tr');
  const rows = await page.locator('#planes tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  // Four shots of 0.1 Gy·cm² and 0.1 mGy alternating A, B; those of plane B with twice the DAP.
  assert.deepEqual(rows, [['plane A', '2', '2', '0.2', '0.2'], ['plane B', '2', '2', '0.4', '0.2']]);
  const summary = await page.locator('table.summary').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  assert.deepEqual(summary.find(([m]) => m === 'Exposure time (s)'), ['Exposure time (s)', '3']);
  // The sum, each plane beside it.
  assert.deepEqual(summary.find(([m]) => m === 'DAP (Gy·cm²)'), ['DAP (Gy·cm²)', '0.6 (plane A 0.2 + plane B 0.4)']);
  assert.equal(await page.locator('text=Cumulative exposure time').count(), 0, 'no second exposure time');
  await page.screenshot({ path: join(artefacts, 'ui-13-study-biplane.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the reference levels as a grid: inline checks, a pattern tester, descriptions to map, a new row activated', async () => {
  const { page, problems } = await newPage();
  await login(page, 'alice');
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-grid .tabulator-row');
  const active = await page.evaluate(async () => (await fetch('/api/levels')).json());
  assert.equal(await page.locator('#levels-grid .tabulator-row').count(), active.rows.length);
  // Names of both languages in their own columns.
  const first = page.locator('#levels-grid .tabulator-row').first();
  assert.equal(await first.locator('[tabulator-field=name_zh]').textContent(), '三叉神经节射频消融/球囊压迫术');
  assert.equal(await first.locator('[tabulator-field=name_en]').textContent(), 'Trigeminal ganglion RF ablation / balloon compression');
  // A negative level is marked at once and nothing is sent.
  await first.locator('[tabulator-field=shots]').click();
  await first.locator('[tabulator-field=shots] input').fill('-5');
  await first.locator('[tabulator-field=shots] input').press('Enter');
  await page.click('#levels-grid-save');
  await page.waitForSelector('#levels-status .message.error');
  assert.match(await page.locator('#levels-status').textContent(), /1 cell\(s\) are not valid/);
  assert.equal(await page.locator('#levels-grid .tabulator-validation-fail').count(), 1);
  await first.locator('[tabulator-field=shots]').click();
  await first.locator('[tabulator-field=shots] input').fill('30');
  await first.locator('[tabulator-field=shots] input').press('Enter');

  // The tester catches what the table would: the same count as the API gives.
  await page.fill('#test-match', 'nerve\\s+root');
  await page.click('#tester button[type=submit]');
  await page.waitForSelector('#test-result p');
  const tested = await page.evaluate(async () => {
    const { csrf_token: csrf } = await (await fetch('/api/session')).json();
    return (await fetch('/api/levels/test-match', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ match: 'nerve\\s+root' }) })).json();
  });
  assert.ok(tested.matched > 0, JSON.stringify(tested));
  assert.equal(await page.locator('#test-result p').textContent(), `${tested.matched} of ${tested.tested} recent studies match.`);
  assert.equal(await page.locator('#test-result li').count(), Math.min(100, tested.matched));
  await page.fill('#test-match', 'nerve (root');
  await page.click('#tester button[type=submit]');
  await page.waitForSelector('#test-result .message.error');
  // What is wrong with the pattern, without the line of a one-row table the tester made.
  const refused = await page.locator('#test-result').textContent();
  assert.match(refused, /'nerve \(root' is not a valid regular expression/);
  assert.doesNotMatch(refused, /line 2/);

  // Descriptions to map: those that only the catch-all row takes, most frequent first.
  const other = await page.evaluate(async () => (await fetch('/api/levels/descriptions?procedure=other')).json());
  assert.deepEqual(other.map((d) => [d.description, d.studies]), [['Vertebroplasty L2', 1]]);
  assert.deepEqual(await page.locator('#unmapped tbody tr').first().locator('td').evaluateAll((tds) => tds.slice(0, 4).map((td) => td.textContent)),
    ['Vertebroplasty L2', 'Other fluoroscopy-guided procedures', '1', '2021-07-06']);
  await page.locator('#unmapped button.use-description').first().click();
  await page.waitForFunction(() => /^1 of /.test(document.querySelector('#test-result p')?.textContent || ''));
  assert.equal(await page.locator('#test-match').inputValue(), 'Vertebroplasty L2');
  await page.screenshot({ path: join(artefacts, 'ui-14-levels-grid.png'), fullPage: true });

  // A new row, with both names, activated after the preview.
  await page.click('#levels-add');
  const added = page.locator('#levels-grid .tabulator-row').last();
  for (const [field, value] of [['procedure_id', 'kyphoplasty'], ['name_zh', '椎体后凸成形术'], ['name_en', 'Kyphoplasty'], ['match', 'kyphoplast|椎体后凸'], ['shots', '40']]) {
    await added.locator(`[tabulator-field=${field}]`).click();
    await added.locator(`[tabulator-field=${field}] input`).fill(value);
    await added.locator(`[tabulator-field=${field}] input`).press('Enter');
  }
  // Above the catch-all row, which would take every study before it.
  await added.locator('button.row-up').click();
  await page.click('#levels-grid-save');
  await page.waitForSelector('#levels-confirm');
  await page.click('#levels-confirm');
  await page.waitForSelector('#levels-status .message:not(.error)');
  const now = await page.evaluate(async () => (await fetch('/api/levels')).json());
  const row = now.rows.find((r) => r.procedure_id === 'kyphoplasty');
  assert.deepEqual([row.name, row.match, row.shots, row.dap_gycm2], ['椎体后凸成形术 Kyphoplasty', 'kyphoplast|椎体后凸', 40, null]);
  assert.equal(now.rows[now.rows.length - 1].procedure_id, 'other', 'the catch-all stays last');
  assert.equal(now.rows[0].shots, 30);
  assert.deepEqual(problems, []);
});

test('the studies page keeps its filters in the address, value ranges included', async () => {
  const { page, problems } = await newPage();
  await login(page, 'victor');
  await page.waitForSelector('#worklist-table .tabulator-row');
  await page.selectOption('form.filters select[name=flagged]', '');
  await page.selectOption('form.filters select[name=range_metric]', 'shots');
  await page.fill('form.filters input[name=range_min]', '40');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('range_min=40'));
  assert.equal(new URL(page.url()).hash, '#/studies?flagged=false&range_metric=shots&range_min=40');
  const api = await page.evaluate(async () => (await fetch('/api/studies?min_shots=40')).json());
  assert.ok(api.total > 0, JSON.stringify(api.total));
  await page.waitForFunction((n) => document.querySelector('#worklist-count')?.textContent === `${n} studies`, api.total);
  // The same view after a reload, and from a shared address.
  await page.reload();
  await page.waitForFunction((n) => document.querySelector('#worklist-count')?.textContent === `${n} studies`, api.total);
  assert.equal(await page.locator('form.filters input[name=range_min]').inputValue(), '40');
  assert.equal(await page.locator('form.filters select[name=range_metric]').inputValue(), 'shots');
  assert.match(await page.locator('#export-studies').getAttribute('href'), /min_shots=40/);
  const shots = (await page.locator('#worklist-table .tabulator-row').evaluateAll((rows) => rows.length));
  assert.equal(shots, Math.min(50, api.total));
  assert.deepEqual(problems, []);
});

test('the actions in Chinese: a review refused and saved, a bulk review, a table previewed', async () => {
  const { page, problems } = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('form.login');
  await page.selectOption('#language', 'zh');
  await page.fill('#username', 'rita');
  await page.fill('#password', passwords.rita);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#home-totals');
  await page.goto(`${base}/#/studies?flagged=true`);
  await page.waitForSelector('#worklist-table .tabulator-row');
  // A review that needs a comment is refused in Chinese, then saved with one.
  await page.locator('#worklist-table .tabulator-row').first().locator('button.review-button').click();
  await page.selectOption('dialog.review select[name=state]', 'justified');
  await page.click('dialog.review button.primary');
  await page.waitForSelector('dialog.review .message.error');
  assert.equal(await page.locator('dialog.review .message.error').textContent(), '将标记设为“合理”需要填写说明');
  await page.fill('dialog.review textarea[name=comment]', '患者体型较大，已与术者讨论');
  await page.screenshot({ path: join(artefacts, 'ui-zh-review-dialog.png') });
  await page.click('dialog.review button.primary');
  await page.waitForSelector('text=审核已保存');
  // Every open flag of two studies at once.
  const rows = page.locator('#worklist-table .tabulator-row');
  await rows.nth(0).locator('input[type=checkbox]').check();
  await rows.nth(1).locator('input[type=checkbox]').check();
  await page.click('#review-selected');
  await page.selectOption('dialog.review select[name=state]', 'acknowledged');
  await page.click('dialog.review button.primary');
  const done = await page.waitForSelector('text=/^已审核 2 项检查的 [0-9]+ 个标记$/');
  assert.match(await done.textContent(), /^已审核 2 项检查的 [0-9]+ 个标记$/);
  await page.screenshot({ path: join(artefacts, 'ui-zh-bulk-review.png'), fullPage: true });
  // A changed level is previewed in Chinese, and cancelled.
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-grid .tabulator-row');
  const first = page.locator('#levels-grid .tabulator-row').first();
  await first.locator('[tabulator-field=shots]').click();
  await first.locator('[tabulator-field=shots] input').fill('1');
  await first.locator('[tabulator-field=shots] input').press('Enter');
  await page.click('#levels-grid-save');
  await page.waitForSelector('#levels-preview');
  assert.match(await page.locator('#levels-preview p').first().textContent(),
    /^若启用此表：[0-9]+ 项检查中，[0-9]+ 项新增标记，[0-9]+ 项移除标记，[0-9]+ 项手术分类改变。$/);
  assert.deepEqual(await englishWords(page), [], 'English on the levels page with the preview');
  await page.screenshot({ path: join(artefacts, 'ui-zh-levels-preview.png'), fullPage: true });
  await page.click('#levels-cancel');
  await page.waitForFunction(() => !document.querySelector('#levels-preview'));
  await page.selectOption('#language', 'en');
  assert.deepEqual(problems, []);
});

// The generated department names three physicians and a radiographer (Liu Yang, in every study).
test('the staff dose page estimates each operator\'s year and takes the department\'s own tables', async () => {
  const { page, problems } = await newPage();
  await login(page, 'rita');
  await page.goto(`${base}/#/staff?year=2021`);
  await page.waitForSelector('#staff-table .tabulator-row');
  const totals = async () => Object.fromEntries(await page.locator('#staff-table .tabulator-row').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('[tabulator-field=operator]').textContent, Number(r.querySelector('[tabulator-field=total]').textContent)])));
  const before = await totals();
  assert.deepEqual(Object.keys(before).sort(), ['(not named)', 'Chen Jing', 'Liu Yang', 'Wang Li', 'Zhao Min']);
  assert.equal(await page.locator('#staff-table .tabulator-row').first().locator('[tabulator-field=operator]').textContent(), 'Liu Yang');
  assert.match(await page.locator('#staff-note').textContent(), /Annual level 20 mSv/);
  // Per procedure, each with its name from the reference table.
  const procedureRows = await page.locator('#staff-procedures .tabulator-row').allTextContents();
  assert.ok(procedureRows.some((r) => /^Temporary spinal cord stimulator implantation[0-9]+[0-9.]+/.test(r)), procedureRows.join(' / '));
  await page.screenshot({ path: join(artefacts, 'ui-staff.png'), fullPage: true });
  // A position nobody measured is refused with where the problem is.
  await page.click('#staff-rates-edit summary');
  await page.locator('#staff-rates-csv').fill('distance_m,protection,rate_usv_per_h\n0,none,448\n2,behind the door,2\n');
  await page.click('#staff-rates-save');
  await page.waitForSelector('#staff-rates-status ul.problems li');
  assert.equal(await page.locator('#staff-rates-status ul.problems li').first().textContent(),
    "line 3, column protection: 'behind the door' is no protection (none, apron, screen-centre, screen-edge or outside-screen)");
  await page.locator('#staff-rates-csv').fill('distance_m,protection,rate_usv_per_h\n0,none,448\n2,screen-centre,2\n');
  await page.click('#staff-rates-save');
  await page.waitForSelector('#staff-rates-status .message:not(.error)');
  await page.waitForFunction(() => !document.querySelector('#staff-rates-status .message')); // the page is drawn again
  await page.click('#staff-profiles-edit summary');
  await page.locator('#staff-profiles-csv').fill('operator,distance_m,protection\nLiu^Yang,2,screen-centre\n,0,none\n');
  await page.click('#staff-profiles-save');
  await page.waitForSelector('#staff-profiles-status .message:not(.error)');
  await page.waitForFunction(() => !document.querySelector('#staff-profiles-status .message'));
  await page.waitForSelector('#staff-table .tabulator-row');
  const after = await totals();
  // Behind the screen at 2 m: 2 instead of 0.6 uSv/h (no profile of his own before); the physicians are unchanged.
  assert.ok(Math.abs(after['Liu Yang'] - before['Liu Yang'] * 2 / 0.6) < after['Liu Yang'] * 0.001, `${after['Liu Yang']} vs ${before['Liu Yang']}`);
  // The physicians, without a profile of their own, now at the table without protection: 448 instead of 0.6 uSv/h.
  assert.ok(Math.abs(after['Wang Li'] - before['Wang Li'] * 448 / 0.6) < after['Wang Li'] * 0.001, `${after['Wang Li']} vs ${before['Wang Li']}`);
  assert.notEqual(await page.locator('#staff-table .tabulator-row').first().locator('[tabulator-field=operator]').textContent(), 'Liu Yang');
  const profileRows = await page.locator('#staff-profiles .tabulator-row').allTextContents();
  assert.match(profileRows[0], /Liu Yang.*2.*lead screen, centre/);
  assert.match(profileRows[1], /\(everyone else\).*0.*no protection/);
  assert.match(await page.locator('#staff-profiles').locator('xpath=..').textContent(), /Version [0-9]+ in use: edited in the web UI by rita/);
  await page.screenshot({ path: join(artefacts, 'ui-staff-own-tables.png'), fullPage: true });
  // A study's estimate, with its inputs: the reversed report names nobody.
  await page.goto(`${base}/#/study/${reversedStudy}`);
  await page.waitForSelector('#staff-estimates tbody tr');
  const estimate = await page.locator('#staff-estimates tbody tr').first().textContent();
  assert.match(estimate, /^\(not named\)0 m · no protection \(profile for everyone\) \(intensifier either: the higher of its rates, a conservative figure\)448/);
  // The patient's estimate beside it, at the table surface (intensifier above at 40 cm: 448 μSv/h).
  assert.match(await page.locator('#patient-estimate').textContent(), /^[0-9.]+ μSv$/);
  assert.match(await page.locator('#patient-estimate + p').textContent(), /above the table, 40 cm from it: 448 μSv\/h/);
  assert.deepEqual(problems, []);
});

// Last: it makes the store one of two sites. A table activated for this site only goes before the
// group's default here; the other site keeps the default.
test('with two sites on the store a reviewer activates a table for this site only', async () => {
  execFileSync(synth, ['report', join(work, 'east.dcm'), 'Spinal nerve root pulsed RF', '8', '20210710']);
  execFileSync(binary, ['--data', join(work, 'data'), 'ingest', join(work, 'east.dcm')],
    { env: { ...store.env, FLUOROAUDIT_SITE_NAME: 'east' } });
  const { page, problems } = await newPage();
  await login(page, 'rita');
  await page.click('#nav a[data-page=levels]');
  await page.waitForSelector('#levels-scope');
  assert.match(await page.locator('#levels-scope').textContent(), /the group's default table: every site without a table of its own uses it/);
  const [all, mine] = await page.evaluate(async () => {
    const total = async (q) => (await (await fetch(`/api/studies?page_size=1${q}`)).json()).total;
    const site = (await (await fetch('/api/sites')).json()).this_site;
    return [await total(''), await total(`&site=${encodeURIComponent(site)}`)];
  });
  assert.equal(mine, all - 1);
  await page.check('#levels-site-only');
  const csv = await page.locator('#levels-csv').inputValue();
  await page.locator('#levels-csv').fill(csv.replace(/\n$/, '\nsite-only-check,Site check,no such description,,1\n'));
  await page.click('#levels-save');
  await page.waitForSelector('#levels-preview');
  const text = await page.locator('#levels-preview p').first().textContent();
  const m = text.match(/: (\d+) of (\d+) studies gain flags/);
  assert.ok(m, text);
  assert.equal(Number(m[2]), mine, `this site's studies only, not east's: ${text}`);
  await page.click('#levels-confirm');
  await page.waitForSelector('#levels-status .message:not(.error)');
  await page.waitForFunction(() => /own table/.test(document.querySelector('#levels-scope')?.textContent || ''));
  const scope = await page.locator('#levels-scope').textContent();
  assert.match(scope, /This is site .+'s own table: it goes before the group's default here\./);
  assert.ok(await page.locator('#levels-site-only').isChecked(), 'its own table is edited as its own');
  await page.waitForSelector('#levels-history .tabulator-row');
  const rows = await page.locator('#levels-history .tabulator-row').allTextContents();
  assert.ok(rows.some((r) => /site /.test(r)) && rows.some((r) => /the group \(default\)/.test(r)), rows.join('\n'));
  await page.screenshot({ path: join(artefacts, 'ui-levels-site-only.png'), fullPage: true });
  // The overview names each device with its site and looks at one site on request.
  await page.click('#nav a[data-page=home]');
  await page.click('#home-period button[data-days=all]');
  await page.waitForFunction(() => /CARM1 · east/.test(document.querySelector('#home-by-device')?.textContent || ''));
  assert.match(await page.locator('#home-devices').textContent(), /CARM1 · east/);
  await page.selectOption('#home-period select[name=site]', 'east');
  await page.click('#home-period button[type=submit]');
  await page.waitForFunction(() => /^1 studies,/.test(document.querySelector('#home-totals')?.textContent || ''));
  const devices = await page.locator('#home-devices tbody tr').allTextContents();
  assert.equal(devices.length, 1, devices.join('\n'));
  await page.screenshot({ path: join(artefacts, 'ui-overview-one-site.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
