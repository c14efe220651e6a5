// Drives the monitor dashboard in Debian's headless Chromium through playwright-core (never a downloaded browser).
// Usage: node dashboard-check.cjs <node_modules dir> <dashboard URL> <operators> <responded after update> <screenshot>
// Protocol on stdout: "READY <responded>" once the page lists the operators; the caller then makes a new response
// on chain; once the page shows it (pushed by SSE, no reload): "LAYOUT <json>" (where each operator row's Status
// cell is, in the 1400x900 viewport, without scrolling), then the screenshot is written, then "UPDATED <rows>".
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const [nodeModules, url, operators, respondedAfter, screenshot] = process.argv.slice(2);
const { chromium } = require(path.join(nodeModules, 'playwright-core'));

(async () => {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-avs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CVMAVS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction((n) => document.querySelectorAll('#operators tbody tr').length === Number(n),
      operators, { timeout: 60000 });
    await page.waitForSelector('#status.live', { timeout: 60000 });
    const before = await page.evaluate(() => document.body.dataset.responded);
    if (!(await page.evaluate(() => typeof Chart === 'function'))) throw new Error('Chart.js did not load');
    console.log('READY ' + before);
    await page.waitForFunction((n) => document.body.dataset.responded === String(n), respondedAfter,
      { timeout: 90000 });
    const rows = await page.$$eval('#tasks tbody tr', (trs) => trs.length);
    const layout = await page.evaluate(() => {
      const headers = [...document.querySelectorAll('#operators thead th')].map((th) => th.textContent.trim());
      const column = headers.indexOf('Status');
      const cells = [...document.querySelectorAll('#operators tbody tr')].map((tr) => {
        const td = tr.children[column];
        if (!td) return { text: null };
        const r = td.getBoundingClientRect();
        // What is drawn at the cell's centre: the cell itself unless it is clipped, covered or off screen.
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {
          text: td.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
          height: r.height, onTop: hit !== null && (hit === td || td.contains(hit)),
          visible: typeof td.checkVisibility === 'function' ? td.checkVisibility({ visibilityProperty: true }) : true,
        };
      });
      return { width: window.innerWidth, height: window.innerHeight, scrollX: window.scrollX,
        scrollY: window.scrollY, pageWidth: document.documentElement.scrollWidth, column, cells };
    });
    console.log('LAYOUT ' + JSON.stringify(layout));
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log('UPDATED ' + rows);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
