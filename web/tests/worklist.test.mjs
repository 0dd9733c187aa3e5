// The worklist as a physicist uses it, in a real `fluoroaudit serve` and Debian's Chromium: dose
// columns sorted on the server, the view (filters, sort, page, page size) in the address so that a
// reload or a shared link opens it again, exports of exactly that view, no review for a study
// without flags, and the worklist in Simplified Chinese down to its hidden labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newPage as pageWithChecks, serviceFixture, logIn as logInAs, synth, artefacts } from './browser.mjs';

const password = 'rita-reviewer-pass';
const ids = {};

const fixture = serviceFixture('worklist', {
  users: [['rita', 'reviewer', password]],
  prepare: async ({ work, fa }) => {
    const study = (out) => out.match(/study ([0-9.]+)/)[1];
    execFileSync(synth, ['department', join(work, 'dept'), '60']);
    ids.biplane = study(execFileSync(synth, ['report', join(work, 'dept', 'biplane.dcm'), 'Cerebral angiography', '4', '20210711', 'biplane'],
      { encoding: 'utf8' }));
    // A study that says nothing of what was done: no description to map.
    execFileSync(synth, ['report', join(work, 'dept', 'blank.dcm'), '', '3', '20210712']);
    // A C-arm that names neither its station nor its model.
    const unnamed = join(work, 'dept', 'unnamed.dcm');
    ids.unnamed = study(execFileSync(synth, ['report', unnamed, 'Kyphoplasty T12', '6', '20210710'], { encoding: 'utf8' }));
    execFileSync('dcmodify', ['-nb', '-ea', '(0008,1010)', '-ea', '(0008,1090)', unnamed]);
    fa(['ingest', join(work, 'dept')]);
  },
});

const logIn = (language) => logInAs(fixture, language, 'rita', password);

const rows = '#worklist-table .tabulator-row';
const cells = (page, field) => page.locator(`${rows} .tabulator-cell[tabulator-field=${field}]`).allTextContents();
const uidsShown = (page) => page.locator(`${rows} .tabulator-cell[tabulator-field=study_description] a`)
  .evaluateAll((links) => links.map((a) => decodeURIComponent(a.getAttribute('href').replace('#/study/', ''))));
const numbers = (texts) => texts.map((x) => x.trim()).filter(Boolean).map(Number);
const hashParams = (page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] || '');

// Until the table shows the rows of the address (a sort or page asked for keeps the earlier rows on
// screen until its own arrive).
async function waitForRows(page) {
  await page.waitForSelector(rows);
  await page.waitForFunction((sel) => !document.querySelector(`${sel} .tabulator-loader`)
    && document.querySelector(sel).dataset.address === location.hash, '#worklist-table');
}

