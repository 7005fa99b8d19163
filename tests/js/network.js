// Network conditions as a page measures them: latency, throughput, offline,
// scoping and removal, and bad values. Timing bounds are wide (these machines
// are noisy); the exact rules are proven on the host with a virtual clock.
import { within, delay, nextTask } from './harness.js';

const TIMEOUT = 15000;
// Timers may fire a little late, never early; allow rounding.
const EARLY = 2;

const opened = (ws) => within(TIMEOUT, new Promise((resolve, reject) => {
  ws.addEventListener('open', resolve, { once: true });
  ws.addEventListener('close', (e) => reject(new Error(`closed ${e.code} before open`)), { once: true });
}), 'open');
const message = (ws) => within(TIMEOUT, new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data), { once: true })), 'message');
const closed = (ws) => within(TIMEOUT, new Promise((resolve) => ws.addEventListener('close', resolve, { once: true })), 'close');

function echoRoute(api, url, log) {
  api.routeWebSocket(url, (route) => {
    route.onMessage((m) => route.send(m));
    route.onClose((code, reason) => {
      if (log) log.push(`route heard close ${code}`);
      route.close({ code, reason });
    });
  });
}

// Time to open, and one round trip, for a socket to `url`.
async function timings(url) {
  const t0 = performance.now();
  const ws = new WebSocket(url);
  await opened(ws);
  const open = performance.now() - t0;
  const t1 = performance.now();
  ws.send('ping');
  await message(ws);
  const roundTrip = performance.now() - t1;
  ws.close();
  await closed(ws);
  return { open, roundTrip };
}

export async function latencyOnEveryKindOfSocket(api, echo) {
  const LATENCY = 150;
  echoRoute(api, 'wss://example.test/mock');
  api.routeWebSocket(`${echo}/echo?connected`, (route) => {
    route.connectToServer();
  });
  const out = [];
  for (const [kind, url] of [
    ['mock', 'wss://example.test/mock'],
    ['connected', `${echo}/echo?connected`],
    ['pass-through', `${echo}/echo?direct`],
  ]) {
    const before = await timings(url);
    api.setNetworkConditions({ latency: LATENCY });
    const after = await timings(url);
    api.setNetworkConditions(null);
    const undone = await timings(url);
    out.push(
      `${kind}: open >= latency ${after.open >= LATENCY - EARLY}, ` +
        `round trip >= 2 x latency ${after.roundTrip >= 2 * LATENCY - EARLY}, ` +
        `slower than without ${after.roundTrip > before.roundTrip}, ` +
        `removed with null ${undone.roundTrip < LATENCY}`,
    );
    console.log(`wsroute network ${kind}: ${JSON.stringify({ before, after, undone })}`);
  }
  return out;
}

export async function throughputBothWays(api) {
  const out = [];
  echoRoute(api, 'wss://example.test/slow');
  // 20,000 B/s up: 10,000 bytes leave in about 500 ms.
  api.setNetworkConditions({ uploadThroughput: 20000, downloadThroughput: 20000 });
  const ws = new WebSocket('wss://example.test/slow');
  ws.binaryType = 'arraybuffer';
  await opened(ws);
  const t0 = performance.now();
  ws.send(new Uint8Array(10000));
  out.push(`bufferedAmount right after send: ${ws.bufferedAmount}`);
  const half = [];
  while (ws.bufferedAmount > 0) {
    half.push(ws.bufferedAmount);
    await delay(20);
  }
  const drained = performance.now() - t0;
  out.push(`drained at about the rate: ${drained >= 500 - EARLY && drained < 5000}`);
  out.push(`bufferedAmount stayed 10000 until the bytes left: ${half.every((b) => b === 10000)}`);
  // The echo comes back at 20,000 B/s too: about 500 ms more.
  const got = await message(ws);
  const back = performance.now() - t0;
  out.push(`echo of ${got.byteLength} bytes after both ways: ${back >= 1000 - EARLY && back < 8000}`);
  console.log(`wsroute network throughput: drained ${drained} ms, echoed ${back} ms`);
  ws.close();
  await closed(ws);
  api.setNetworkConditions(null);
  return out;
}

async function offlineWhileOpen(api, kind, url) {
  const ws = new WebSocket(url);
  const events = [];
  ws.onerror = () => events.push('error');
  ws.onclose = (e) => events.push(`close ${e.code} clean=${e.wasClean}`);
  await opened(ws);
  api.setOffline(true);
  await closed(ws);
  api.setOffline(false);
  return `${kind} open: ${events.join(', ')} rs=${ws.readyState}`;
}

