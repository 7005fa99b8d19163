// Firefox ESR runs of the in-page systems, over WebDriver (geckodriver).
//
// Playwright drives only its own patched Firefox, so this drives Debian's
// firefox-esr the way wasm-bindgen-test does: geckodriver, a headless
// session with the test suite's network prefs (webdriver.json), and plain
// navigation + executeAsyncScript. Systems that need Playwright
// (`page.routeWebSocket`) are Chromium-only. wsroute is loaded by bench.html
// itself (?wsroute=MODE: the classic script, then the route, first in <head>),
// since WebDriver has no init scripts.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A WebDriver session on a headless Firefox; `close()` ends both. */
export async function startFirefox({ repo, geckodriver, firefox }) {
  const config = JSON.parse(await readFile(path.join(repo, 'webdriver.json'), 'utf8'));
  const prefs = (config['moz:firefoxOptions'] || {}).prefs || {};
  const port = await freePort();
  const driver = spawn(geckodriver, ['--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  driver.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok || (json.value && json.value.error)) {
      const v = json.value || {};
      throw new Error(`WebDriver ${method} ${url}: ${v.error || res.status}: ${String(v.message || '').split('\n')[0]}`);
    }
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      await call('GET', '/status');
      break;
    } catch (e) {
      if (i > 100 || driver.exitCode !== null) {
        driver.kill();
        throw new Error(`geckodriver did not start: ${e.message}\n${stderr}`);
      }
      await sleep(100);
    }
  }
  let session;
  try {
    session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          'moz:firefoxOptions': { binary: firefox, args: ['-headless'], prefs },
          timeouts: { script: 120_000, pageLoad: 30_000 },
        },
      },
    });
  } catch (e) {
    driver.kill();
    throw new Error(`${e.message}\n${stderr}`);
  }
  const id = session.sessionId;
  return {
    version: session.capabilities.browserVersion,
    navigate: (url) => call('POST', `/session/${id}/url`, { url }),
    /** Runs `body` (a function body using `args`) and waits for its promise. */
    run: (body, args) =>
      call('POST', `/session/${id}/execute/async`, {
        script: `const done = arguments[arguments.length - 1];
          Promise.resolve().then(() => (async (args) => { ${body} })(arguments[0]))
            .then((v) => done({ ok: true, v }), (e) => done({ ok: false, error: String((e && e.stack) || e) }));`,
        args: [args],
      }).then((r) => {
        if (!r.ok) throw new Error(r.error);
        return r.v;
      }),
    async close() {
      await call('DELETE', `/session/${id}`).catch(() => {});
      driver.kill();
    },
  };
}
