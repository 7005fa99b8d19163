// README recipe "Vite": tests/recipes/vite is a tiny Vite app whose plugin (wsroute-plugin.js,
// apply: 'serve') serves pkg/wsroute.global.js and injects it first in <head> in the dev server.
// This starts `vite` (pinned in package.json) on 127.0.0.1, opens the page, and checks that the
// app's socket is mocked by the route while Vite's own HMR socket passes through untouched.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { test, env, assert, waitForLog } from './harness.mjs';

const VITE = path.join(env.repo, 'tests', 'e2e', 'node_modules', 'vite', 'bin', 'vite.js');
const APP = path.join(env.repo, 'tests', 'recipes', 'vite');
const START_TIMEOUT = 30000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts the Vite dev server; resolves with { url, stop, output }. */
async function startVite() {
  const port = await freePort();
  const child = spawn(process.execPath, [VITE, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: APP,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', BROWSER: 'none', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  // Never outlive the runner, even if the test times out.
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(kill, 3000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}/`;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite did not start in ${START_TIMEOUT} ms:\n${output}`)), START_TIMEOUT);
    const onData = (d) => {
      output += d;
      if (output.includes(`127.0.0.1:${port}`)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`vite exited (${code ?? sig}):\n${output}`)); });
  }).catch(async (e) => { await stop(); throw e; });
  return { url, stop, output: () => output };
}

test('Vite recipe: the dev-only plugin injects wsroute.global.js first in <head>; the app socket is mocked, HMR passes through', async ({ page }) => {
  const vite = await startVite();
  try {
    // An observer from an init script sees every socket of the page, Vite's HMR socket included.
    await page.addInitScript(() => {
      globalThis.__sockets = [];
      const watch = () => globalThis.wsroute.on('websocket', (ws) => {
        const entry = { url: ws.url(), received: 0 };
        globalThis.__sockets.push(entry);
        ws.on('framereceived', () => { entry.received++; });
      });
      if (globalThis.wsroute) watch();
      else document.addEventListener('readystatechange', function once() {
        if (globalThis.wsroute) { document.removeEventListener('readystatechange', once); watch(); }
      });
    });
    await page.goto(vite.url);
    await waitForLog(page, 'mocked: hello from vite');
    const r = await page.evaluate(() => ({
      first: document.head.querySelector('script')?.getAttribute('src'),
      scripts: [...document.head.querySelectorAll('script')].map((s) => s.getAttribute('src')),
      version: globalThis.wsroute?.version,
      log: globalThis.__log,
    }));
    assert.equal(r.first, '/wsroute.global.js', `first script in <head> (scripts: ${JSON.stringify(r.scripts)})`);
    assert.equal(r.scripts[1], '/dev-routes.js', 'the route file comes right after it');
    assert.ok(r.scripts.includes('/@vite/client'), `Vite's client is still there: ${JSON.stringify(r.scripts)}`);
    assert.equal(typeof r.version, 'string');
    assert.deepEqual(r.log, ['open', 'mocked: hello from vite']);

    // Vite's HMR client connects through wsroute as an unrouted pass-through socket; its
    // 'connected' message arrives from the real dev server.
    await page.waitForFunction(() => (globalThis.__sockets || []).some((s) => s.url.startsWith('ws://127.0.0.1') && s.received > 0),
      null, { timeout: 10000 }).catch(async () => {
      throw new Error(`no HMR socket traffic seen: ${JSON.stringify(await page.evaluate(() => globalThis.__sockets))}`);
    });
    const sockets = await page.evaluate(() => globalThis.__sockets.map((s) => s.url));
    assert.ok(sockets.includes('wss://api.example.test/live'), JSON.stringify(sockets));
  } catch (e) {
    e.message += `\n--- vite output ---\n${vite.output()}`;
    throw e;
  } finally {
    await vite.stop();
  }
}, { timeout: 60000 });