export async function offlineOnEveryKindOfSocket(api, echo) {
  const heard = [];
  echoRoute(api, 'wss://example.test/mock', heard);
  api.routeWebSocket(`${echo}/echo?connected`, (route) => {
    const server = route.connectToServer();
    server.onClose((code) => heard.push(`server side closed ${code}`));
  });
  const out = [
    await offlineWhileOpen(api, 'mock', 'wss://example.test/mock'),
    await offlineWhileOpen(api, 'connected', `${echo}/echo?connected`),
    await offlineWhileOpen(api, 'pass-through', `${echo}/echo?direct`),
  ];
  await delay(50);
  out.push(`the route heard: ${heard.join(', ')}`);

  // Connecting: latency holds the open back; offline comes first.
  api.setNetworkConditions({ latency: 500 });
  const connecting = new WebSocket('wss://example.test/mock');
  const events = [];
  connecting.onopen = () => events.push('open');
  connecting.onerror = () => events.push('error');
  await delay(50);
  api.setOffline(true);
  const e = await closed(connecting);
  out.push(`connecting: ${[...events, `close ${e.code}`].join(', ')}`);

  // Created offline: never opens, and its route never hears of it.
  let handled = 0;
  api.routeWebSocket('wss://example.test/unreached', () => {
    handled++;
  });
  for (const url of ['wss://example.test/unreached', `${echo}/echo?direct`]) {
    const late = new WebSocket(url);
    const seen = [];
    late.onopen = () => seen.push('open');
    late.onerror = () => seen.push('error');
    const c = await closed(late);
    out.push(`created offline (${url.startsWith('wss') ? 'mock' : 'pass-through'}): ${[...seen, `close ${c.code}`].join(', ')}`);
  }
  out.push(`handler ran: ${handled}`);

  // Back online: nothing is repaired, new sockets work.
  api.setOffline(false);
  api.setNetworkConditions(null);
  const again = new WebSocket('wss://example.test/mock');
  await opened(again);
  again.send('back');
  out.push(`online again: ${await message(again)}`);
  again.close();
  return out;
}

export async function scopedByUrl(api, echo) {
  const LATENCY = 200;
  echoRoute(api, 'wss://example.test/**');
  api.setNetworkConditions({ latency: LATENCY }, { url: '**/slow' });
  api.setNetworkConditions({ offline: true }, { url: /\/gone$/ });
  const slow = await timings('wss://example.test/slow');
  const fast = await timings('wss://example.test/fast');
  const gone = new WebSocket('wss://example.test/gone');
  const g = await closed(gone);
  const out = [
    `matching url slowed: ${slow.roundTrip >= 2 * LATENCY - EARLY}`,
    `other url not: ${fast.roundTrip < LATENCY}`,
    `offline for one url only: close ${g.code}`,
  ];
  // null removes the conditions set with that same url, and only those.
  api.setNetworkConditions(null, { url: '**/slow' });
  const after = await timings('wss://example.test/slow');
  out.push(`removed for that url: ${after.roundTrip < LATENCY}`);
  const stillGone = new WebSocket('wss://example.test/gone');
  out.push(`the other url's conditions stay: close ${(await closed(stillGone)).code}`);
  api.setNetworkConditions(null, { url: /\/gone$/ });
  // The newest matching call decides.
  api.setNetworkConditions({ latency: LATENCY });
  api.setNetworkConditions({ latency: 0 }, { url: '**/fast' });
  const newest = await timings('wss://example.test/fast');
  out.push(`newest matching call decides: ${newest.roundTrip < LATENCY}`);
  api.setNetworkConditions(null);
  api.setNetworkConditions(null, { url: '**/fast' });
  return out;
}

// Conditions set with a url while sockets are open reach the open sockets
// that url matches, and only those: mocked and passed through alike.
export async function scopedConditionsReachOpenSockets(api, echo) {
  echoRoute(api, 'wss://example.test/**');
  const sockets = {
    'mock, matching': new WebSocket('wss://example.test/cut'),
    'mock, other': new WebSocket('wss://example.test/kept'),
    'pass-through, matching': new WebSocket(`${echo}/echo?cut`),
    'pass-through, other': new WebSocket(`${echo}/echo?kept`),
  };
  await Promise.all(Object.values(sockets).map(opened));
  const codes = {};
  for (const [name, ws] of Object.entries(sockets)) {
    ws.addEventListener('close', (e) => { codes[name] = e.code; });
  }
  api.setNetworkConditions({ offline: true }, { url: /cut$/ });
  await delay(300);
  const out = Object.entries(sockets).map(([name, ws]) => `${name}: ${codes[name] ? `close ${codes[name]}` : `open rs=${ws.readyState}`}`);
  api.setNetworkConditions(null, { url: /cut$/ });
  for (const ws of Object.values(sockets)) ws.close();
  return out;
}

