// wsroute inside dedicated workers: the classic script through `importScripts()`
// and the ES module package through `import()` + `init()`, in Blob workers and in
// a same-origin worker with an http: URL (tests/workers/runner.js, served by the
// wasm-bindgen test runner from the repository root).
//
// `pkg/` comes from another origin (`cargo xtask test`'s static server, with CORS
// and `Cross-Origin-Resource-Policy: cross-origin`; the test page is
// cross-origin isolated). Each scenario returns its whole log; the Rust tests
// assert it.
import { within, NativeWebSocket as PageNativeWebSocket } from './harness.js';

const RUNNER = '/tests/workers/runner.js';
const TIMEOUT = 20000;

// The wasm-bindgen test runner replaces the page's `Worker` with a wrapper that
// starts every worker from a Blob URL (to forward its console), so a worker made
// with it never has an http: URL, and a module worker's own script only runs after
// the wrapper's `await import()` (messages posted at once are lost). The
// constructor of a same-origin iframe is the browser's own. One iframe serves every
// scenario and stays for the page's lifetime: with a frame per worker, removed
// after use, the next module worker intermittently failed to start in Chromium
// (an `error` event without a message).
let realm;
function pristineRealm() {
  if (!realm) {
    const iframe = document.createElement('iframe');
    iframe.style.display = 'none';
    document.body.appendChild(iframe);
    realm = iframe.contentWindow;
  }
  return realm;
}

// Starts a worker: `kind` is 'classic' or 'module', `where` is 'blob' (a Blob URL
// made from the runner's text) or 'file' (the runner's own same-origin URL).
async function startWorker(kind, where) {
  const options = kind === 'module' ? { type: 'module' } : {};
  const text = where === 'blob' ? await (await fetchOk(RUNNER)).text() : '';
  const realm = pristineRealm();
  let url = new URL(`${RUNNER}?${kind}`, location.href).href;
  if (where === 'blob') url = realm.URL.createObjectURL(new realm.Blob([text], { type: 'text/javascript' }));
  const worker = new realm.Worker(url, options);
  return {
    worker,
    stop() {
      worker.terminate();
      if (where === 'blob') realm.URL.revokeObjectURL(url);
    },
  };
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}

// Runs `scenario(cfg)` inside a fresh worker and resolves to its log.
async function runInWorker(kind, where, scenario, cfg) {
  const { worker, stop } = await startWorker(kind, where);
  const progress = [];
  const result = new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      if (e.data.progress) progress.push(...e.data.progress);
      else if (e.data.error) reject(new Error(`in the worker: ${e.data.error}\nlog so far: ${JSON.stringify(progress)}`));
      else resolve(e.data.log);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`${kind} ${where} worker: error event: ${e.message} (${e.filename}:${e.lineno})`));
    };
    worker.onmessageerror = () => reject(new Error('worker messageerror'));
  });
  worker.postMessage({ source: scenario.toString(), cfg: { ...cfg, kind, where } });
  try {
    return await within(TIMEOUT, result, `${kind} ${where} worker`).catch((e) => {
      throw new Error(`${e.message}\nlog so far: ${JSON.stringify(progress)}`);
    });
  } finally {
    stop();
  }
}

// ---------------------------------------------------------------------------
// Everything below `workerScenario` runs INSIDE the worker (it is sent as source
// text): it may use only its own locals and `cfg`.

