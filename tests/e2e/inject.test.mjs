// pkg/wsroute.global.js installs the shim synchronously wherever it is loaded:
// as a Playwright init script and as the first <script src> of a page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, env, assert, waitForLog } from './harness.mjs';

const ROUTE = `wsroute.routeWebSocket('wss://example.test/ws', ws => ws.onMessage(m => ws.send('echo:' + m)));`;

// The npm package and the crate share one version.
function pkgVersion() {
  const npm = JSON.parse(readFileSync(path.join(env.pkgDir, 'package.json'), 'utf8')).version;
  const manifest = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../Cargo.toml'), 'utf8');
  const crate = /^version = "([^"]+)"/m.exec(manifest)?.[1];
  assert.equal(npm, crate, 'pkg/package.json has the version of Cargo.toml');
  return npm;
}

async function checkApi(page) {
  const r = await page.evaluate(() => {
    const ws = new WebSocket('wss://example.test/ws');
    const out = {
      version: typeof wsroute.version === 'string' ? wsroute.version : typeof wsroute.version,
      isEventTarget: ws instanceof EventTarget,
      isWebSocket: ws instanceof WebSocket,
    };
    ws.close();
    return out;
  });
  assert.equal(r.version, pkgVersion(), 'wsroute.version is the crate version (a string)');
  assert.ok(r.isEventTarget, 'new WebSocket(...) instanceof EventTarget');
  assert.ok(r.isWebSocket, 'new WebSocket(...) instanceof WebSocket');
}

test('addInitScript({ path }) + a route from a second init script mock a socket of an inline script', async ({ page }) => {
  await page.addInitScript({ path: env.pkgGlobal });
  await page.addInitScript({ content: ROUTE });
  await page.goto(`${env.httpURL}/inline.html`);
  await waitForLog(page, 'echo:hi');
  await checkApi(page);
});

test('<script src="/pkg/wsroute.global.js"> first in <head>, then an inline script routes and connects', async ({ page }) => {
  await page.goto(`${env.httpURL}/script-tag.html`);
  await waitForLog(page, 'echo:hi');
  await checkApi(page);
});

test('loading the global script twice is harmless', async ({ page }) => {
  await page.addInitScript({ path: env.pkgGlobal });
  await page.goto(`${env.httpURL}/twice.html`);
  await waitForLog(page, 'echo:hi');
  const same = await page.evaluate(() => window.__first === globalThis.wsroute);
  assert.ok(same, 'the second load keeps the first globalThis.wsroute');
  await checkApi(page);
});
