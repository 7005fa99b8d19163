// Hardening scenarios: leaks (what wsroute holds returns to zero after every
// socket closed), hostile handlers, and many sockets at once.
import { within, nextTask, delay } from './harness.js';

const TIMEOUT = 30000;

function counts(api) {
  const s = api.debugStats();
  return [s.nativeListeners, s.routeCallbacks, s.openObservers];
}

// What wsroute holds now, relative to `base` (the counts before the scenario).
function held(api, base = [0, 0, 0]) {
  const [n, r, o] = counts(api).map((v, i) => v - base[i]);
  return `nativeListeners=${n} routeCallbacks=${r} openObservers=${o}`;
}

// Lets the garbage collector free shim instances (and, through wasm-bindgen's
// FinalizationRegistry, the Rust objects behind them) where the browser allows
// forcing it (Chromium with --js-flags=--expose-gc).
async function collectGarbage() {
  if (typeof globalThis.gc !== 'function') return false;
  // Finalizers run in later tasks, and what they free may free more.
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await delay(100);
  }
  return true;
}

// Opens `n` sockets to `url`, `batch` at a time; each sends one message, waits
// for the echo, and closes. Resolves when every one has closed.
async function churn(url, n, batch) {
  let echoed = 0;
  for (let i = 0; i < n; i += batch) {
    const round = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      round.push(
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.binaryType = 'arraybuffer';
          ws.onopen = () => ws.send(`m${j}`);
          ws.onmessage = (e) => {
            if (e.data === `m${j}`) echoed++;
            ws.close();
          };
          ws.onclose = () => resolve();
          ws.onerror = () => reject(new Error(`socket ${j} failed`));
        }),
      );
    }
    await within(TIMEOUT, Promise.all(round), `batch at ${i}`);
  }
  // Closures are freed after the close event's task.
  await nextTask();
  await delay(20);
  return echoed;
}

async function leakCheck(api, url, n, batch) {
  const base = counts(api);
  const out = [];
  const seen = [];
  const watcher = (ws) => {
    seen.push(ws.url());
    ws.on('framesent', () => {});
    ws.on('framereceived', () => {});
  };
  api.on('websocket', watcher);
  // wasm memory never shrinks, but freed memory is reused: after a warm-up
  // round, a leak shows as growth in every later round. A closed socket's
  // Rust object is freed when the collector frees the page's WebSocket object,
  // so this needs a forced GC (Chromium with --expose-gc); Firefox cannot.
  const memory = [];
  let gc = false;
  for (let round = 1; round <= 4; round++) {
    const echoed = await churn(url, n, batch);
    gc = await collectGarbage();
    memory.push(api.debugStats().wasmMemoryBytes);
    if (round <= 2) out.push(`round ${round}: ${echoed}/${n} echoed, ${held(api, base)}`);
  }
  out.push(`observed ${seen.length} sockets`);
  const growth = memory[3] - memory[1];
  console.log(`wsroute leak check ${url}: gc=${gc} memory after each round ${memory.join(', ')}`);
  out.push(`wasm memory flat after GC: ${gc ? growth <= 64 * 1024 : 'n/a (this browser cannot force a GC)'}`);
  api.off('websocket', watcher);
  return out;
}

export async function mockedSocketsReleaseEverything(api) {
  api.routeWebSocket('wss://example.test/leak', (route) => {
    route.onMessage((m) => route.send(m));
  });
  return leakCheck(api, "wss://example.test/leak", 2000, 200);
}

export async function passthroughAndConnectedSocketsReleaseEverything(api, echo) {
  api.routeWebSocket(`${echo}/echo?connected`, (route) => {
    route.connectToServer();
  });
  // Chromium throttles WebSocket handshakes to one host, so fewer here.
  const direct = await leakCheck(api, `${echo}/echo?direct`, 30, 10);
  const connected = await leakCheck(api, `${echo}/echo?connected`, 30, 10);
  return [...direct.map((l) => `direct ${l}`), ...connected.map((l) => `connected ${l}`)];
}

