// HAR record and replay as a page sees them: a session recorded live (real
// echo server, a connected route, a mock) replays with the same event log;
// the k-th socket gets the k-th entry; notFound both ways; a mismatch closes
// with 1011 and says so on the console; a custom match; recorded timing;
// bad logs throw before anything is routed; unrouteAll; the fixtures of
// Chrome DevTools, mitmproxy and Playwright replay.
import { recorder, waitFor, within, delay } from './harness.js';

const TIMEOUT = 10000;
const T0 = 1764669600; // seconds since the epoch

// The page talks: text and binary out, both echoes back, then it closes.
async function talk(url, protocols) {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  let got = 0;
  const echoes = new Promise((resolve) => ws.addEventListener('message', () => ++got === 2 && resolve()));
  await within(TIMEOUT, waitFor(ws, 'open'), `open ${url}`);
  ws.send('hello');
  ws.send(new Uint8Array([0, 1, 2, 255]));
  await within(TIMEOUT, echoes, `two echoes from ${url}`);
  ws.close(1000, 'bye');
  await within(TIMEOUT, log.closed, `close of ${url}`);
  return log.settle();
}

// The page listens: says hello, waits for the server to close.
async function listen(url, protocols) {
  const ws = new WebSocket(url, protocols);
  const log = recorder(ws);
  ws.addEventListener('open', () => ws.send('hello'));
  await within(TIMEOUT, log.closed, `close of ${url}`);
  return log.settle();
}

// Every event, once: open, then a socket that never opens.
async function events(url, action) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  ws.addEventListener('open', () => action && action(ws));
  await within(TIMEOUT, log.closed, `close of ${url}`);
  return log.settle();
}

// The payload of a `message` line of a recorder log.
const payload = (line) => line.slice('message '.length).replace(/ \[object \w+\].*$/, '');

// Sends `text` and closes once something comes back.
const echoOnce = (text) => (ws) => {
  ws.addEventListener('message', () => ws.close());
  ws.send(text);
};

const frame = (type, t, data) =>
  typeof data === 'string'
    ? { type, time: T0 + t, opcode: 1, data }
    : { type, time: T0 + t, opcode: 2, data: btoa(String.fromCharCode(...data)) };

function harOf(entries) {
  return {
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: entries.map(([url, messages, close]) => ({
        startedDateTime: new Date(T0 * 1000).toISOString(),
        time: 0,
        request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [] },
        response: { status: 101, statusText: 'Switching Protocols' },
        _resourceType: 'websocket',
        _webSocketMessages: messages,
        ...(close ? { _webSocketClose: close } : {}),
      })),
    },
  };
}

const same = (a, b) => (JSON.stringify(a) === JSON.stringify(b) ? 'the same' : `different:\n${a.join('\n')}\n---\n${b.join('\n')}`);

function describeEntry(e) {
  const frames = (e._webSocketMessages || []).map((m) => `${m.type}:${m.opcode}:${m.data}:${typeof m.time}`);
  const protocols = e.request.headers.filter((h) => h.name === 'Sec-WebSocket-Protocol').map((h) => h.value);
  const close = e._webSocketClose ? JSON.stringify(e._webSocketClose) : 'no close';
  return `${e.request.url.replace(/:\d+\//, ':PORT/')} ${e._resourceType} ${e.request.method} ${e.response.status} ` +
    `[${protocols}] ${frames.join(' ')} ${close} date=${/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.startedDateTime)}`;
}

