// Hardening scenarios: leaks (what wsroute holds returns to zero after every
// socket closed), hostile handlers, and many sockets at once.
import { within, nextTask, delay } from './harness.js';

const TIMEOUT = 30000;

// What wsroute holds, as counted by the objects' own Drop: listeners on
// native sockets, route callbacks, routed sockets, observers; and the bytes
// its wasm heap has allocated.
function counts(api) {
  const s = api.debugStats();
  return {
    nativeListeners: s.nativeListeners,
    routeCallbacks: s.routeCallbacks,
    routedSockets: s.routedSockets,
    backends: s.backends,
    observers: s.observers,
    heap: s.heapBytes,
  };
}

// What a closed socket must no longer hold, relative to `base`.
function held(api, base) {
  const c = counts(api);
  return ['nativeListeners', 'routeCallbacks', 'routedSockets', 'backends'].map((k) => `${k}=${c[k] - base[k]}`).join(' ');
}

// Runs the garbage collector until wsroute's heap stops shrinking, so that
// shim instances (and, through wasm-bindgen's FinalizationRegistry, the Rust
// objects behind them) are freed. Chromium (started with
// --js-flags=--expose-gc) lets a page call it; Firefox does not, so there
// garbage is made until a sentinel object's finalizer reports that a
// collection ran. Finalizers run in later tasks, what they free may free
// more, and one collection may leave some objects to the next: resolves to
// whether the heap held still for two collections in a row.
async function collectGarbage(api) {
  let last = -1;
  let still = 0;
  for (let i = 0; i < 12 && still < 2; i++) {
    if (typeof globalThis.gc === 'function') globalThis.gc();
    else if (!(await provokeCollection(20000))) return false;
    await delay(100);
    const heap = counts(api).heap;
    still = heap === last ? still + 1 : 0;
    last = heap;
  }
  return still >= 2;
}

// Allocates short-lived garbage until an object registered with a
// FinalizationRegistry is reported collected, or `limitMs` has passed.
async function provokeCollection(limitMs) {
  let collected = false;
  const registry = new FinalizationRegistry(() => {
    collected = true;
  });
  registry.register({}, 'sentinel');
  const start = performance.now();
  let sink = 0;
  while (!collected) {
    if (performance.now() - start > limitMs) return false;
    // Memory held outside the JS heap counts towards the next full collection.
    for (let i = 0; i < 8; i++) sink += new ArrayBuffer(8 << 20).byteLength;
    await delay(0);
  }
  return sink > 0;
}

// Heap bytes per socket a closed socket may leave behind once the garbage
// collector has freed what the page's JavaScript no longer references:
// nothing but allocator rounding. Everything else a socket held is counted by
// the lines above, and gone at close.
export const HEAP_PER_SOCKET_AFTER_GC = 8;

