// Observer scenarios (Playwright's WebSocket class) through the JS API.
import { within, nextTask, hex } from './harness.js';

const TIMEOUT = 10000;

function describe(value) {
  if (value && typeof value === 'object' && 'payload' in value) {
    const p = value.payload;
    return typeof p === 'string' ? `text:${JSON.stringify(p)}` : `binary:${hex(p)} ${p instanceof ArrayBuffer}`;
  }
  return String(value);
}

// Attaches a logging listener for every observer event. Frames are kept per
// direction (how sends and replies interleave with a Blob being read is timing),
// and the causal rule is checked: the i-th reply is observed after the i-th send.
function watch(api, log) {
  const onSocket = (ws) => {
    const sent = [];
    const received = [];
    const order = [];
    log.push(`websocket ${ws.url()} closed=${ws.isClosed()}`);
    ws.on('framesent', (f) => {
      sent.push(describe(f));
      order.push('s');
    });
    ws.on('framereceived', (f) => {
      received.push(describe(f));
      order.push('r');
    });
    ws.on('socketerror', (e) => log.push(`  socketerror ${typeof e}`));
    ws.on('close', (o) => {
      let s = 0;
      let r = 0;
      let causal = true;
      for (const k of order) {
        if (k === 's') s++;
        else if (++r > s) causal = false;
      }
      log.push(`  sent ${sent.join(', ')}`);
      log.push(`  received ${received.join(', ')}`);
      log.push(`  replies observed after their sends: ${causal}`);
      log.push(`  close same=${o === ws} closed=${o.isClosed()}`);
    });
  };
  api.on('websocket', onSocket);
  return { stop: () => api.off('websocket', onSocket) };
}

// A page-side client: sends text, bytes and a Blob, then closes after `replies` messages.
async function client(url, log, replies) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const page = [];
  let n = 0;
  ws.onopen = () => {
    page.push('open');
    ws.send('hello');
    ws.send(new Uint8Array([1, 2, 3]).subarray(1));
    ws.send(new Blob(['blob']));
    ws.send('after blob');
  };
  ws.onmessage = (e) => {
    page.push(typeof e.data === 'string' ? e.data : hex(e.data));
    if (++n === replies) ws.close(3000, 'done');
  };
  ws.onerror = () => page.push('error');
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('close', (e) => r(page.push(`close ${e.code}`)))), url);
  log.push(`  page: ${page.join(', ')}`);
  await nextTask();
}

export async function everySocketIsObserved(api, echo) {
  const log = [];
  const w = watch(api, log);
  api.routeWebSocket('wss://example.test/mock', (route) => {
    route.onMessage((m) => route.send(typeof m === 'string' ? m.toUpperCase() : m));
  });
  api.routeWebSocket(`${echo}/echo?routed`, (route) => {
    route.connectToServer();
  });
  await client('wss://example.test/mock', log, 4);
  await client(`${echo}/echo?routed`, log, 4);
  await client(`${echo}/echo?direct`, log, 4);
  await client(`${echo}/reject`, log, 4);
  api.routeWebSocket('wss://example.test/throws', () => {
    throw new Error('nope');
  });
  await client('wss://example.test/throws', log, 4);
  w.stop();
  const before = log.length;
  await client('wss://example.test/mock', [], 4);
  log.push(`after off: ${log.length - before} entries`);
  return log.map((l) => l.replace(echo, 'ECHO'));
}

export async function waitForEventResolvesAndRejects(api, echo) {
  const out = [];
  api.routeWebSocket('wss://example.test/wait', (route) => {
    route.onMessage((m) => {
      if (m === 'fail') route.close({ code: 1006 });
      else if (m === 'close') route.close({ code: 4000 });
      else route.send(`re:${m}`);
    });
  });
  const next = api.waitForEvent('websocket', { predicate: (ws) => ws.url().endsWith('/wait'), timeout: 5000 });
  const ws = new WebSocket('wss://example.test/wait');
  const obs = await next;
  out.push(`got observer ${obs.url()}`);
  // A wait set up before the action sees the frame the action causes.
  const sent = obs.waitForEvent('framesent', (f) => f.payload === 'two');
  const received = obs.waitForEvent('framereceived', { predicate: async (f) => (await nextTask(), f.payload === 're:two') });
  await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'open');
  ws.send('one');
  ws.send('two');
  out.push(`framesent -> ${describe(await sent)}`);
  out.push(`framereceived -> ${describe(await received)}`);
  const t0 = performance.now();
  const timedOut = await obs.waitForEvent('framereceived', { timeout: 50 }).catch((e) => e);
  out.push(`timeout -> ${timedOut.name}: ${timedOut.message} (waited >= 50ms: ${performance.now() - t0 >= 45})`);
  const onClose = obs.waitForEvent('framereceived');
  const closeEvent = obs.waitForEvent('close');
  ws.send('close');
  out.push(`closed first -> ${await onClose.catch((e) => e.message)}`);
  out.push(`close -> same observer: ${(await closeEvent) === obs}, isClosed=${obs.isClosed()}`);

  const next2 = api.waitForEvent('websocket');
  const ws2 = new WebSocket('wss://example.test/wait');
  const obs2 = await next2;
  const errorFirst = obs2.waitForEvent('framereceived', { timeout: 0 });
  const socketError = obs2.waitForEvent('socketerror');
  await within(TIMEOUT, new Promise((r) => (ws2.onopen = r)), 'open 2');
  ws2.send('fail');
  out.push(`error first -> ${await errorFirst.catch((e) => e.message)}`);
  out.push(`socketerror -> ${await socketError}`);
  out.push(`bad event -> ${(() => { try { obs2.on('nope', () => {}); return 'no error'; } catch (e) { return e.name; } })()}`);
  const noSocket = await api.waitForEvent('websocket', { timeout: 30 }).catch((e) => `${e.name}: ${e.message}`);
  out.push(`no socket -> ${noSocket}`);
  return out;
}

export async function listenerErrorsDoNotBreakTheSocket(api, echo) {
  const log = [];
  const throwing = (ws) => {
    ws.on('framesent', () => {
      throw new Error('listener bug');
    });
    throw new Error('websocket listener bug');
  };
  api.on('websocket', throwing);
  const ws = new WebSocket(`${echo}/echo`);
  ws.onopen = () => ws.send('still works');
  ws.onmessage = (e) => {
    log.push(`echo ${e.data}`);
    ws.close();
  };
  await within(TIMEOUT, new Promise((r) => (ws.onclose = r)), 'listener errors');
  api.off('websocket', throwing);
  return log;
}

