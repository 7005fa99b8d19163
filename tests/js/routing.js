// Routing scenarios through the JavaScript API (`wsroute.routeWebSocket`).
// Each returns its whole log; the Rust tests assert it.
import { recorder, within, nextTask, delay, hex, errorName, NativeWebSocket } from './harness.js';

const TIMEOUT = 10000;

async function settleAfterClose(ws, log, what) {
  await within(TIMEOUT, log.closed, what);
  await nextTask();
  return log.settle();
}

// Mock server that answers; open fires after the handler returned.
export async function mockEcho(api) {
  const calls = [];
  api.routeWebSocket('wss://example.test/ws', (route) => {
    calls.push(`handler url=${route.url()} protocols=${route.protocols().join('|')}`);
    route.onMessage((m) => {
      calls.push(`route got ${typeof m === 'string' ? `text:${m}` : `binary:${hex(m)} ${m instanceof ArrayBuffer}`}`);
      route.send(typeof m === 'string' ? `echo:${m}` : m);
    });
    calls.push('handler returns');
  });
  const ws = new WebSocket('wss://example.test/ws', ['p1', 'p2']);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  calls.push(`sync after constructor rs=${ws.readyState}`);
  let n = 0;
  ws.onopen = () => {
    ws.send('hi');
    ws.send(new Uint8Array([1, 2, 255]).subarray(1));
    log.note(`buffered=${ws.bufferedAmount}`);
  };
  ws.onmessage = () => {
    if (++n === 2) ws.close(3000, 'done');
  };
  const events = await settleAfterClose(ws, log, 'mockEcho');
  return [...calls, ...events];
}

export async function asyncHandlerOpensAfterResolve(api) {
  const log = [];
  api.routeWebSocket('wss://example.test/async', async (route) => {
    log.push('handler start');
    await delay(20);
    log.push('handler resolved');
  });
  const ws = new WebSocket('wss://example.test/async');
  ws.onopen = () => {
    log.push('open');
    ws.close();
  };
  await within(TIMEOUT, new Promise((r) => (ws.onclose = (e) => r(log.push(`close ${e.code} ${e.wasClean}`)))), 'async');
  return log;
}

export async function routeSendBeforeOpen(api) {
  api.routeWebSocket('wss://example.test/push', (route) => {
    route.send('pushed-1');
    route.send(new Uint8Array([7]));
    route.close({ code: 4000, reason: 'bye' });
  });
  const ws = new WebSocket('wss://example.test/push');
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  return settleAfterClose(ws, log, 'routeSendBeforeOpen');
}

export async function routeCloseVariants(api) {
  const out = [];
  const variants = [undefined, {}, { code: 1008, reason: 'policy' }, { code: 1005 }, { code: 1006 }, { code: 4999, reason: 'x' }];
  for (const [i, opts] of variants.entries()) {
    api.routeWebSocket(`wss://example.test/close${i}`, (route) => {
      route.onMessage(() => route.close(opts));
    });
    const ws = new WebSocket(`wss://example.test/close${i}`);
    const log = recorder(ws, JSON.stringify(opts) ?? 'undefined');
    ws.onopen = () => ws.send('close me');
    out.push(...(await settleAfterClose(ws, log, `routeClose ${i}`)));
  }
  return out;
}

export async function refuseConnection(api) {
  api.routeWebSocket('wss://example.test/refuse', (route) => route.close({ code: 1006 }));
  const ws = new WebSocket('wss://example.test/refuse');
  return settleAfterClose(ws, recorder(ws), 'refuse');
}

export async function pageCloseWithoutOnClose(api) {
  api.routeWebSocket('wss://example.test/pc', () => {});
  const out = [];
  for (const args of [[], [3001], [3002, 'why']]) {
    const ws = new WebSocket('wss://example.test/pc');
    const log = recorder(ws, JSON.stringify(args));
    ws.onopen = () => ws.close(...args);
    out.push(...(await settleAfterClose(ws, log, 'pageClose')));
  }
  return out;
}

export async function pageCloseWithOnClose(api) {
  const out = [];
  api.routeWebSocket('wss://example.test/oc', (route) => {
    route.onClose((code, reason) => {
      out.push(`onClose ${code} ${reason}`);
      setTimeout(() => {
        out.push(`page rs before route close=${ws.readyState}`);
        route.close({ code: 4001, reason: 'acknowledged' });
      }, 10);
    });
  });
  const ws = new WebSocket('wss://example.test/oc');
  const log = recorder(ws);
  ws.onopen = () => {
    ws.close();
    ws.close(3000, 'second close is ignored');
  };
  out.push(...(await settleAfterClose(ws, log, 'onClose')));
  return out;
}