// A socket no route takes and no condition reaches is the native socket
// itself, at native cost; it joins wsroute's link only once a condition
// reaches it (the count of routed sockets' state tells).
export async function unconditionedSocketsStayNative(api, echo) {
  const routed = () => api.debugStats().routedSockets;
  const base = routed();
  const ws = new WebSocket(`${echo}/echo?fast-path`);
  await opened(ws);
  const out = [`a new pass-through socket: routed +${routed() - base}`];
  api.setNetworkConditions({ latency: 20 }, { url: /elsewhere$/ });
  out.push(`conditions for another url: routed +${routed() - base}`);
  api.setNetworkConditions({ latency: 20 }, { url: /fast-path$/ });
  out.push(`conditions for its url: routed +${routed() - base}`);
  // From then on its sends go through the link too (2,000 B at 1,000 B/s).
  api.setNetworkConditions({ uploadThroughput: 1000 }, { url: /fast-path$/ });
  ws.send(new Uint8Array(2000));
  await delay(100);
  out.push(`a throttled send still buffered 100 ms later: ${ws.bufferedAmount > 0}`);
  api.setNetworkConditions(null, { url: /elsewhere$/ });
  api.setNetworkConditions(null, { url: /fast-path$/ });
  ws.close();
  await closed(ws);
  return out;
}

// A pass-through socket is the browser's own until a condition reaches it;
// from then on its events come over the link alone: every listener the page
// added before (a listener, an `onmessage` handler) hears each message once,
// after the latency, and the browser's own event never reaches them.
export async function conditionsTakeAnOpenSocketsEvents(api, echo) {
  const ws = new WebSocket(`${echo}/echo?taken`);
  await opened(ws);
  const heard = { listener: [], handler: [], trusted: 0 };
  ws.addEventListener('message', (e) => {
    heard.listener.push(e.data);
    if (e.isTrusted) heard.trusted++;
  });
  ws.onmessage = (e) => heard.handler.push(e.data);
  ws.send('before');
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('message', r, { once: true })));
  const trustedBefore = heard.trusted;
  api.setNetworkConditions({ latency: 150 }, { url: /taken$/ });
  const sent = performance.now();
  ws.send('after');
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('message', r, { once: true })));
  const took = performance.now() - sent;
  await delay(100);
  api.setNetworkConditions(null, { url: /taken$/ });
  ws.close();
  const closedCode = await within(TIMEOUT, new Promise((r) => ws.addEventListener('close', (e) => r(e.code), { once: true })));
  return [
    `listener heard ${heard.listener.join(',')}`,
    `handler heard ${heard.handler.join(',')}`,
    `the browser's own event before the condition: ${trustedBefore === 1}, after: ${heard.trusted === trustedBefore}`,
    `round trip >= 2 x latency (with a margin): ${took >= 250}`,
    `close ${closedCode}`,
  ];
}

export async function badValuesThrowAndChangeNothing(api) {
  const out = [];
  echoRoute(api, 'wss://example.test/mock');
  const cases = [
    [{ latency: -1 }],
    [{ latency: NaN }],
    [{ latency: '100' }],
    [{ downloadThroughput: -5 }],
    [{ uploadThroughput: Infinity }],
    [{ offline: 'yes' }],
    [5],
    [undefined],
    [{ latency: 10 }, 'not options'],
  ];
  for (const args of cases) {
    try {
      api.setNetworkConditions(...args);
      out.push(`${JSON.stringify(args)} -> no error`);
    } catch (e) {
      out.push(`${JSON.stringify(args)} -> ${e.name}: ${e.message}`);
    }
  }
  const t = await timings('wss://example.test/mock');
  out.push(`conditions unchanged: ${t.open < 100}`);
  return out;
}

// Fake timers installed after wsroute (as a test framework's would) do not
// freeze the link: it runs on the timers captured at install.
export async function fakeTimersDoNotFreezeTheLink(api) {
  echoRoute(api, 'wss://example.test/mock');
  api.setNetworkConditions({ latency: 50 });
  const realSetTimeout = globalThis.setTimeout;
  const realNow = performance.now;
  let fakeCalls = 0;
  globalThis.setTimeout = () => {
    fakeCalls++;
    return 0;
  };
  performance.now = () => 0;
  let result;
  try {
    const ws = new WebSocket('wss://example.test/mock');
    const ok = await Promise.race([
      new Promise((resolve) => ws.addEventListener('open', () => resolve(true), { once: true })),
      new Promise((resolve) => realSetTimeout(() => resolve(false), 5000)),
    ]);
    result = `opened through the latency with fake timers: ${ok}, fake timer used: ${fakeCalls > 0}`;
    ws.close();
  } finally {
    globalThis.setTimeout = realSetTimeout;
    performance.now = realNow;
  }
  api.setNetworkConditions(null);
  await nextTask();
  return [result];
}
