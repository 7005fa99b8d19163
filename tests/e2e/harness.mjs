// Test registry and shared environment for the e2e runner (run.mjs).
//
//   import { test, env, assert } from './harness.mjs';
//   test('name', async ({ page, context, browser }) => { ... }, { timeout: 30000 });
//
// Every test gets a fresh browser context and page. `env` carries what
// `cargo xtask test` passes in: the echo server, the static server (serving
// tests/e2e/pages with /pkg/ and /node_modules/ mounted) and the repo paths.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export { default as assert } from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

export const env = {
  repo,
  /** ws://127.0.0.1:PORT of the xtask echo server (no path). */
  echoURL: process.env.WSROUTE_ECHO_URL || '',
  /** http://127.0.0.1:PORT serving tests/e2e/pages, /pkg/ -> <repo>/pkg/, /node_modules/ -> tests/e2e/node_modules/,
   *  /demo/ -> <repo>/www/ and /config.js (WSROUTE_ECHO_URL, as `cargo xtask demo` generates it). */
  httpURL: process.env.WSROUTE_HTTP_URL || '',
  /** Absolute path of the classic script, for page.addInitScript({ path }). */
  pkgGlobal: path.join(repo, 'pkg', 'wsroute.global.js'),
  pkgDir: path.join(repo, 'pkg'),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

/** Registered tests: { file, name, fn, timeout }. */
export const tests = [];
let currentFile = '';
export function setCurrentFile(f) { currentFile = f; }

/** Registers a test. */
export function test(name, fn, { timeout = 30000 } = {}) {
  tests.push({ file: currentFile, name, fn, timeout });
}

/** Waits until `predicate` (evaluated in the page) is truthy; the error shows `window.__log`. */
export async function waitForLog(page, value, timeout = 10000) {
  try {
    await page.waitForFunction(v => (window.__log || []).includes(v), value, { timeout });
  } catch (e) {
    const log = await page.evaluate(() => window.__log).catch(err => `<unreadable: ${err}>`);
    throw new Error(`timed out waiting for ${JSON.stringify(value)} in window.__log = ${JSON.stringify(log)}`);
  }
}
