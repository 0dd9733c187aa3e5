// The web UI inside Orthanc: Debian's Orthanc with the fluoroaudit plugin, reports sent to it with
// storescu, Debian's Chromium driven by playwright-core. A reviewer logs in at /fluoroaudit/ui/,
// reviews a flag and sees it acknowledged, with nothing loaded from elsewhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, newPage } from './browser.mjs';

const binary = process.env.FA_BINARY;
const synth = process.env.FA_SYNTH;
const plugin = process.env.FA_PLUGIN;
const artefacts = process.env.FA_ARTEFACTS || join(tmpdir(), 'fluoroaudit-artefacts');
const executablePath = process.env.FA_CHROMIUM || '/usr/bin/chromium';
const password = 'rita-reviewer-pass';

let work, orthanc, base, browser;


const fa = (args, input) => execFileSync(binary, ['--data', join(work, 'data'), ...args], { input, encoding: 'utf8' });

async function waitFor(done, what) {
  for (let i = 0; i < 300; ++i) {
    try { if (await done()) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within 30 s`);
}

before(async () => {
  assert.ok(binary && synth && plugin, 'FA_BINARY, FA_SYNTH and FA_PLUGIN must name the built files');
  work = mkdtempSync(join(tmpdir(), 'fa-orthanc-ui-'));
  mkdirSync(artefacts, { recursive: true });
  execFileSync(synth, ['department', join(work, 'dept'), '20']);
  execFileSync(synth, ['report', join(work, 'dept', 'high-1.dcm'), 'Spinal nerve root pulsed RF', '40', '20210702']);
  fa(['user', 'add', 'rita', '--role', 'reviewer'], `${password}\n`);
  const [dicomPort, httpPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${httpPort}`;
  writeFileSync(join(work, 'orthanc.json'), JSON.stringify({
    Name: 'fluoroaudit-ui-test', StorageDirectory: join(work, 'storage'), IndexDirectory: join(work, 'index'),
    DicomAet: 'ORTHANC', DicomPort: dicomPort, HttpPort: httpPort, RemoteAccessAllowed: false,
    AuthenticationEnabled: false, DicomAlwaysAllowStore: true, Plugins: [plugin],
    FluoroAudit: { DataDirectory: join(work, 'data') },
  }));
  orthanc = spawn('/usr/sbin/Orthanc', [join(work, 'orthanc.json')], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`${base}/fluoroaudit/ui/`)).ok, 'Orthanc did not serve /fluoroaudit/ui/');
  const files = readdirSync(join(work, 'dept')).map((f) => join(work, 'dept', f));
  execFileSync('storescu', ['-aec', 'ORTHANC', '127.0.0.1', String(dicomPort), ...files]);
  await waitFor(() => fa(['studies', '--json']).includes('Spinal nerve root pulsed RF')
    && JSON.parse(fa(['studies', '--json'])).length === files.length, 'the plugin did not file the reports');
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  if (browser) await browser.close();
  if (orthanc) orthanc.kill('SIGTERM');
  if (work && existsSync(work)) rmSync(work, { recursive: true, force: true });
});

test('a reviewer logs in at /fluoroaudit/ui/ on Orthanc\'s port and reviews a flag', async () => {
  const { page, problems, context } = await newPage(browser, base);
  await page.goto(`${base}/fluoroaudit/ui/`);
  await page.fill('#username', 'rita');
  await page.fill('#password', password);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#home-totals');
  await page.click('#nav a[data-page=worklist]');
  await page.waitForSelector('#worklist-table .tabulator-row');
  await page.screenshot({ path: join(artefacts, 'orthanc-ui-1-worklist.png'), fullPage: true });
  const firstRow = page.locator('#worklist-table .tabulator-row').first();
  await firstRow.locator('button.review-button').click();
  await page.selectOption('dialog.review select[name=state]', 'acknowledged');
  await page.fill('dialog.review textarea[name=comment]', 'reviewed inside Orthanc');
  await page.click('dialog.review button.primary');
  await page.waitForSelector('text=Review saved');
  await page.waitForSelector('#worklist-table li.flag.acknowledged');
  assert.match(fa(['flags']), /acknowledged/);
  await page.click('#logout');
  await page.waitForSelector('form.login');
  assert.deepEqual(problems, []);
  await context.close();
});
