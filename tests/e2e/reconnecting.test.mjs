// An unmodified reconnecting-websocket 4 browser build (dist/reconnecting-websocket-iife.js
// from tests/e2e/node_modules, served at /node_modules/) loaded after the shim: it
// creates its sockets with the page's (wsroute's) WebSocket, attaches to them with
// addEventListener, and reconnects when a mock route closes, refuses or stalls a
// connection. Assertions are on the client's own events and `retryCount`, and on
// what the route saw.
import { test, env, assert } from './harness.mjs';

async function open(page) {
  await page.goto(`${env.httpURL}/reconnecting.html`);
  const loaded = await page.evaluate(() => ({ rws: typeof ReconnectingWebSocket, wsroute: typeof wsroute }));
  assert.deepEqual(loaded, { rws: 'function', wsroute: 'object' },
    'the page loaded wsroute and reconnecting-websocket (from /node_modules/; if missing: `npm ci` in tests/e2e)');
}

test('reconnecting-websocket: a route close({ code: 4000 }) makes it reconnect; the second connection works', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const client = [];
    const route = [];
    let connections = 0;
    wsroute.routeWebSocket('ws://rws.test/feed', (ws) => {
      const n = ++connections;
      route.push(`#${n} connect ${ws.url()} [${ws.protocols().join(',')}]`);
      ws.onMessage((m) => {
        route.push(`#${n} in ${m}`);
        if (m === 'hello') {
          ws.send(`welcome ${n}`);
          if (n === 1) ws.close({ code: 4000, reason: 'kicked' });
        }
      });
      ws.onClose((code, reason) => {
        route.push(`#${n} closed by the page ${code} ${reason}`);
        ws.close({ code, reason }); // answer the close frame, as a server does (see sio-mock.js)
      });
    });
    const rws = new ReconnectingWebSocket('ws://rws.test/feed', ['feed.v1', 'feed.v2'], {
      minReconnectionDelay: 50,
      maxReconnectionDelay: 200,
      connectionTimeout: 3000,
      minUptime: 300,
      maxRetries: 3,
    });
    rws.addEventListener('open', (e) => {
      client.push(`open retryCount=${rws.retryCount} protocol=${rws.protocol} readyState=${rws.readyState} target.readyState=${e.target.readyState}`);
      rws.send('hello');
    });
    rws.addEventListener('message', (e) => client.push(`message ${e.data} retryCount=${rws.retryCount}`));
    rws.addEventListener('close', (e) => {
      client.push(`close ${e.code} ${e.reason} wasClean=${e.wasClean} retryCount=${rws.retryCount} readyState=${rws.readyState}`);
      // Sent while disconnected: queued by the client, flushed on the next open.
      rws.send('queued while down');
    });
    rws.addEventListener('error', () => client.push(`error retryCount=${rws.retryCount}`));
    const log = () => [...client, '--- route:', ...route];

    await until(() => client.some((l) => l.startsWith('message welcome 2')), 'the second connection\'s welcome', log);
    const retryCountAfterReconnect = rws.retryCount;
    await sleep(500); // past minUptime (300 ms): the client resets retryCount
    const out = { client: client.slice(), route: route.slice(), retryCountAfterReconnect, retryCountAfterUptime: rws.retryCount, url: rws.url, connections };
    rws.close();
    return out;
  });
  assert.deepEqual(r.client, [
    'open retryCount=0 protocol=feed.v1 readyState=1 target.readyState=1',
    'message welcome 1 retryCount=0',
    'close 4000 kicked wasClean=true retryCount=1 readyState=3',
    'open retryCount=1 protocol=feed.v1 readyState=1 target.readyState=1',
    'message welcome 2 retryCount=1',
  ], 'reconnecting-websocket\'s own events');
  assert.deepEqual(r.route, [
    '#1 connect ws://rws.test/feed [feed.v1,feed.v2]',
    '#1 in hello',
    '#2 connect ws://rws.test/feed [feed.v1,feed.v2]',
    '#2 in queued while down',
    '#2 in hello',
  ], 'the route saw two connections; the message queued while down came first on the second');
  assert.equal(r.retryCountAfterReconnect, 1, 'retryCount while the second connection is younger than minUptime');
  assert.equal(r.retryCountAfterUptime, 0, 'retryCount once the second connection outlived minUptime');
  assert.equal(r.url, 'ws://rws.test/feed');
  assert.equal(r.connections, 2);
});

test('reconnecting-websocket: connections a route refuses (close 1006) are retried until one is accepted', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const client = [];
    const route = [];
    let connections = 0;
    wsroute.routeWebSocket('ws://rws.test/flaky', (ws) => {
      const n = ++connections;
      route.push(`#${n} connect`);
      if (n <= 2) {
        ws.close({ code: 1006 }); // refused: the page sees error, then close 1006, and never open
        return;
      }
      ws.onMessage((m) => { route.push(`#${n} in ${m}`); ws.send(`pong ${n}`); });
    });
    const rws = new ReconnectingWebSocket('ws://rws.test/flaky', [], {
      minReconnectionDelay: 20,
      maxReconnectionDelay: 100,
      reconnectionDelayGrowFactor: 2,
      connectionTimeout: 3000,
      minUptime: 5000,
      maxRetries: 5,
    });
    rws.addEventListener('open', () => { client.push(`open retryCount=${rws.retryCount}`); rws.send('ping'); });
    rws.addEventListener('message', (e) => client.push(`message ${e.data}`));
    // reconnecting-websocket answers a socket error by detaching from it and reporting
    // its own close event (code 1000) before the error; the error is the socket's own.
    rws.addEventListener('close', (e) => client.push(`close ${e.code} retryCount=${rws.retryCount}`));
    rws.addEventListener('error', (e) => client.push(`error type=${e.type} target.readyState=${e.target.readyState} retryCount=${rws.retryCount}`));
    const log = () => [...client, '--- route:', ...route];
    await until(() => client.includes('message pong 3'), 'the third (accepted) connection\'s reply', log);
    const out = { client: client.slice(), route: route.slice(), retryCount: rws.retryCount, connections };
    rws.close();
    return out;
  });
  assert.deepEqual(r.client, [
    'close 1000 retryCount=1',
    'error type=error target.readyState=3 retryCount=1',
    'close 1000 retryCount=2',
    'error type=error target.readyState=3 retryCount=2',
    'open retryCount=2',
    'message pong 3',
  ], 'reconnecting-websocket\'s own events: two failed attempts, then open');
  assert.deepEqual(r.route, ['#1 connect', '#2 connect', '#3 connect', '#3 in ping']);
  assert.equal(r.retryCount, 2, 'retryCount counts the two retries (minUptime not reached yet)');
  assert.equal(r.connections, 3);
});