export async function hostileHandlers(api) {
  const out = [];
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args.map(String).join(' '));
  try {
    api.routeWebSocket('wss://example.test/throws', () => {
      throw new Error('sync failure');
    });
    api.routeWebSocket('wss://example.test/rejects', () => Promise.reject(new Error('async failure')));
    api.routeWebSocket('wss://example.test/never', () => new Promise(() => {}));
    api.routeWebSocket('wss://example.test/unroutes', (route) => {
      api.unrouteAll(); // unrouting inside a handler affects later sockets only
      route.send('still routed');
    });
    api.routeWebSocket('wss://example.test/listener-throws', (route) => {
      route.onMessage(() => {
        throw new Error('onMessage failure');
      });
      route.onClose(() => {
        throw new Error('onClose failure');
      });
    });

    for (const path of ['throws', 'rejects']) {
      const ws = new WebSocket(`wss://example.test/${path}`);
      const events = [];
      ws.onopen = () => events.push('open');
      ws.onerror = () => events.push('error');
      await within(TIMEOUT, new Promise((r) => (ws.onclose = (e) => r(events.push(`close ${e.code} ${e.wasClean}`)))), path);
      out.push(`${path}: ${events.join(', ')}`);
    }

    const never = new WebSocket('wss://example.test/never');
    await delay(30);
    out.push(`never resolves: readyState=${never.readyState} after 30 ms`);
    const neverEvents = [];
    never.onerror = () => neverEvents.push('error');
    never.close();
    await within(TIMEOUT, new Promise((r) => (never.onclose = (e) => r(neverEvents.push(`close ${e.code}`)))), 'never');
    out.push(`never resolves, page closes: ${neverEvents.join(', ')}`);

    const unrouting = new WebSocket('wss://example.test/unroutes');
    const got = await within(TIMEOUT, new Promise((r) => (unrouting.onmessage = (e) => r(e.data))), 'unroutes');
    out.push(`unroute inside the handler: ${got}`);
    unrouting.close();

    api.routeWebSocket('wss://example.test/listener-throws', (route) => {
      route.onMessage(() => {
        throw new Error('onMessage failure');
      });
      route.onClose(() => {
        throw new Error('onClose failure');
      });
    });
    const lt = new WebSocket('wss://example.test/listener-throws');
    await within(TIMEOUT, new Promise((r) => (lt.onopen = r)), 'listener-throws open');
    lt.send('boom');
    lt.close();
    await delay(20);
    out.push(`throwing onMessage/onClose: socket readyState=${lt.readyState} (CLOSING until the route closes it)`);

    // The page closes inside onopen, and again inside onclose.
    api.routeWebSocket('wss://example.test/page-closes', () => {});
    const pc = new WebSocket('wss://example.test/page-closes');
    const pcEvents = [];
    pc.onopen = () => {
      pc.close(3000, 'from onopen');
      pc.send('ignored after close');
      pcEvents.push(`open then close rs=${pc.readyState} buffered=${pc.bufferedAmount}`);
    };
    await within(TIMEOUT, new Promise((r) => (pc.onclose = (e) => {
      pc.close();
      r(pcEvents.push(`close ${e.code} ${e.reason}`));
    })), 'page-closes');
    out.push(`page closes in onopen: ${pcEvents.join(', ')}`);
  } finally {
    console.error = original;
  }
  out.push(`console errors name the URL: ${['throws', 'rejects', 'listener-throws'].map((p) => errors.some((e) => e.includes(`wss://example.test/${p}`))).join(', ')}`);
  out.push(`console errors carry the cause: ${['sync failure', 'async failure', 'onMessage failure', 'onClose failure'].map((m) => errors.some((e) => e.includes(m))).join(', ')}`);
  return out;
}

export async function thousandSocketsAtOnce(api) {
  const base = counts(api);
  api.routeWebSocket('wss://example.test/many/**', (route) => {
    route.onMessage((m) => route.send(`${m}!`));
  });
  const results = await within(
    TIMEOUT,
    Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        new Promise((resolve) => {
          const ws = new WebSocket(`wss://example.test/many/${i}`);
          ws.onopen = () => ws.send(`${i}`);
          let ok = false;
          ws.onmessage = (e) => {
            ok = e.data === `${i}!`;
            ws.close();
          };
          ws.onclose = () => resolve(ok);
        }),
      ),
    ),
    '1000 sockets',
  );
  await nextTask();
  return [`${results.filter(Boolean).length} of 1000 answered correctly`, held(api, base)];
}