export async function unmatchedMessagesAreDropped(api) {
  api.routeWebSocket('wss://example.test/drop', (route) => {
    setTimeout(() => route.send('still alive'), 30);
  });
  const ws = new WebSocket('wss://example.test/drop');
  const log = recorder(ws);
  ws.onopen = () => ws.send('nobody listens');
  ws.onmessage = () => ws.close();
  return settleAfterClose(ws, log, 'dropped');
}

export async function handlerThrows(api) {
  api.routeWebSocket('wss://example.test/throw', () => {
    throw new Error('boom');
  });
  api.routeWebSocket('wss://example.test/reject', async () => {
    await nextTask();
    throw new Error('async boom');
  });
  const out = [];
  for (const path of ['throw', 'reject']) {
    const ws = new WebSocket(`wss://example.test/${path}`);
    out.push(...(await settleAfterClose(ws, recorder(ws, path), path)));
  }
  return out;
}

export async function newestRouteWins(api) {
  const out = [];
  api.routeWebSocket('wss://example.test/**', (route) => {
    out.push(`old route ${route.url()}`);
  });
  api.routeWebSocket(/example\.test\/new/, (route) => {
    out.push(`regex route ${route.url()}`);
  });
  api.routeWebSocket((url) => url.pathname === '/fn', (route) => {
    out.push(`predicate route ${route.url()}`);
  });
  for (const path of ['new', 'fn', 'other']) {
    const ws = new WebSocket(`wss://example.test/${path}`);
    await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), path);
    ws.close();
  }
  api.unrouteWebSocket(/example\.test\/new/);
  const ws = new WebSocket('wss://example.test/new');
  await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'after unroute');
  ws.close();
  return out;
}

export async function routesApplyToLaterSockets(api) {
  const out = [];
  const early = new WebSocket('wss://example.test/late');
  api.routeWebSocket('wss://example.test/late', () => out.push('handler ran'));
  const late = new WebSocket('wss://example.test/late');
  await within(TIMEOUT, new Promise((r) => (late.onopen = r)), 'late');
  late.close();
  await within(TIMEOUT, new Promise((r) => (early.onclose = r)), 'early fails: example.test resolves nowhere');
  out.push(`early socket failed rs=${early.readyState}`);
  return out;
}

export async function connectWithHandlers(api, echo) {
  // Each direction is logged on its own: their interleaving is network timing.
  const out = [];
  const up = [];
  const down = [];
  api.routeWebSocket(`${echo}/echo`, (route) => {
    const server = route.connectToServer();
    out.push(`second connect: ${errorMessage(() => route.connectToServer())}`);
    out.push(`server-side connect: ${errorMessage(() => server.connectToServer())}`);
    route.onMessage((m) => {
      up.push(`page->server ${m}`);
      if (m === 'block') return;
      server.send(`${m}+modified`);
    });
    server.onMessage((m) => {
      down.push(`server->page ${m}`);
      route.send(`${m}+back`);
    });
    server.send('early from route'); // queued until the server opens
  });
  const ws = new WebSocket(`${echo}/echo`, ['chat']);
  const log = recorder(ws);
  let n = 0;
  ws.onopen = () => {
    ws.send('one');
    ws.send('block');
    ws.send('two');
  };
  ws.onmessage = () => {
    if (++n === 3) ws.close(3009, 'x');
  };
  const events = await settleAfterClose(ws, log, 'connectWithHandlers');
  return [...out, ...up, ...down, ...events];
}

export async function connectUpstreamFailure(api, echo) {
  const out = [];
  api.routeWebSocket(`${echo}/reject`, (route) => {
    route.connectToServer();
  });
  api.routeWebSocket(`${echo}/drop`, (route) => {
    const server = route.connectToServer();
    server.onClose((code, reason) => {
      out.push(`server onClose ${code} ${JSON.stringify(reason)}`);
      route.close({ code: 4002, reason: 'upstream gone' });
    });
  });
  for (const path of ['reject', 'drop']) {
    const ws = new WebSocket(`${echo}/${path}`);
    out.push(...(await settleAfterClose(ws, recorder(ws, path), path)));
  }
  return out;
}