async function workerScenario(cfg) {
  // Every entry also goes to the page at once, so a scenario that hangs still
  // shows how far it got.
  const entries = [];
  const log = {
    push(...items) {
      entries.push(...items);
      self.postMessage({ progress: items });
    },
  };
  const NativeWebSocket = self.WebSocket;
  const TIMEOUT = 10000;
  const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
  const show = (m) => (typeof m === 'string' ? `text:${m}` : m instanceof ArrayBuffer ? `binary:${hex(m)}` : `other:${m}`);
  const timeout = (ms, what) =>
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms));
  const asWs = (href) => href.replace(/^http/, 'ws');

  // `new WebSocket(url)`: `url=` the resolved URL, or `throws` the exception's
  // name. A socket that did get created is closed at once.
  const attempt = (url) => {
    try {
      const ws = new WebSocket(url);
      ws.close();
      return `url=${ws.url}`;
    } catch (e) {
      return `throws ${e.name}`;
    }
  };

  // Loads wsroute the way `cfg.kind` says; returns its API.
  async function load() {
    if (cfg.kind === 'classic') {
      importScripts(`${cfg.http}/pkg/wsroute.global.js`);
      const api = self.wsroute;
      const shim = self.WebSocket;
      importScripts(`${cfg.http}/pkg/wsroute.global.js`);
      log.push(`loaded twice: same wsroute=${self.wsroute === api} same WebSocket=${self.WebSocket === shim}`);
      return api;
    }
    const m = await import(`${cfg.http}/pkg/wsroute.js`);
    // The Blob worker uses init()'s default (wsroute_bg.wasm beside wsroute.js,
    // i.e. import.meta.url); the file worker passes the URL explicitly.
    if (cfg.where === 'blob') await m.default();
    else await m.default({ module_or_path: `${cfg.http}/pkg/wsroute_bg.wasm` });
    m.install();
    const shim = self.WebSocket;
    m.install();
    log.push(`installed twice: same WebSocket=${self.WebSocket === shim} globalThis.wsroute=${typeof self.wsroute}`);
    return m;
  }

  // Opens `ws`, sends text, then binary after the first answer, closes with
  // `code`/`reason` after the second; records every event.
  function exchange(ws, label, code, reason) {
    ws.binaryType = 'arraybuffer';
    log.push(`${label} created: instanceof shim=${ws instanceof self.WebSocket} instanceof native=${ws instanceof NativeWebSocket} rs=${ws.readyState}`);
    let n = 0;
    const closed = new Promise((resolve) => {
      ws.onopen = () => {
        log.push(`${label} open protocol=${ws.protocol} ext=${ws.extensions}`);
        ws.send('hi');
      };
      // One message at a time, so the log's order is fixed.
      ws.onmessage = (e) => {
        log.push(`${label} message ${show(e.data)}`);
        if (++n === 1) ws.send(new Uint8Array([1, 2, 3]));
        else ws.close(code, reason);
      };
      ws.onerror = () => log.push(`${label} error rs=${ws.readyState}`);
      ws.onclose = (e) => {
        log.push(`${label} close code=${e.code} reason=${e.reason} clean=${e.wasClean} rs=${ws.readyState}`);
        resolve();
      };
    });
    return Promise.race([closed, timeout(TIMEOUT, label)]);
  }

  // The log lines of `exchange` on `ws`, taken out of the log: its `created`
  // line, and its events without the label (native is the oracle for
  // pass-through sockets).
  async function eventsOf(ws, label) {
    const from = entries.length;
    await exchange(ws, label, 4002, 'end');
    const [created, ...events] = entries.splice(from);
    return { created, events: events.map((l) => l.slice(label.length)) };
  }

  async function routing() {
    const native = (await eventsOf(new NativeWebSocket(`${cfg.echo}/echo?plain`), 'native')).events;
    const api = await load();
    log.push(`WebSocket replaced=${self.WebSocket !== NativeWebSocket} name=${self.WebSocket.name}`);
    log.push(`version: ${typeof api.version} ${api.version === cfg.version}`);

    api.on('websocket', (o) => log.push(`observed ${o.url()}`));
    api.routeWebSocket('wss://example.test/worker', (route) => {
      log.push(`mock handler url=${route.url()} protocols=${route.protocols().join('|')}`);
      route.onMessage((m) => {
        log.push(`mock route got ${show(m)}`);
        route.send(typeof m === 'string' ? m.toUpperCase() : new Uint8Array(m).reverse());
      });
      route.onClose((code, reason) => {
        log.push(`mock route onClose ${code} ${reason}`);
        route.close({ code, reason });
      });
    });
    api.routeWebSocket(`${cfg.echo}/echo?routed`, (route) => {
      log.push(`connect handler url=${route.url()}`);
      const server = route.connectToServer();
      route.onMessage((m) => server.send(typeof m === 'string' ? `to-server:${m}` : m));
      server.onMessage((m) => {
        log.push(`server said ${show(m)}`);
        route.send(typeof m === 'string' ? `from-server:${m}` : m);
      });
    });
    await exchange(new WebSocket('wss://example.test/worker', ['p1', 'p2']), 'mock', 4000, 'bye');
    await exchange(new WebSocket(`${cfg.echo}/echo?routed`), 'connected', 4001, 'done');
    const passed = await eventsOf(new WebSocket(`${cfg.echo}/echo?plain`), 'passthrough');
    log.push(passed.created);
    log.push(`passthrough events (${passed.events.length}) as native: ${JSON.stringify(passed.events) === JSON.stringify(native)}`);
    api.unrouteAll();
    api.uninstall();
    log.push(`uninstalled: native again=${self.WebSocket === NativeWebSocket}`);
    return entries;
  }

  // Relative URLs in a worker resolve against the worker's own URL (the spec's
  // API base URL). A Blob URL cannot be a base, so there every relative URL is a
  // SyntaxError in Chromium; whatever the browser does natively, the unrouted
  // shim must do the same.
  async function baseURL() {
    const inputs = ['rel/sock', '/rel/sock', '?q'];
    let expected;
    try {
      expected = inputs.map((u) => `url=${asWs(new URL(u, self.location.href).href)}`);
    } catch (e) {
      expected = undefined;
    }
    log.push(`${cfg.kind} ${cfg.where} worker: location ${self.location.protocol} can be a base: ${expected !== undefined}`);
    const native = inputs.map((u) => attempt(u)).join(', ');
    const api = await load();
    const unrouted = inputs.map((u) => attempt(u)).join(', ');
    const same = (shim) => `${shim === native}${shim === native ? '' : ` (native: ${native}; shim: ${shim})`}`;
    if (expected !== undefined) log.push(`native resolves against the worker's URL: ${native === expected.join(', ')}`);
    log.push(`unrouted shim same as native: ${same(unrouted)}`);

    if (expected === undefined) {
      // Not resolvable against the worker's URL: the routed constructor must still
      // answer as the native one.
      api.routeWebSocket('rel/sock', (route) => route.close({ code: 4000 }));
      log.push(`with a relative route: same as native: ${same(inputs.map((u) => attempt(u)).join(', '))}`);
      api.unrouteAll();
    } else {
      // A relative glob resolves against the worker's URL.
      const url = expected[0].slice('url='.length);
      const routed = new Promise((resolve) =>
        api.routeWebSocket('rel/sock', (route) => {
          resolve(`relative glob matched: route.url()==expected:${route.url() === url}`);
          route.close({ code: 4000 });
        }),
      );
      const relWs = new WebSocket('rel/sock');
      log.push(`with a relative route: url==expected:${relWs.url === url}`);
      const relClosed = new Promise((resolve) => (relWs.onclose = (e) => resolve(`relative socket closed ${e.code}`)));
      log.push(await Promise.race([routed, timeout(TIMEOUT, 'relative glob route')]));
      log.push(await Promise.race([relClosed, timeout(TIMEOUT, 'relative socket close')]));
    }

    // setBaseURL: a relative glob resolves against it instead (http -> ws).
    api.setBaseURL('http://127.0.0.1:9/base/');
    const viaBase = new Promise((resolve) =>
      api.routeWebSocket('sock', (route) => {
        resolve(`setBaseURL glob matched ${route.url()}`);
        route.close({ code: 4000 });
      }),
    );
    const ws = new WebSocket('ws://127.0.0.1:9/base/sock');
    const closed = new Promise((resolve) => (ws.onclose = (e) => resolve(`setBaseURL socket closed ${e.code} ${e.wasClean}`)));
    log.push(await Promise.race([viaBase, timeout(TIMEOUT, 'setBaseURL route')]));
    log.push(await Promise.race([closed, timeout(TIMEOUT, 'setBaseURL close')]));
    api.setBaseURL(null);
    api.unrouteAll();
    return entries;
  }

  return cfg.scenario === 'routing' ? routing() : baseURL();
}

