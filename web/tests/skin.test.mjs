// The skin map on the study page, in a real `fluoroaudit serve` and Debian's Chromium: a generated
// Siemens AXIOM-Artis procedure (0.1 Gy shots, posterior and LAO 30 in turn) and a report without
// positioner angles, in English and Simplified Chinese. Screenshots go to FA_ARTEFACTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serviceFixture, logIn as logInAs, synth, artefacts } from './browser.mjs';

const password = 'victor-viewer-pass';
const reviewerPassword = 'rita-reviewer-pass';

let mapped, plain;

const fixture = serviceFixture('skin', {
  users: [['victor', 'viewer', password], ['rita', 'reviewer', reviewerPassword]],
  prepare: async ({ work, fa }) => {
    mkdirSync(join(work, 'in'));
    const study = (out) => out.match(/study ([0-9.]+)/)[1];
    mapped = study(execFileSync(synth, ['report', join(work, 'in', 'embolisation.dcm'), 'Hepatic embolisation', '40', '20210708', 'skin'], { encoding: 'utf8' }));
    plain = study(execFileSync(synth, ['report', join(work, 'in', 'plain.dcm'), 'Spinal nerve root pulsed RF', '5', '20210709'], { encoding: 'utf8' }));
    fa(['ingest', join(work, 'in')]);
  },
});
const fa = (args) => fixture.fa(args);
const logIn = (language, user = 'victor') => logInAs(fixture, language, user, user === 'rita' ? reviewerPassword : password);

async function openStudy(language, uid) {
  const { page, problems } = await logIn(language);
  await page.goto(`${fixture.base}/#/study/${encodeURIComponent(uid)}`);
  await page.waitForSelector('#skin-dose');
  return { page, problems };
}

// Opaque pixels of a canvas in a colour of the dose scale (saturated: untouched skin is a pale grey).
const coloured = (page, id) => page.evaluate((sel) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n += 1;
  return n;
}, id);

test('the study page draws the skin map with its peak, where it is and what it rests on', async () => {
  const api = JSON.parse(fa(['show', '--json', mapped]));
  // 20 posterior shots of 0.1 Gy on the same skin, LAO 30 beside it: the peak is on the back, in Gy.
  assert.ok(api.psd_mgy > 2000 && api.psd_mgy < 4 * 2000, `PSD ${api.psd_mgy} mGy`);
  assert.equal(api.skin_dose.region, 'back, middle third');
  const { page, problems } = await openStudy('en', mapped);
  const psd = (api.psd_mgy / 1000).toPrecision(4).replace(/\.?0+$/, '');
  assert.equal(await page.locator('#skin-psd').textContent(), `${Number(psd)} Gy`);
  assert.equal(await page.locator('#skin-region').textContent(), 'back, middle third');
  assert.equal(await page.locator('#skin-dap-share').textContent(), '100 %');
  assert.match(await page.locator('#skin-assumptions').textContent(), /Siemens Artis: the table's travel along the patient/);
  // The unrolled map is 6 px per cell: the field's 10 x 10 cm and its LAO neighbour make more than
  // 100 coloured cells; the body in 3D shows them too, and the scale marks 1, 3 and 5 Gy.
  assert.ok(await coloured(page, '#skin-map-2d') > 100 * 36, 'the unrolled map shows the irradiated skin');
  assert.ok(await coloured(page, '#skin-map-3d') > 500, 'the 3D view, turned to the back, shows the irradiated skin');
  // Turned to the front, it shows none: the beams came from behind.
  await page.locator('#skin-turn').fill('0');
  assert.equal(await coloured(page, '#skin-map-3d'), 0);
  // The studies list has the PSD as a column, sorted and filtered on the server.
  const studies = await page.evaluate(async () => (await (await fetch('/api/studies?sort=psd_mgy&order=desc&flagged=false')).json()).studies);
  assert.deepEqual(studies.map((x) => x.psd_mgy === null ? null : Math.round(x.psd_mgy)), [Math.round(api.psd_mgy), null]);
  const above = await page.evaluate(async () => (await (await fetch('/api/studies?min_psd_mgy=3000&flagged=false')).json()).total);
  assert.equal(above, 1);
  await page.goto(`${fixture.base}/#/studies?flagged=false`);
  await page.waitForSelector('.tabulator-col[tabulator-field="psd_mgy"]');
  await page.waitForSelector(`.tabulator-row .tabulator-cell[tabulator-field="psd_mgy"]:text("${Number((api.psd_mgy).toPrecision(4))}")`);
  await page.goto(`${fixture.base}/#/study/${encodeURIComponent(mapped)}`);
  await page.waitForSelector('#skin-map-3d');
  await page.locator('#skin-map-3d').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artefacts, 'skin-map-en.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('in Chinese: the skin map, its region and assumptions, and why a report gets none', async () => {
  const { page, problems } = await openStudy('zh', mapped);
  assert.match(await page.locator('section:has(#skin-dose) h2').textContent(), /峰值皮肤剂量/);
  assert.equal(await page.locator('#skin-region').textContent(), '背部，中三分之一');
  const notes = await page.locator('#skin-assumptions').textContent();
  assert.match(notes, /西门子 Artis/);
  assert.doesNotMatch(notes.replace(/Artis|Table Lateral Position|Ka,r/g, ''), /[A-Za-z]{3,}/);
  await page.screenshot({ path: join(artefacts, 'skin-map-zh.png'), fullPage: true });
  const other = await openStudy('zh', plain);
  assert.match(await other.page.locator('#skin-dose').textContent(), /无法计算峰值皮肤剂量：报告的 5 个照射事件均未给出机架角度/);
  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
});

// English words on the page outside data (descriptions, names) and the units and acronyms allowed.
const englishWords = (page, selector) => page.evaluate((sel) => {
  const allowed = ['Gy', 'mGy', 'Ka', 'r', 'DAP', 'cm', 'NCRP', 'X'];
  const words = [];
  const walker = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('.data, [hidden]')) continue;
    for (const w of n.textContent.match(/[A-Za-z]+/g) || []) if (!allowed.includes(w)) words.push(w);
  }
  return words;
}, selector);