test('reconnecting-websocket: a route that never completes the handshake hits connectionTimeout; the retry connects', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const client = [];
    const route = [];
    let connections = 0;
    wsroute.routeWebSocket('ws://rws.test/slow', (ws) => {
      const n = ++connections;
      route.push(`#${n} connect`);
      ws.onClose((code, reason) => {
        route.push(`#${n} closed by the page ${code} ${reason}`);
        ws.close({ code, reason }); // answer the close frame, as a server does (see sio-mock.js)
      });
      ws.onMessage((m) => { route.push(`#${n} in ${m}`); ws.send(`ok ${n}`); });
      if (n === 1) return new Promise(() => {}); // the handshake never completes: the page stays CONNECTING
    });
    const rws = new ReconnectingWebSocket('ws://rws.test/slow', undefined, {
      minReconnectionDelay: 20,
      connectionTimeout: 300,
      minUptime: 5000,
      maxRetries: 3,
    });
    const started = Date.now();
    let firstState = rws.readyState;
    rws.addEventListener('open', () => { client.push(`open retryCount=${rws.retryCount} after>=300ms=${Date.now() - started >= 300}`); rws.send('hi'); });
    rws.addEventListener('message', (e) => client.push(`message ${e.data}`));
    rws.addEventListener('close', (e) => client.push(`close ${e.code} ${e.reason}`));
    rws.addEventListener('error', (e) => client.push(`error ${e.message}`));
    const log = () => [...client, '--- route:', ...route];
    await until(() => client.includes('message ok 2'), 'the second connection\'s reply', log);
    await sleep(100);
    const out = { client: client.slice(), route: route.slice(), firstState, connections };
    rws.close();
    return out;
  });
  assert.equal(r.firstState, 0, 'CONNECTING right after construction');
  assert.deepEqual(r.client, [
    'close 1000 timeout',
    'error TIMEOUT',
    'open retryCount=1 after>=300ms=true',
    'message ok 2',
  ], 'reconnecting-websocket\'s own events: its timeout, then the retry opens');
  assert.equal(r.connections, 2);
  assert.deepEqual(r.route.filter((l) => l.startsWith('#2')), ['#2 connect', '#2 in hi']);
  assert.equal(r.route[0], '#1 connect');
});

test('reconnecting-websocket: binaryType arraybuffer, binary both ways, and close() from the client does not reconnect', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const client = [];
    const route = [];
    let connections = 0;
    wsroute.routeWebSocket('ws://rws.test/bin', (ws) => {
      const n = ++connections;
      ws.onMessage((m) => {
        route.push(typeof m === 'string' ? `in ${m}` : `in binary ${m instanceof ArrayBuffer} [${new Uint8Array(m)}]`);
        if (typeof m !== 'string') ws.send(new Uint8Array(m).reverse());
      });
      ws.onClose((code, reason) => {
        route.push(`#${n} closed by the page ${code} ${reason}`);
        ws.close({ code, reason }); // answer the close frame, as a server does (see sio-mock.js)
      });
    });
    const rws = new ReconnectingWebSocket('ws://rws.test/bin', [], { minReconnectionDelay: 20, minUptime: 100 });
    rws.binaryType = 'arraybuffer';
    rws.addEventListener('open', () => {
      client.push(`open binaryType=${rws.binaryType}`);
      rws.send(new Uint8Array([1, 2, 3, 250]).buffer);
    });
    rws.addEventListener('message', (e) => client.push(`message ${e.data instanceof ArrayBuffer} [${new Uint8Array(e.data)}]`));
    rws.addEventListener('close', (e) => client.push(`close ${e.code} ${e.reason} wasClean=${e.wasClean}`));
    const log = () => [...client, '--- route:', ...route];
    await until(() => client.some((l) => l.startsWith('message')), 'the binary reply', log);
    rws.close(1000, 'done');
    await until(() => client.some((l) => l.startsWith('close')), 'the close event', log);
    await sleep(300); // well past minReconnectionDelay: nothing reconnects
    return { client, route, connections, readyState: rws.readyState, retryCount: rws.retryCount };
  });
  assert.deepEqual(r.client, [
    'open binaryType=arraybuffer',
    'message true [250,3,2,1]',
    'close 1000 done wasClean=true',
  ]);
  assert.deepEqual(r.route, ['in binary true [1,2,3,250]', '#1 closed by the page 1000 done']);
  assert.equal(r.connections, 1, 'close() from the client stops reconnecting');
  assert.equal(r.readyState, 3);
  assert.equal(r.retryCount, 0);
});