// Opens `n` sockets to `url`, `batch` at a time; each sends one message, waits
// for the echo, and closes. Resolves when every one has closed. Every socket
// is pushed to `kept`, so that none can be collected while the caller holds it.
async function churn(url, n, batch, kept = []) {
  let echoed = 0;
  for (let i = 0; i < n; i += batch) {
    const round = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      round.push(
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          kept.push(ws);
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

// After a warm-up round (lazily made state is not a leak), four rounds of
// `n` sockets, each observed: after every round nothing a closed socket held
// may still be alive, its backend included, while the page still holds every
// socket (so no garbage collection can be what freed it), and the heap may
// grow by at most a bounded number of bytes per socket, before any collection
// and after one.
async function leakCheck(api, url, n, batch) {
  const seen = [];
  const watcher = (ws) => {
    seen.push(ws.url());
    ws.on('framesent', () => {});
    ws.on('framereceived', () => {});
  };
  api.on('websocket', watcher);
  await churn(url, n, batch);
  await collectGarbage(api);
  const base = counts(api);
  const out = [];
  for (let round = 1; round <= 4; round++) {
    const echoed = await churn(url, n, batch);
    out.push(`round ${round}: ${echoed}/${n} echoed, ${held(api, base)}`);
  }
  const before = counts(api).heap;
  const gc = await collectGarbage(api);
  const after = counts(api);
  const perSocket = (after.heap - base.heap) / (4 * n);
  const bound = HEAP_PER_SOCKET_AFTER_GC;
  console.log(
    `wsroute leak check ${url}: ${4 * n} sockets, heap ${base.heap} -> ${before} (before GC) -> ${after.heap} ` +
      `(gc=${gc}): ${perSocket.toFixed(1)} B per socket, bound ${bound}`,
  );
  out.push(`observed ${seen.length} sockets`);
  out.push(`garbage collected: ${gc}`);
  out.push(`heap per socket within the bound after GC: ${perSocket <= bound}`);
  out.push(`observers after GC: ${after.observers - base.observers}`);
  api.off('websocket', watcher);
  // Unobserved, every socket still held by the page (and every route object
  // by the route, where the scenario keeps them), before any collection: a
  // finished socket's backend is gone (counted by its Drop), its route
  // objects have let go of their wasm half, and the heap is back where it
  // was. (An observer is the test's to keep: its state lives until it is
  // collected, as Playwright's objects stay usable after close.)
  const kept = [];
  const echoed = await churn(url, n, batch, kept);
  const held5 = held(api, after);
  const perSocketHeld = (counts(api).heap - after.heap) / n;
  console.log(`wsroute leak check ${url}: ${n} unobserved sockets still held: ${perSocketHeld.toFixed(1)} B per socket`);
  out.push(`unobserved, still held: ${echoed}/${n} echoed, ${held5}`);
  out.push(`unobserved, still held: heap per socket within the bound: ${perSocketHeld <= bound}`);
  out.push(`unobserved, still held: closed sockets still answer: ${closedAnswers(kept)}`);
  return out;
}

// Whether every socket in `sockets` (all closed, their backends let go)
// still answers as a closed socket: its URL, CLOSED, bytes sent after close
// counted, binaryType kept or ignored, close()'s arguments still checked.
function closedAnswers(sockets) {
  return sockets.every((ws, i) => {
    if (i % 97 !== 0) return ws.readyState === WebSocket.CLOSED && ws.url !== '';
    const before = ws.bufferedAmount;
    ws.send('abc');
    ws.binaryType = 'blob';
    ws.binaryType = 'bogus';
    let threw = '';
    try {
      ws.close(1);
    } catch (e) {
      threw = e.name;
    }
    ws.close();
    return ws.readyState === WebSocket.CLOSED && ws.bufferedAmount === before + 3 &&
      ws.binaryType === 'blob' && threw === 'InvalidAccessError' && ws.protocol === '' && ws.extensions === '';
  });
}

export async function mockedSocketsReleaseEverything(api) {
  const routes = [];
  api.routeWebSocket('wss://example.test/leak', (route) => {
    routes.push(route);
    route.onMessage((m) => route.send(m));
  });
  const out = await leakCheck(api, 'wss://example.test/leak', 2000, 200);
  out.push(`routes of finished sockets still answer: ${await finishedRoutesAnswer(routes, 'wss://example.test/leak')}`);
  return out;
}

// Whether every route in `routes` (all of finished sockets, their wasm half
// let go) still answers as such a route: its URL and protocols; send(),
// onMessage() and onClose() accepted and doing nothing; close()'s options
// still checked; connectToServer() on the page side only.
async function finishedRoutesAnswer(routes, url) {
  for (let i = 0; i < routes.length; i += 97) {
    const route = routes[i];
    const p = route.protocols();
    p.push('x');
    if (route.url() !== url || route.protocols().length !== 0) return `route ${i}: url ${route.url()}`;
    route.send('late');
    route.onMessage(() => {});
    route.onClose(() => {});
    await route.close();
    const bad = await route.close({ code: 1 }).then(() => 'resolved', (e) => e.name);
    if (bad !== 'RangeError') return `route ${i}: close({ code: 1 }) ${bad}`;
    const server = route.connectToServer();
    server.send('late');
    let again = '';
    try {
      server.connectToServer();
    } catch (e) {
      again = e.message;
    }
    if (!again) return `route ${i}: the server side connected`;
  }
  return routes.length > 0;
}

export async function passthroughAndConnectedSocketsReleaseEverything(api, echo) {
  api.routeWebSocket(`${echo}/echo?connected`, (route) => {
    route.connectToServer();
  });
  // Chromium throttles WebSocket handshakes to one host, so fewer here.
  const direct = await leakCheck(api, `${echo}/echo?direct`, 60, 10);
  const connected = await leakCheck(api, `${echo}/echo?connected`, 60, 10);
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
  api.routeWebSocket('wss://example.test/many/**', (route) => {
    route.onMessage((m) => route.send(`${m}!`));
  });
  const base = counts(api);
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