export async function routeClosesWhileConnected(api, echo) {
  let log;
  const serverLog = [];
  let serverClosed;
  const serverDone = new Promise((r) => (serverClosed = r));
  api.routeWebSocket(`${echo}/echo?rc`, (route) => {
    const server = route.connectToServer();
    // The page's close task and the real socket's closing handshake race:
    // only that both happen is specified, so the server's close is logged apart.
    server.onClose((code, reason) => {
      serverLog.push(`server closed ${code} ${reason}`);
      serverClosed();
    });
    route.onMessage((m) => {
      if (m === 'please close') route.close({ code: 3009, reason: 'x' });
    });
  });
  const ws = new WebSocket(`${echo}/echo?rc`);
  log = recorder(ws);
  ws.onopen = () => ws.send('please close');
  await within(TIMEOUT, serverDone, 'server side closed');
  return [...(await settleAfterClose(ws, log, 'routeClosesWhileConnected')), ...serverLog];
}

export async function reentrancy(api) {
  const out = [];
  api.routeWebSocket('wss://example.test/re', (route) => {
    route.onMessage((m) => {
      out.push(`route got ${m}`);
      route.send(`reply to ${m}`);
      if (m === 'last') {
        route.send('before close');
        route.close({ code: 4100, reason: 'from onMessage' });
        route.send('after close is dropped');
        route.close({ code: 4200 });
      }
    });
  });
  const ws = new WebSocket('wss://example.test/re');
  const log = recorder(ws);
  ws.onmessage = (e) => {
    if (e.data === 'reply to first') {
      ws.send('second');
      ws.send('last');
    }
  };
  ws.onopen = () => ws.send('first');
  ws.onclose = () => {
    ws.close(); // no effect, no throw
    ws.send('after close');
  };
  out.push(...(await settleAfterClose(ws, log, 'reentrancy')));
  return out;
}

export async function closeFromOnOpenAndOnClose(api) {
  api.routeWebSocket('wss://example.test/oo', (route) => {
    route.onClose((code) => {
      route.close({ code });
      route.close({ code: 4000 });
    });
  });
  const ws = new WebSocket('wss://example.test/oo');
  const log = recorder(ws);
  ws.onopen = () => ws.close(3333);
  return settleAfterClose(ws, log, 'closeFromOnOpen');
}

export async function routeErrors(api) {
  const out = [];
  out.push(`bad handler: ${errorMessage(() => api.routeWebSocket('x', 5))}`);
  out.push(`bad url: ${errorMessage(() => api.routeWebSocket(5, () => {}))}`);
  api.routeWebSocket('wss://example.test/errs', (route) => {
    out.push(`send number: ${errorMessage(() => route.send(5))}`);
    route.close({ code: 99 }).catch((e) => out.push(`close 99 rejects: ${e.name}`));
  });
  const ws = new WebSocket('wss://example.test/errs');
  await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'routeErrors');
  ws.close();
  await nextTask();
  return out;
}

// The constructor's and send()'s exceptions for a routed socket, compared
// with the native WebSocket's for the same arguments (native is the oracle).
export async function routedConstructorValidation(api, echo) {
  api.routeWebSocket('**/v**', () => {});
  const cases = [
    [['a', 'a']],
    [['a', 'A']],
    [['a b']],
    [['']],
    [''],
    [['a,b']],
    [['é']],
    [['a', 'b', 'a']],
    [undefined, '#x'],
    [[], '#'],
    [['chat', 'v2.json']],
    [[]],
  ];
  const attempt = (WS, base, [protocols, suffix = '']) =>
    errorName(() => {
      const ws = new WS(`${base}${suffix}`, protocols);
      try {
        ws.send('x'); // still CONNECTING
      } finally {
        ws.close();
      }
    });
  return cases.map((c) => {
    const native = attempt(NativeWebSocket, `${echo}/v`, c);
    const routed = attempt(WebSocket, 'wss://example.test/v', c);
    const label = JSON.stringify(c);
    return native === routed ? `${label}: ${native} as native` : `${label}: native ${native}, routed ${routed}`;
  });
}

function errorMessage(f) {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e.message;
  }
}

export async function routeBlobSendsKeepOrder(api) {
  api.routeWebSocket('wss://example.test/blob', (route) => {
    route.send(new Blob(['first']));
    route.send('second');
    route.send(new Blob([new Uint8Array([3])]));
    route.close({ code: 4000, reason: 'after the blobs' });
  });
  const ws = new WebSocket('wss://example.test/blob');
  ws.binaryType = 'arraybuffer';
  return settleAfterClose(ws, recorder(ws), 'routeBlobSendsKeepOrder');
}

