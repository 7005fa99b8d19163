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

// The classic script puts the class in place at once and loads its wasm on
// the first use (a `new WebSocket`, an API call): a page that never opens a
// socket pays for no wasm. Until then nothing is instantiated, the class
// answers as it will after, and what a page does in between (wrap the class,
// install fake timers) is kept.
const COUNT_INSTANCES = `
  window.__native = WebSocket;
  window.__instances = 0;
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
    construct(target, args, newTarget) { window.__instances++; return Reflect.construct(target, args, newTarget); },
  });`;

test('the wasm loads on first use: a pass-through socket first', async ({ page }) => {
  await page.addInitScript({ content: COUNT_INSTANCES });
  await page.addInitScript({ path: env.pkgGlobal });
  await page.addInitScript({
    content: `window.__before = { instances: __instances, replaced: WebSocket !== __native, loadMs: typeof wsroute.__loadMs,
      OPEN: WebSocket.OPEN, name: WebSocket.name, proto: Object.getPrototypeOf(WebSocket.prototype) === EventTarget.prototype };`,
  });
  await page.goto(`${env.httpURL}/blank.html`);
  const r = await page.evaluate(async (echo) => {
    const ws = new WebSocket(`${echo}/echo`);
    const loaded = { instances: __instances > 0, loadMs: typeof wsroute.__loadMs };
    const reply = await new Promise((resolve, reject) => {
      ws.onopen = () => ws.send('hi');
      ws.onmessage = (e) => resolve(e.data);
      ws.onerror = () => reject(new Error('socket error'));
    });
    ws.close();
    return { before: window.__before, loaded, reply };
  }, env.echoURL);
  assert.deepEqual(r.before, { instances: 0, replaced: true, loadMs: 'undefined', OPEN: 1, name: 'WebSocket', proto: true }, 'installed, no wasm yet');
  assert.deepEqual(r.loaded, { instances: true, loadMs: 'number' }, 'the first socket loaded the wasm');
  assert.equal(r.reply, 'hi', 'the first socket, unrouted, reached the echo server');
});

test('the wasm loads on first use: a class wrapped before it stays, fake timers set before it are not used', async ({ page }) => {
  await page.addInitScript({ content: COUNT_INSTANCES });
  await page.addInitScript({ path: env.pkgGlobal });
  // A page wraps the class and installs fake timers before any socket.
  await page.addInitScript({
    content: `
      window.__shim = WebSocket;
      window.WebSocket = class Wrapped extends window.__shim {};
      window.__realSetTimeout = setTimeout;
      window.__realNow = performance.now;
      window.__fakeCalls = 0;
      window.setTimeout = () => { window.__fakeCalls++; return 0; };
      performance.now = () => 0;`,
  });
  await page.goto(`${env.httpURL}/blank.html`);
  const r = await page.evaluate(async () => {
    const instancesBefore = __instances;
    wsroute.setNetworkConditions({ latency: 50 });
    wsroute.routeWebSocket('wss://example.test/lazy', (ws) => ws.onMessage((m) => ws.send('echo:' + m)));
    const ws = new WebSocket('wss://example.test/lazy');
    const reply = await Promise.race([
      new Promise((resolve) => {
        ws.onopen = () => ws.send('hi');
        ws.onmessage = (e) => resolve(e.data);
      }),
      new Promise((resolve) => __realSetTimeout(() => resolve('timed out'), 5000)),
    ]);
    ws.close();
    window.setTimeout = __realSetTimeout;
    performance.now = __realNow;
    wsroute.setNetworkConditions(null);
    return {
      instancesBefore,
      reply,
      fakeCalls: __fakeCalls,
      wrapperKept: WebSocket.name === 'Wrapped' && Object.getPrototypeOf(WebSocket) === __shim,
      isShim: ws instanceof __shim,
    };
  });
  assert.equal(r.instancesBefore, 0, 'no wasm before the first use');
  assert.equal(r.reply, 'echo:hi', 'the mocked socket, through the latency, echoed');
  assert.equal(r.fakeCalls, 0, 'wsroute ran on the timers it took when it loaded');
  assert.ok(r.wrapperKept, "the page's wrapper is still the global WebSocket");
  assert.ok(r.isShim, 'the socket is one of the class');
});

test('the wasm loads on first use: uninstall() before any socket gives the native class back', async ({ page }) => {
  await page.addInitScript({ content: COUNT_INSTANCES });
  await page.addInitScript({ path: env.pkgGlobal });
  await page.goto(`${env.httpURL}/blank.html`);
  const r = await page.evaluate(() => {
    const replaced = WebSocket !== __native;
    wsroute.uninstall();
    const restored = WebSocket === __native;
    wsroute.install();
    return { replaced, restored, again: WebSocket !== __native && WebSocket.name === 'WebSocket' };
  });
  assert.deepEqual(r, { replaced: true, restored: true, again: true });
});