// ---------------------------------------------------------------------------
// Page side.

export function classicBlobWorkerRouting(echo, http, version) {
  return runInWorker('classic', 'blob', workerScenario, { scenario: 'routing', echo, http, version });
}

export function moduleBlobWorkerRouting(echo, http, version) {
  return runInWorker('module', 'blob', workerScenario, { scenario: 'routing', echo, http, version });
}

export function classicFileWorkerRouting(echo, http, version) {
  return runInWorker('classic', 'file', workerScenario, { scenario: 'routing', echo, http, version });
}

export function moduleFileWorkerRouting(echo, http, version) {
  return runInWorker('module', 'file', workerScenario, { scenario: 'routing', echo, http, version });
}

export function baseURLInWorker(kind, where, echo, http, version) {
  return runInWorker(kind, where, workerScenario, { scenario: 'baseURL', echo, http, version });
}

// The page's own WebSocket is untouched by what workers install.
export function pageWebSocketIsNative() {
  return globalThis.WebSocket === PageNativeWebSocket;
}

// A document loaded from a blob: URL, whose base URL (the blob: URL) cannot be
// a base either: the classic script loaded there answers relative URLs as the
// native constructor does, unrouted and with a relative route. The Blob is
// made while this page's URL is one level down (`history.pushState`), so a
// browser resolving against its creator's URL would differ from one using the
// origin.
export async function blobDocumentBaseURL(http) {
  const inputs = ['rel/sock', '/rel/sock', '?q'];
  const body = `<!doctype html><meta charset="utf-8"><script>
const attempt = (u) => {
  try {
    const ws = new WebSocket(u);
    ws.onerror = () => {};
    ws.close();
    return 'url=' + ws.url;
  } catch (e) {
    return e.name;
  }
};
const inputs = ${JSON.stringify(inputs)};
const native = WebSocket;
const log = { location: location.protocol, native: inputs.map(attempt).join(', ') };
<\/script><script src="${http}/pkg/wsroute.global.js"><\/script><script>
log.installed = globalThis.WebSocket !== native;
log.unrouted = inputs.map(attempt).join(', ');
wsroute.routeWebSocket('rel/sock', (route) => route.close({ code: 4000 }));
log.routed = inputs.map(attempt).join(', ');
wsroute.unrouteAll();
parent.postMessage({ blobDocument: log }, '*');
<\/script>`;
  const here = location.href;
  history.pushState(null, '', '/app/page.html');
  const url = URL.createObjectURL(new Blob([body], { type: 'text/html' }));
  history.pushState(null, '', here);
  const iframe = document.createElement('iframe');
  let listener;
  const got = new Promise((resolve) => {
    listener = (e) => {
      if (e.data && e.data.blobDocument) resolve(e.data.blobDocument);
    };
    addEventListener('message', listener);
  });
  iframe.src = url;
  document.body.appendChild(iframe);
  try {
    const log = await within(TIMEOUT, got, 'blob: document');
    const same = (shim) => `${shim === log.native}${shim === log.native ? '' : ` (native: ${log.native}; shim: ${shim})`}`;
    return [
      `blob document: location ${log.location} wsroute installed: ${log.installed}`,
      `unrouted shim same as native: ${same(log.unrouted)}`,
      `with a relative route: same as native: ${same(log.routed)}`,
    ];
  } finally {
    removeEventListener('message', listener);
    iframe.remove();
    URL.revokeObjectURL(url);
  }
}