export async function recordedSessionsReplayAsLive(api, echo) {
  const direct = `${echo}/echo`;
  const connected = `${echo}/echo?connected`;
  const mock = 'wss://mock.test/chat';
  api.routeWebSocket(connected, (route) => {
    route.connectToServer();
  });
  api.routeWebSocket(mock, (route) => {
    route.send('welcome');
    route.onMessage((m) => {
      route.send(`you said ${m}`);
      route.close({ code: 4000, reason: 'done' });
    });
  });
  const rec = api.recordHAR();
  const live = {
    direct: await talk(direct),
    connected: await talk(connected),
    mock: await listen(mock, ['chat', 'v2']),
  };
  const har = rec.stop();
  // Sockets after stop() are not recorded.
  await talk(direct);
  const out = [`entries: ${har.log.entries.length}`, `version ${har.log.version} creator ${har.log.creator.name}`];
  for (const e of har.log.entries) out.push(describeEntry(e));

  api.unrouteAll();
  api.routeFromHAR(JSON.stringify(har));
  out.push(`direct: live and replayed logs are ${same(live.direct, await talk(direct))}`);
  out.push(`connected: live and replayed logs are ${same(live.connected, await talk(connected))}`);
  out.push(`mock: live and replayed logs are ${same(live.mock, await listen(mock, ['chat', 'v2']))}`);
  return out;
}

export async function kthSocketGetsKthEntry(api) {
  api.routeFromHAR(harOf([
    ['ws://a.test/feed', [frame('receive', 0, 'first')]],
    ['ws://a.test/other', [frame('receive', 0, 'other')]],
    ['ws://a.test/feed', [frame('receive', 0, 'second'), frame('receive', 0.1, new Uint8Array([7, 8]))]],
  ]));
  const out = [];
  for (const url of ['ws://a.test/feed', 'ws://a.test/feed', 'ws://a.test/feed', 'ws://a.test/other']) {
    const log = await events(url, (ws) => setTimeout(() => ws.close(), 50));
    out.push(log.filter((l) => l.startsWith('message')).map(payload).join(' '));
  }
  return out;
}

export async function notFoundAbortsOrFallsBack(api, echo) {
  const har = harOf([['ws://a.test/feed', [frame('receive', 0, 'recorded')]]]);
  api.routeFromHAR(har);
  const out = [];
  const aborted = await events('ws://a.test/unrecorded');
  out.push(`abort: ${aborted.map((l) => l.replace(/ \[object \w+\]/, '')).join(' | ')}`);
  api.unrouteAll();

  api.routeWebSocket('ws://a.test/unrecorded', (route) => route.send('older route'));
  api.routeFromHAR(har, { notFound: 'fallback' });
  const older = await events('ws://a.test/unrecorded', (ws) => setTimeout(() => ws.close(), 50));
  out.push(`fallback to an older route: ${older.filter((l) => l.startsWith('message')).map(payload)}`);
  const passed = await events(`${echo}/echo`, echoOnce('to the real server'));
  out.push(`fallback to the network: ${passed.filter((l) => l.startsWith('message')).map(payload)}`);
  const recorded = await events('ws://a.test/feed', (ws) => setTimeout(() => ws.close(), 50));
  out.push(`recorded URL still replays: ${recorded.filter((l) => l.startsWith('message')).map(payload)}`);
  return out;
}

// Runs `f` with console.error captured.
async function consoleErrors(f) {
  const seen = [];
  const original = console.error;
  console.error = (...args) => seen.push(args.map(String).join(' '));
  try {
    await f();
  } finally {
    console.error = original;
  }
  return seen;
}

export async function aMismatchClosesWith1011(api) {
  api.routeFromHAR(harOf([
    ['ws://a.test/chat', [frame('receive', 0, 'welcome'), frame('send', 1, 'hello'), frame('receive', 1.1, 'hi')]],
  ]));
  let log;
  const errors = await consoleErrors(async () => {
    log = await events('ws://a.test/chat', (ws) => ws.send('HELLO'));
  });
  return [
    ...log.map((l) => l.replace(/ \[object \w+\]/, '')),
    `console: ${errors.filter((e) => e.includes('wsroute')).join(' / ')}`,
  ];
}

