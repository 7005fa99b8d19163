// Loads a recipe's page in headless Chromium and waits until `#out` shows
// the expected text (the app's own rendering of the mocked reply).
// usage: node check.mjs URL EXPECTED [SCREENSHOT.png]
// playwright-core comes from tests/e2e (installed by `cargo xtask setup`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../e2e/chromium-args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const [url, expected, screenshot] = process.argv.slice(2);
if (!url || !expected) {
  console.error('usage: node check.mjs URL EXPECTED [SCREENSHOT.png]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
let code = 1;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  try {
    await page.waitForFunction((want) => document.querySelector('#out')?.textContent === want, expected, { timeout: 20_000 });
    const installed = await page.evaluate(() => `${typeof wsroute}:${globalThis.wsroute && wsroute.version}`);
    console.log(`recipe: ${url}: #out is ${JSON.stringify(expected)} (wsroute ${installed})`);
    code = 0;
  } catch (e) {
    const got = await page.evaluate(() => document.querySelector('#out')?.textContent);
    console.error(`recipe: ${url}: #out is ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
  }
  if (errors.length) {
    console.error(`recipe: console errors:\n  ${errors.join('\n  ')}`);
    code = 1;
  }
  if (screenshot) await page.screenshot({ path: screenshot });
} finally {
  await browser.close();
}
process.exit(code);