// Which route (if any) handles `url`: the handler names itself in a message.
async function handledBy(url) {
  const ws = new WebSocket(url);
  const result = await within(
    TIMEOUT,
    new Promise((resolve) => {
      ws.onmessage = (e) => resolve(e.data);
      ws.onerror = () => resolve('not routed');
    }),
    url,
  );
  ws.close();
  return `${url.replace(location.host, 'HOST')} -> ${result}`;
}

export async function relativeGlobsAndBaseURL(api) {
  const named = (name) => (route) => route.send(name);
  const out = [];
  api.routeWebSocket('/doc-relative', named('document base'));
  out.push(await handledBy('/doc-relative'));
  out.push(await handledBy(new URL('/doc-relative', document.baseURI).href.replace(/^http/, 'ws')));
  api.setBaseURL('https://app.example.test/base/');
  api.routeWebSocket('sub/ws', named('https base'));
  out.push(await handledBy('wss://app.example.test/base/sub/ws'));
  out.push(await handledBy('ws://app.example.test/base/sub/ws'));
  api.setBaseURL('HTTP://App.Example.TEST:80/');
  api.routeWebSocket('/upper', named('upper-case base'));
  out.push(await handledBy('ws://app.example.test/upper'));
  api.routeWebSocket('wss://Example.TEST:443', named('origin only'));
  out.push(await handledBy('wss://example.test'));
  api.routeWebSocket('wss://example.test/{a,b}/*/x?y=1', named('alternation'));
  out.push(await handledBy('wss://example.test/b/any/x?y=1'));
  out.push(await handledBy('wss://example.test/b/any/more/x?y=1'));
  api.routeWebSocket('**/deep/**', named('double star'));
  out.push(await handledBy('ws://any.test:8080/deep/er/still'));
  api.setBaseURL(null);
  out.push(await handledBy('/doc-relative'));
  return out;
}

// Text through a mock route: `bufferedAmount` grows by each string's UTF-8
// length (TextEncoder is the oracle; lone surrogates count as U+FFFD), and
// the route and the page see the USVString conversion the wire would apply.
export async function mockedTextIsUsvString(api) {
  const samples = [
    '', 'ascii', 'caf\u00e9', '\u20ac uro', '\u{1F600} pair', 'x'.repeat(300) + '\u00ff',
    'lone \ud800 high', 'lone \udc00 low', '\udc00\ud800 reversed', 'end \ud83d', '\ud83d\ude00\ud83d',
  ];
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const wire = (s) => dec.decode(enc.encode(s));
  const got = [];
  api.routeWebSocket('wss://example.test/usv', (route) => {
    route.onMessage((m) => {
      got.push(m);
      route.send(m);
    });
  });
  const ws = new WebSocket('wss://example.test/usv');
  const out = [];
  const echoes = [];
  await new Promise((r) => (ws.onopen = r));
  const done = new Promise((r) => {
    ws.onmessage = (e) => {
      echoes.push(e.data);
      if (echoes.length === samples.length) r();
    };
  });
  for (const s of samples) {
    const before = ws.bufferedAmount;
    ws.send(s);
    const grew = ws.bufferedAmount - before;
    const want = enc.encode(s).length;
    if (grew !== want) out.push(`bufferedAmount grew ${grew} for ${JSON.stringify(s)}, want ${want}`);
  }
  await within(TIMEOUT, done, 'mockedTextIsUsvString');
  samples.forEach((s, i) => {
    if (got[i] !== wire(s)) out.push(`route got ${JSON.stringify(got[i])} for ${JSON.stringify(s)}`);
    if (echoes[i] !== wire(s)) out.push(`page got ${JSON.stringify(echoes[i])} for ${JSON.stringify(s)}`);
  });
  out.push(`checked ${samples.length} strings; bufferedAmount now ${ws.bufferedAmount}`);
  ws.close();
  return out;
}

// Binary messages are never shared: the page may reuse its buffer after
// send(), the route and the page may modify what they receive, and an
// observer sees the bytes as they were sent and received.
export async function binaryIsNeverShared(api) {
  const out = [];
  const observed = [];
  const onSocket = (ws) => {
    ws.on('framesent', (f) => observed.push(`observer sent ${hex(f.payload)}`));
    ws.on('framereceived', (f) => observed.push(`observer received ${hex(f.payload)}`));
  };
  api.on('websocket', onSocket);
  let kept;
  api.routeWebSocket('wss://example.test/bin', (route) => {
    route.onMessage((m) => {
      kept = m;
      route.send(m);
      new Uint8Array(m)[0] = 0x99;
    });
  });
  const ws = new WebSocket('wss://example.test/bin');
  ws.binaryType = 'arraybuffer';
  try {
    await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'binaryIsNeverShared open');
    const got = new Promise((r) => (ws.onmessage = (e) => r(e.data)));
    const src = new Uint8Array([1, 2, 3]);
    ws.send(src);
    src[0] = 0x42;
    const data = await within(TIMEOUT, got, 'binaryIsNeverShared echo');
    out.push(`page got ${hex(data)}`);
    new Uint8Array(data)[1] = 0x77;
    out.push(`route kept ${hex(kept)}`);
    await nextTask();
    out.push(...observed);
  } finally {
    api.off('websocket', onSocket);
    ws.close();
  }
  return out;
}