export async function aCustomMatchDecides(api) {
  const seen = [];
  api.routeFromHAR(harOf([['ws://a.test/chat', [frame('send', 1, 'hello'), frame('receive', 1.1, 'hi')]]]), {
    match: (recorded, actual) => {
      seen.push(`${recorded}/${actual}`);
      return recorded.toLowerCase() === actual.toLowerCase();
    },
  });
  const log = await events('ws://a.test/chat', (ws) => {
    ws.send('HELLO');
    ws.onmessage = () => ws.close();
  });
  return [`match saw ${seen}`, `page got ${log.filter((l) => l.startsWith('message')).map(payload)}`];
}

export async function recordedTimingKeepsTheGaps(api) {
  const har = harOf([['ws://a.test/slow', [frame('send', 1, 'go'), frame('receive', 1.3, 'late')]]]);
  const out = [];
  for (const timing of ['none', 'recorded']) {
    api.unrouteAll();
    api.routeFromHAR(har, { timing });
    const ws = new WebSocket('ws://a.test/slow');
    await within(TIMEOUT, waitFor(ws, 'open'), 'open');
    const t0 = performance.now();
    ws.send('go');
    await within(TIMEOUT, waitFor(ws, 'message'), 'message');
    const ms = performance.now() - t0;
    ws.close();
    out.push(`${timing}: ${timing === 'none' ? `under 250 ms ${ms < 250}` : `at least 300 ms ${ms >= 298}`}`);
  }
  return out;
}

export async function badLogsThrowAndRouteNothing(api, echo) {
  const good = ['ws://a.test/feed', [frame('receive', 0, 'x')]];
  const attempts = [
    ['not JSON', '{"log": '],
    ['not a HAR', {}],
    ['entries not an array', { log: { entries: 3 } }],
    ['bad base64', harOf([good, [`${echo}/echo`, [{ type: 'receive', time: T0, opcode: 2, data: '%%' }]]])],
    ['bad opcode', harOf([good, [`${echo}/echo`, [{ type: 'receive', time: T0, opcode: 8, data: '' }]]])],
    ['bad frame field', harOf([good, [`${echo}/echo`, [{ type: 'receive', time: { when: 'now' }, opcode: 1, data: '' }]]])],
    ['bad URL', harOf([good, ['ftp://a.test/x', []]])],
    ['bad option', harOf([good]), { notFound: 'ignore' }],
  ];
  const out = [];
  for (const [what, har, options] of attempts) {
    try {
      api.routeFromHAR(har, options);
      out.push(`${what}: accepted`);
    } catch (e) {
      // The JSON parser's own words differ between browsers.
      out.push(`${what}: ${e.constructor.name}: ${e.message.replace(/:\d+\//, ':PORT/').replace(/SyntaxError.*/, 'SyntaxError')}`);
    }
  }
  // Nothing was routed: the echo server's URL passes through to it.
  const passed = await events(`${echo}/echo`, echoOnce('still real'));
  out.push(`after the errors: ${passed.filter((l) => l.startsWith('message')).map(payload)}`);
  return out;
}

export async function unrouteAllRemovesTheReplay(api, echo) {
  api.routeFromHAR(harOf([[`${echo}/echo`, [frame('receive', 0, 'recorded')]]]));
  const replayed = await events(`${echo}/echo`, (ws) => setTimeout(() => ws.close(), 50));
  api.unrouteAll();
  const real = await events(`${echo}/echo`, echoOnce('real'));
  return [
    `while routed: ${replayed.filter((l) => l.startsWith('message')).map(payload)}`,
    `after unrouteAll: ${real.filter((l) => l.startsWith('message')).map(payload)}`,
  ];
}

export async function fixturesReplay(api, echo, fixtures) {
  const out = [];
  for (const [name, text, url] of fixtures) {
    api.unrouteAll();
    api.routeFromHAR(text);
    const log = await talk(url);
    out.push(`${name}: ${log.map((l) => l.replace(/ \[object \w+\]/, '').split(' ').slice(0, 2).join(' ')).join(', ')}`);
  }
  return out;
}

export { delay };
