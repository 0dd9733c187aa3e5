// Shared by the browser tests: free ports, and a page that records what should never happen
// (a dialog, a script error, a console error, anything loaded from elsewhere than `base`).
import net from 'node:net';

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
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