test('a reviewer follows the substantial dose up: due dates, the outcome, and the patient letter in Chinese', async () => {
  const { page, problems } = await logIn('en', 'rita');
  await page.click('#nav a[data-page=followUps]');
  const row = page.locator(`#follow-ups tr[data-study="${mapped}"]`);
  await row.waitFor();
  // Done on 2021-07-08: due from 2021-07-22 to 2021-08-05, long past.
  assert.match(await row.textContent(), /2021-07-22 – 2021-08-05/);
  assert.match(await row.textContent(), /Peak skin dose \(mGy\) \d+(\.\d+)? > 3000/);
  assert.equal(await row.locator('.badge').textContent(), 'overdue');
  assert.equal(await page.locator(`#follow-ups tr[data-study="${plain}"]`).count(), 0); // no substantial dose
  await row.locator('select[name=outcome]').selectOption('erythema');
  await row.locator('input[name=note]').fill('faint, 6 x 8 cm, day 16');
  await row.locator('button[type=submit]').click();
  await page.waitForSelector('#follow-ups:not(table), #follow-ups tbody:not(:has(tr))');
  await page.selectOption('#follow-state', 'closed');
  const closed = page.locator(`#follow-ups tr[data-study="${mapped}"]`);
  await closed.waitFor();
  assert.match(await closed.textContent(), /erythema \(faint, 6 x 8 cm, day 16\)/);
  // The study page shows it, and the audit trail holds who recorded it.
  await page.goto(`${fixture.base}/#/study/${encodeURIComponent(mapped)}`);
  await page.waitForSelector('#study-follow-up');
  assert.match(await page.locator('#study-follow-up').textContent(), /closed/);
  assert.match(fa(['show', '--json', mapped]), /"recorded_by": "rita"/);
  // The letter in the patient's language (Chinese here, the UI in English), ready to print.
  await page.goto(`${fixture.base}/#/letter/${encodeURIComponent(mapped)}?lang=zh`);
  await page.waitForSelector('#letter');
  const letter = await page.locator('#letter').textContent();
  assert.match(letter, /介入手术后请留意您的皮肤/);
  assert.match(letter, /约为 4\.\d Gy/);
  assert.match(letter, /2021-07-22 至 2021-08-05/);
  assert.deepEqual(await englishWords(page, '#letter'), []);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#top').isVisible(), false, 'the letter prints without the page around it');
  await page.screenshot({ path: join(artefacts, 'follow-up-letter-zh.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(problems, []);
});

test('the follow-up page in Chinese', async () => {
  const { page, problems } = await logIn('zh', 'rita');
  await page.goto(`${fixture.base}/#/follow-ups?state=all`);
  await page.waitForSelector(`#follow-ups tr[data-study="${mapped}"]`);
  assert.match(await page.locator('h1').textContent(), /高剂量患者随访/);
  assert.match(await page.locator(`#follow-ups tr[data-study="${mapped}"]`).textContent(), /红斑/);
  assert.deepEqual(await englishWords(page, '#app'), []);
  await page.screenshot({ path: join(artefacts, 'follow-ups-zh.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