// Bytes the page sends from another realm (a same-origin iframe's buffer,
// view or Blob) reach the route, and come back to the page, as this realm's
// ArrayBuffers, as a native socket's messages always are.
export async function otherRealmBytesArriveInThisRealm(api) {
  const out = [];
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  const other = frame.contentWindow;
  api.routeWebSocket('wss://example.test/realms', (route) => {
    route.onMessage((m) => {
      out.push(`route got ${hex(m)} this realm=${m instanceof ArrayBuffer}`);
      route.send(m);
    });
  });
  const ws = new WebSocket('wss://example.test/realms');
  ws.binaryType = 'arraybuffer';
  try {
    await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'otherRealmBytes open');
    let n = 0;
    const got = new Promise((r) => {
      ws.onmessage = (e) => {
        out.push(`page got ${hex(e.data)} this realm=${e.data instanceof ArrayBuffer}`);
        if (++n === 3) r();
      };
    });
    const bytes = new other.Uint8Array([1, 2, 3, 4]);
    ws.send(bytes.buffer);
    ws.send(bytes.subarray(1, 3));
    ws.send(new other.Blob([bytes]));
    await within(TIMEOUT, got, 'otherRealmBytes echoes');
  } finally {
    ws.close();
    frame.remove();
  }
  return out;
}

// A route may send a detached buffer or a view on one (its bytes were
// transferred elsewhere): the page gets an empty binary message, as a native
// send of the same value sends, and the socket goes on working.
export async function routeSendsDetachedBuffers(api) {
  const detach = (buffer) => structuredClone(buffer, { transfer: [buffer] });
  api.routeWebSocket('wss://example.test/detached', (route) => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const view = new Uint8Array(new ArrayBuffer(4), 1, 2);
    detach(buffer);
    detach(view.buffer);
    route.send(buffer);
    route.send(view);
    route.send('after');
  });
  const ws = new WebSocket('wss://example.test/detached');
  ws.binaryType = 'arraybuffer';
  const got = [];
  await within(
    TIMEOUT,
    new Promise((r) => {
      ws.onmessage = (e) => {
        got.push(typeof e.data === 'string' ? e.data : `binary ${e.data.byteLength} bytes`);
        if (got.length === 3) r();
      };
    }),
    'routeSendsDetachedBuffers',
  );
  ws.close();
  return got;
}

// A route object outlives its socket: once the socket is finished it still
// answers (its url and protocols; send and handlers accepted and doing
// nothing; arguments still checked), whether the page kept it or freed it
// itself (`free()`), and nothing is thrown behind the page's back.
export async function routeObjectsAfterTheSocketFinished(api) {
  const log = [];
  const uncaught = [];
  const onError = (e) => uncaught.push(e.message);
  addEventListener('error', onError);
  try {
    let kept;
    api.routeWebSocket('wss://example.test/kept', (route) => {
      kept = route;
    });
    api.routeWebSocket('wss://example.test/freed', (route) => {
      route.close({ code: 4000 });
      route.free();
    });
    for (const url of ['wss://example.test/kept', 'wss://example.test/freed']) {
      const ws = new WebSocket(url, ['p1']);
      ws.onopen = () => ws.close(3001);
      await within(TIMEOUT, new Promise((r) => (ws.onclose = r)), url);
    }
    await nextTask();
    log.push(`kept: ${kept.constructor.name} url=${kept.url()} protocols=${kept.protocols().join('|')}`);
    kept.send('late');
    kept.onMessage(() => {});
    let sendError = '';
    try {
      kept.send(42);
    } catch (e) {
      sendError = e.name;
    }
    log.push(`kept: send(42) ${sendError}, close resolves ${await kept.close().then(() => true)}`);
    log.push(`uncaught errors: ${uncaught.length}${uncaught.length ? ` (${uncaught.join('; ')})` : ''}`);
  } finally {
    removeEventListener('error', onError);
  }
  return log;
}
