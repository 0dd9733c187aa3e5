// Shared by the browser tests: free ports, and a page that records what should never happen
// (a dialog, a script error, a console error, anything loaded from elsewhere than `base`).
import net from 'node:net';

// A port below the kernel's ephemeral range (32768-60999 on Debian): one taken there can be claimed
// a moment later as the local end of an outgoing connection, and the service then fails to bind it.
export async function freePort() {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free TCP port between 20000 and 32000');
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