test('dose columns sort on the server; the view is in the address, survives a reload and is what the export holds', async () => {
  const { page, problems } = await logIn('en');
  await page.goto(`${fixture.base}/#/studies?flagged=false`);
  await waitForRows(page);
  for (const field of ['irradiation_events', 'fluoro_time_s', 'exposure_time_s', 'dap_total_gycm2', 'kar_total_mgy', 'psd_mgy'])
    assert.equal(await page.locator(`#worklist-table .tabulator-col[tabulator-field=${field}]`).count(), 1, `a ${field} column`);
  const dapHeader = page.locator('#worklist-table .tabulator-col[tabulator-field=dap_total_gycm2] .tabulator-col-title');
  await dapHeader.click();
  await page.waitForFunction(() => location.hash.includes('sort=dap_gycm2') && location.hash.includes('order=asc'));
  await waitForRows(page);
  const up = numbers(await cells(page, 'dap_total_gycm2'));
  assert.ok(up.length >= 20, `DAP values shown (${up.length})`);
  assert.deepEqual(up, [...up].sort((a, b) => a - b), 'ascending DAP');
  await dapHeader.click();
  await page.waitForFunction(() => location.hash.includes('order=desc'));
  await waitForRows(page);
  const down = numbers(await cells(page, 'dap_total_gycm2'));
  assert.deepEqual(down, [...down].sort((a, b) => b - a), 'descending DAP');
  assert.ok(down[0] >= up[up.length - 1], 'the largest first');

  await page.selectOption('#worklist-table .tabulator-page-size', '25');
  await page.waitForFunction(() => location.hash.includes('page_size=25'));
  await page.click('#worklist-table .tabulator-page[data-page="2"]');
  await page.waitForFunction(() => location.hash.includes('page=2'));
  await waitForRows(page);
  const second = await uidsShown(page);
  assert.equal(second.length, 25);
  const params = hashParams(page);
  assert.equal(params.get('flagged'), 'false');
  assert.equal(params.get('sort'), 'dap_gycm2');
  assert.equal(params.get('order'), 'desc');

  // A reload (or the link sent to a colleague) opens the same view.
  const address = page.url();
  await page.reload();
  await waitForRows(page);
  assert.equal(page.url(), address);
  assert.deepEqual(await uidsShown(page), second);
  assert.equal((await page.locator('#worklist-table .tabulator-page.active').textContent()).trim(), '2');
  assert.equal(await page.locator('#worklist-table .tabulator-col[tabulator-field=dap_total_gycm2]').getAttribute('aria-sort'), 'descending');
  assert.equal(await page.locator('#worklist-table .tabulator-page-size').inputValue(), '25');

  // The export holds every page of this view in this order: its rows 26 to 50 are this page.
  const href = await page.locator('#export-studies').getAttribute('href');
  assert.match(href, /flagged=false/);
  assert.match(href, /sort=dap_gycm2&order=desc/);
  const csv = await (await page.request.get(new URL(href, fixture.base).toString())).text();
  const [header, ...lines] = csv.trim().split('\n');
  // Headers in the UI's language (English here), as the page names them.
  assert.match(href, /lang=en/);
  const column = header.split(',').indexOf('Study Instance UID');
  assert.ok(column >= 0, `a Study Instance UID column: ${header}`);
  const inCsv = lines.map((line) => line.split(',')[column]);
  assert.deepEqual(inCsv.slice(25, 50), second);
  const flagsHref = await page.locator('#export-flags').getAttribute('href');
  assert.match(flagsHref, /sort=dap_gycm2&order=desc/);
  await page.screenshot({ path: join(artefacts, 'worklist-1-sorted-by-dap.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('a study without flags has no review and no "reviewed" badge; reviewing a row does not tick it', async () => {
  const { page, problems } = await logIn('en');
  await page.goto(`${fixture.base}/#/studies?flagged=false&page_size=100`);
  await waitForRows(page);
  const plain = page.locator(rows).filter({ has: page.locator('.badge.none') }).first();
  assert.equal((await plain.locator('.badge.none').textContent()).trim(), 'no flags');
  assert.equal(await plain.locator('button.review-button').count(), 0);
  assert.equal(await page.locator(`${rows} .badge.done`).filter({ hasText: 'reviewed' }).count(), 0, 'no study is "reviewed" before any review');
  const flagged = page.locator(rows).filter({ has: page.locator('.badge.unreviewed') }).first();
  await flagged.locator('button.review-button').click();
  await page.waitForSelector('dialog.review[open]');
  await page.click('dialog.review button:not(.primary)');
  assert.equal(await flagged.locator('input[type=checkbox]').isChecked(), false, 'the review button ticks nothing');
  await flagged.locator('input[type=checkbox]').check();
  assert.equal(await flagged.locator('input[type=checkbox]').isChecked(), true, 'the box ticks the row');
  assert.deepEqual(problems, []);
});

test('the worklist in Chinese: columns, badges and the hidden labels of boxes and page buttons', async () => {
  const { page, problems } = await logIn('zh');
  await page.goto(`${fixture.base}/#/studies?flagged=false`);
  await waitForRows(page);
  const titles = await page.locator('#worklist-table .tabulator-col-title').allTextContents();
  // Acronyms and units stay as they are (DAP, PSD, Ka,r, Gy·cm²); no English word.
  for (const title of titles)
    assert.doesNotMatch(title.replace(/\b(DAP|PSD|Ka,r|mGy|Gy|cm)\b/g, ''), /[A-Za-z]{3,}/, `an English column title: ${title}`);
  assert.ok(await page.locator(`${rows} .badge.none`).filter({ hasText: '无标记' }).count() > 0);
  const labels = await page.locator('#worklist-table input[type=checkbox]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('aria-label')).filter(Boolean));
  assert.ok(labels.length > 0);
  for (const label of labels) assert.equal(label, '选择此行');
  const pageTitles = await page.locator('#worklist-table .tabulator-page').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('title')));
  for (const title of pageTitles) assert.doesNotMatch(title, /Show Page|First|Last|Prev|Next/, `an English page button: ${title}`);
  await page.screenshot({ path: join(artefacts, 'worklist-2-chinese.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the unnamed device is named so and links to its own studies; the login page offers the language once', async () => {
  for (const [language, name] of [['en', 'unnamed device'], ['zh', '未命名设备']]) {
    const { page, problems } = await pageWithChecks(fixture.browser, fixture.base);
    await page.goto(`${fixture.base}/`);
    await page.waitForSelector('form.login');
    assert.equal(await page.locator('select').count(), 1, 'one language choice');
    await page.selectOption('#language', language);
    assert.equal(await page.locator('#language').getAttribute('aria-label'), language === 'zh' ? '语言' : 'Language');
    await page.fill('#username', 'rita');
    await page.fill('#password', password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#home-by-device');
    await page.click('#home-period button[data-days=all]');
    // The page drawn again for the whole period (the 90 days' page stays a moment after the address changes).
    await page.locator('#home-by-device tr').filter({ hasText: name }).first().waitFor();
    const row = page.locator('#home-by-device tr').filter({ hasText: name });
    assert.equal(await row.count(), 1, `the overview names the device "${name}"`);
    assert.equal(await page.locator('#home-by-device td').filter({ hasText: /^\?$/ }).count(), 0, 'no "?"');
    await row.locator('td a').first().click();
    await waitForRows(page);
    assert.equal(hashParams(page).get('device'), '(unnamed)');
    assert.deepEqual(await uidsShown(page), [ids.unnamed], 'only the unnamed device\'s study');
    assert.equal((await page.locator(`${rows} .tabulator-cell[tabulator-field=device_label]`).first().textContent()).trim(), name);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('a biplane study shows each plane beside its sums, in English and Chinese', async () => {
  for (const [language, a, b] of [['en', 'plane A', 'plane B'], ['zh', 'A 平面', 'B 平面']]) {
    const { page, problems } = await logIn(language);
    await page.goto(`${fixture.base}/#/study/${encodeURIComponent(ids.biplane)}`);
    await page.waitForSelector('table.summary .per-plane');
    const texts = await page.locator('table.summary tbody tr').allTextContents();
    // 4 shots alternating A and B; plane B's DAP twice plane A's.
    const dap = texts.find((x) => x.includes(`${a} `) && /Gy·cm²|DAP/.test(x));
    assert.ok(dap, texts.join(' / '));
    const [, da, db] = dap.match(new RegExp(`${a} ([0-9.]+) \\+ ${b} ([0-9.]+)`));
    assert.ok(Math.abs(Number(db) - 2 * Number(da)) < 1e-9 * Number(db), dap);
    const shots = texts.find((x) => x.includes(`(${a} 2 + ${b} 2)`));
    assert.ok(shots, `shots per plane: ${texts.join(' / ')}`);
    // The exports carry the same per-plane figures (the machine form's columns, and the people's).
    const detail = await page.evaluate(async (uid) => (await fetch(`/api/studies/${encodeURIComponent(uid)}`)).json(), ids.biplane);
    const csv = await page.evaluate(async (q) => (await fetch(`/api/export/studies.csv?${q}`)).text(),
      `q=${ids.biplane}&flagged=false&format=machine`);
    const [header, row] = csv.trim().split('\r\n');
    const at = (name) => row.split(',')[header.replace(/^\uFEFF/, '').split(',').indexOf(name)];
    const planeOf = (p) => detail.per_plane.find((x) => x.plane === p);
    const near = (text, value) => value > 0 && Math.abs(Number(text) - value) <= 1e-5 * value;
    assert.ok(near(at('dap_a_gycm2'), planeOf('A').dap_total_gycm2), csv);
    assert.ok(near(at('dap_b_gycm2'), planeOf('B').dap_total_gycm2), csv);
    assert.ok(near(at('kar_a_mgy'), planeOf('A').kar_total_mgy) && near(at('kar_b_mgy'), planeOf('B').kar_total_mgy), csv);
    const people = await page.evaluate(async (q) => (await fetch(`/api/export/studies.csv?${q}`)).text(),
      `q=${ids.biplane}&flagged=false&lang=${language}`);
    assert.ok(people.split('\r\n')[0].includes(language === 'zh' ? 'A 平面 DAP（Gy·cm²）' : 'DAP plane A (Gy·cm²)'), people);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the box plot keeps room above its highest value (log and linear)', async () => {
  const { page, problems } = await logIn('en');
  await page.click('#nav a[data-page=procedures]');
  await page.waitForSelector('#stats-table .tabulator-row');
  await page.selectOption('#metric', 'dap_gycm2');
  for (const log of [true, false]) {
    if (log) await page.check('#log-scale'); else await page.uncheck('#log-scale');
    await page.waitForFunction((want) => document.querySelector('#log-scale').checked === want
      && document.querySelector('canvas[data-axis-top]'), log);
    const { top, highest } = await page.evaluate(() => {
      const c = document.querySelector('canvas[data-axis-top]');
      return { top: Number(c.dataset.axisTop), highest: Number(c.dataset.highest) };
    });
    assert.ok(highest > 0, 'a highest DAP');
    assert.ok(top > highest * (log ? 1.2 : 1.03), `the axis (${top}) reaches above the highest value (${highest}), log ${log}`);
  }
  assert.deepEqual(problems, []);
});

test('the levels grid checks a pattern as it is typed and names problems by its own rows; a blank description is explained', async () => {
  for (const [language, rowWord, matchTitle] of [['en', 'Row 2', null], ['zh', '第 2 行', null]]) {
    const { page, problems } = await logIn(language);
    await page.goto(`${fixture.base}/#/levels`);
    await page.waitForSelector('#levels-grid .tabulator-row');
    // The level columns' titles are whole (wrapped, not cut).
    const cut = await page.locator('#levels-grid .tabulator-col-title').evaluateAll((titles) =>
      titles.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    assert.deepEqual(cut, [], 'no column title is cut');
    const cell = page.locator('#levels-grid .tabulator-row').nth(1).locator('.tabulator-cell[tabulator-field=match]');
    await cell.click();
    await cell.locator('input').fill('(unclosed');
    await cell.locator('input').press('Enter');
    await page.waitForSelector('#levels-grid .tabulator-cell.invalid-pattern');
    const typed = await page.locator('#levels-status').textContent();
    assert.ok(typed.includes(rowWord), `the pattern's problem names the row: ${typed}`);
    await page.click('#levels-grid-save');
    await page.waitForSelector('#levels-status ul.problems li');
    const saved = await page.locator('#levels-status ul.problems li').first().textContent();
    const title = (await page.locator('#levels-grid .tabulator-col[tabulator-field=match] .tabulator-col-title').textContent()).trim();
    assert.ok(saved.startsWith(`${rowWord}`) && saved.includes(title), `the save's problem names the grid's row and column: ${saved}`);
    assert.doesNotMatch(saved, language === 'zh' ? /第 3 行|line/ : /line 3/);
    // The blank description: shown as such, with no tester button (nothing a pattern could match).
    const blank = page.locator('#unmapped tbody tr').filter({ hasText: language === 'zh' ? '（无描述）' : '(no description)' });
    assert.equal(await blank.count(), 1);
    assert.equal(await blank.locator('button').count(), 0);
    assert.equal(await blank.locator('.no-text').count(), 1);
    await page.screenshot({ path: join(artefacts, `worklist-levels-${language}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the overview\'s period and the procedures page\'s choices are in the address and survive a reload', async () => {
  const { page, problems } = await logIn('en');
  await page.waitForSelector('#home-totals');
  await page.click('#home-period button[data-days=all]');
  await page.waitForFunction(() => location.hash.includes('period=all'));
  // The page drawn again for the whole period, not the 90 days' one still shown a moment.
  await page.waitForFunction(() => /^6[0-9] studies/.test(document.querySelector('#home-totals')?.textContent || ''));
  const all = await page.locator('#home-totals').textContent();
  assert.match(all, /^6[0-9] studies/, all);
  await page.reload();
  await page.waitForSelector('#home-totals');
  assert.equal(await page.locator('#home-totals').textContent(), all, 'the same period after a reload');

  await page.click('#nav a[data-page=procedures]');
  await page.waitForSelector('#stats-table .tabulator-row');
  await page.selectOption('#metric', 'kar_mgy');
  await page.waitForFunction(() => location.hash.includes('metric=kar_mgy'));
  await page.waitForSelector('#log-scale');
  await page.uncheck('#log-scale');
  await page.waitForFunction(() => location.hash.includes('log=0'));
  await page.waitForSelector('#by-device');
  await page.check('#by-device');
  await page.waitForFunction(() => location.hash.includes('by_device=1'));
  const address = page.url();
  await page.reload();
  await page.waitForSelector('#stats-table .tabulator-cell[tabulator-field=device]');
  assert.equal(page.url(), address);
  assert.equal(await page.locator('#metric').inputValue(), 'kar_mgy');
  assert.equal(await page.locator('#log-scale').isChecked(), false);
  assert.equal(await page.locator('#by-device').isChecked(), true);
  assert.deepEqual(problems, []);
});

test('each user\'s choice of columns and page size is kept for the next visit', async () => {
  const { page, problems } = await logIn('en');
  await page.goto(`${fixture.base}/#/studies?flagged=false`);
  await waitForRows(page);
  const psd = page.locator('#worklist-table .tabulator-col[tabulator-field=psd_mgy]');
  assert.ok(await psd.isVisible());
  await page.click('#worklist-columns summary');
  await page.uncheck('#worklist-columns input[data-field=psd_mgy]');
  await page.waitForFunction(() => {
    const col = document.querySelector('#worklist-table .tabulator-col[tabulator-field=psd_mgy]');
    return !col || col.offsetParent === null;
  });
  await page.selectOption('#worklist-table .tabulator-page-size', '100');
  await page.waitForFunction(() => location.hash.includes('page_size=100'));
  // The next visit, from the menu (no view in the address): the same columns and page size.
  await page.goto(`${fixture.base}/#/`);
  await page.waitForSelector('#home-totals');
  await page.click('#nav a[data-page=worklist]');
  await waitForRows(page);
  assert.equal(await page.locator('#worklist-table .tabulator-page-size').inputValue(), '100');
  assert.equal(await psd.isVisible(), false);
  assert.equal(await page.locator('#worklist-columns input[data-field=psd_mgy]').isChecked(), false);
  assert.ok(await page.locator('#worklist-table .tabulator-col[tabulator-field=dap_total_gycm2]').isVisible());
  // The export leaves out the column the page does not show, and keeps those it does.
  const href = await page.locator('#export-studies').getAttribute('href');
  assert.match(href, /hide=psd_mgy/);
  const header = (await (await page.request.get(new URL(href, fixture.base).toString())).text()).split('\r\n')[0];
  assert.ok(!header.includes('Peak skin dose') && header.includes('DAP (Gy·cm²)'), header);
  await page.click('#worklist-columns summary');
  await page.check('#worklist-columns input[data-field=psd_mgy]');
  assert.doesNotMatch(await page.locator('#export-studies').getAttribute('href'), /hide=/);
  assert.deepEqual(problems, []);
});
