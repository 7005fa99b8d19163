// An unmodified socket.io-client 4 browser build (dist/socket.io.js from
// tests/e2e/node_modules, served at /node_modules/) loaded after the shim,
// talking to a Socket.IO server that is a wsroute mock route (pages/sio-mock.js).
// Assertions are on what the client's own API reports and on the frames the
// route saw; ping/pong frames are left out of the frame logs (their number
// depends on timing) and counted instead.
import { test, env, assert } from './harness.mjs';

const PAGE = '/socketio.html';

/** The route's frame log without Engine.IO pings and pongs. */
const withoutPings = (log) => log.filter((l) => !/^#\d+ (out 2|in 3)$/.test(l));

async function open(page) {
  await page.goto(`${env.httpURL}${PAGE}`);
  const loaded = await page.evaluate(() => ({
    io: typeof io, manager: typeof io === 'function' ? typeof io.Manager : null,
    sioMock: typeof sioMock, wsroute: typeof wsroute,
  }));
  assert.deepEqual(loaded, { io: 'function', manager: 'function', sioMock: 'function', wsroute: 'object' },
    'the page loaded wsroute, socket.io-client (from /node_modules/) and the mock server'
    + ' (if io is undefined: `npm ci` in tests/e2e)');
}

test('socket.io-client: connect + socket.id, emit with ack, server events, binary both ways, ping/pong, server disconnect', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const server = sioMock('/socket.io/*', {
      pingInterval: 50,
      pingTimeout: 2000,
      onEvent(conn, name, args) {
        if (name === 'hello') return [`HELLO ${args[0]}`, { doubled: args[1] * 2 }];
        if (name === 'upload') return [args[0] instanceof ArrayBuffer, Array.from(new Uint8Array(args[0]))];
        return undefined;
      },
    });
    const socket = io({ transports: ['websocket'], auth: { token: 't0k' }, reconnection: false });
    let clientPings = 0;
    socket.io.on('ping', () => clientPings++);
    const ack = (event, ...args) => new Promise((resolve, reject) => {
      socket.timeout(5000).emit(event, ...args, (err, ...reply) => err
        ? reject(new Error(`no ack for "${event}": ${err.message}; server log:\n${server.log.join('\n')}`))
        : resolve(reply));
    });
    const out = {};

    await nextEvent(socket, 'connect', server);
    const conn = server.conns[0];
    out.connect = { id: socket.id, connected: socket.connected, transport: socket.io.engine.transport.name, engineId: socket.io.engine.id };
    out.routeUrl = conn.url;
    out.auth = conn.auth;

    out.ack = await ack('hello', 'world', 21);

    const news = nextEvent(socket, 'news', server);
    conn.emit('news', { headline: 'wsroute routes socket.io', n: 1 }, 'second arg');
    out.news = await news;

    const bin = nextEvent(socket, 'bin', server);
    conn.emit('bin', { label: 'bytes', data: new Uint8Array([0, 1, 2, 253, 254, 255]) }, new Uint8Array([7]).buffer);
    const [obj, second] = await bin;
    out.bin = {
      label: obj.label,
      dataIsArrayBuffer: obj.data instanceof ArrayBuffer,
      data: Array.from(new Uint8Array(obj.data)),
      secondIsArrayBuffer: second instanceof ArrayBuffer,
      second: Array.from(new Uint8Array(second)),
    };

    // A view on part of a buffer: only its three bytes travel.
    out.upload = await ack('upload', new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 5));

    await until(() => server.pongs >= 3 && clientPings >= 3, 'three server pings answered with pongs', server);
    out.pongs = server.pongs >= 3;
    out.clientPings = clientPings >= 3;

    const disconnect = nextEvent(socket, 'disconnect', server);
    conn.disconnect();
    out.disconnect = { reason: (await disconnect)[0], connected: socket.connected, id: socket.id ?? null };
    await until(() => conn.closed, 'the page to close the socket after the server disconnect', server);
    out.routeClosed = [String(conn.closed.code), String(conn.closed.reason)];
    out.connections = server.conns.length;
    out.log = server.log;
    return out;
  });

  const wsBase = env.httpURL.replace(/^http/, 'ws');
  assert.equal(r.routeUrl, `${wsBase}/socket.io/?EIO=4&transport=websocket`, 'the URL socket.io-client opens (same origin)');
  assert.deepEqual(r.connect, { id: 'sio-1', connected: true, transport: 'websocket', engineId: 'eio-1' },
    'connect: socket.id is the sid of the namespace connect reply, engine id the handshake sid');
  assert.deepEqual(r.auth, { token: 't0k' }, 'the CONNECT packet carries the auth payload');
  assert.deepEqual(r.ack, ['HELLO world', { doubled: 42 }], 'the ack callback receives the route\'s ack arguments');
  assert.deepEqual(r.news, [{ headline: 'wsroute routes socket.io', n: 1 }, 'second arg'], 'the news event payload');
  assert.deepEqual(r.bin, {
    label: 'bytes', dataIsArrayBuffer: true, data: [0, 1, 2, 253, 254, 255], secondIsArrayBuffer: true, second: [7],
  }, 'a binary event with two attachments arrives as ArrayBuffers in place of the placeholders');
  assert.deepEqual(r.upload, [true, [2, 3, 4]], 'a Uint8Array view emitted by the client reaches the route as its bytes only');
  assert.ok(r.pongs, 'the route got at least three pongs');
  assert.ok(r.clientPings, 'the client reported at least three pings');
  assert.deepEqual(r.disconnect, { reason: 'io server disconnect', connected: false, id: null }, 'disconnect reason');
  assert.deepEqual(r.routeClosed, ['undefined', 'undefined'], 'the client closes its WebSocket without a code after a server disconnect');
  assert.equal(r.connections, 1, 'no reconnection after a server disconnect');
  assert.deepEqual(withoutPings(r.log), [
    '#1 out 0{"sid":"eio-1","upgrades":[],"pingInterval":50,"pingTimeout":2000,"maxPayload":1000000}',
    '#1 in 40{"token":"t0k"}',
    '#1 out 40{"sid":"sio-1"}',
    '#1 in 420["hello","world",21]',
    '#1 out 430["HELLO world",{"doubled":42}]',
    '#1 out 42["news",{"headline":"wsroute routes socket.io","n":1},"second arg"]',
    '#1 out 452-["bin",{"label":"bytes","data":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]',
    '#1 out <binary [0,1,2,253,254,255]>',
    '#1 out <binary [7]>',
    '#1 in 451-1["upload",{"_placeholder":true,"num":0}]',
    '#1 in <binary [2,3,4]>',
    '#1 out 431[true,[2,3,4]]',
    '#1 out 41',
    '#1 closed by the page: undefined undefined',
  ], 'the frames the route saw (pings and pongs left out)');
});

test('socket.io-client: client disconnect() sends 41, then closes the WebSocket', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const server = sioMock('/socket.io/*', { pingInterval: 10000 });
    const socket = io({ transports: ['websocket'], reconnection: false });
    await nextEvent(socket, 'connect', server);
    const id = socket.id;
    const disconnect = nextEvent(socket, 'disconnect', server);
    socket.disconnect();
    const [reason] = await disconnect;
    await until(() => server.conns[0].closed, 'the page to close the socket', server);
    return { id, reason, connected: socket.connected, active: socket.active, log: server.log };
  });
  assert.equal(r.id, 'sio-1');
  assert.equal(r.reason, 'io client disconnect');
  assert.equal(r.connected, false);
  assert.equal(r.active, false, 'a client disconnect does not reconnect');
  assert.deepEqual(withoutPings(r.log), [
    '#1 out 0{"sid":"eio-1","upgrades":[],"pingInterval":10000,"pingTimeout":2000,"maxPayload":1000000}',
    '#1 in 40',
    '#1 out 40{"sid":"sio-1"}',
    '#1 in 41',
    '#1 client disconnect',
    '#1 closed by the page: undefined undefined',
  ]);
});

test('socket.io-client: a route close({ code: 4001 }) is a "transport close"; the client reconnects to a new route connection', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const server = sioMock('/socket.io/*', {
      pingInterval: 10000,
      onEvent: (conn, name) => [`${name} on connection ${conn.n}`],
    });
    const socket = io({
      transports: ['websocket'],
      reconnectionDelay: 20,
      randomizationFactor: 0,
      reconnectionAttempts: 3,
    });
    const events = [];
    socket.on('connect', () => events.push(`connect ${socket.id}`));
    socket.on('disconnect', (reason, details) => events.push(
      `disconnect ${reason}: ${details && details.description} ${details && details.context
        ? `${details.context.type} ${details.context.code} ${details.context.reason} wasClean=${details.context.wasClean}` : '-'}`));
    socket.io.on('reconnect_attempt', (n) => events.push(`reconnect_attempt ${n}`));
    socket.io.on('reconnect', (n) => events.push(`reconnect ${n}`));
    socket.io.on('error', (e) => events.push(`manager error ${e && e.message}`));

    await nextEvent(socket, 'connect', server);
    const reconnected = nextEvent(socket.io, 'reconnect', server);
    server.conns[0].close({ code: 4001, reason: 'server restart' });
    await reconnected;
    await until(() => socket.connected, 'the socket to connect again', server);
    const ack = await new Promise((resolve, reject) => socket.timeout(5000).emit('after', (err, ...a) => err ? reject(err) : resolve(a)));
    const out = { events: events.slice(), id: socket.id, ack, connections: server.conns.length, urls: server.conns.map((c) => c.url) };
    socket.disconnect();
    return out;
  });
  assert.deepEqual(r.events, [
    'connect sio-1',
    'disconnect transport close: websocket connection closed close 4001 server restart wasClean=true',
    'reconnect_attempt 1',
    'reconnect 1',
    'connect sio-2',
  ], 'what socket.io-client reports');
  assert.equal(r.id, 'sio-2', 'socket.id after reconnecting');
  assert.deepEqual(r.ack, ['after on connection 2'], 'an emit after reconnecting is acked by the second connection');
  assert.equal(r.connections, 2, 'the route saw two connections');
  assert.equal(r.urls[1], r.urls[0], 'the reconnection opens the same URL');
});

test('socket.io-client: a route that stops pinging gets a "ping timeout" disconnect', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const server = sioMock('/socket.io/*', { pingInterval: 100, pingTimeout: 100, autoPing: false });
    const socket = io({ transports: ['websocket'], reconnection: false });
    await nextEvent(socket, 'connect', server);
    const started = Date.now();
    const [reason] = await nextEvent(socket, 'disconnect', server);
    const elapsed = Date.now() - started;
    await until(() => server.conns[0].closed, 'the page to close the socket', server);
    return { reason, elapsed, closed: [String(server.conns[0].closed.code), String(server.conns[0].closed.reason)] };
  });
  assert.equal(r.reason, 'ping timeout');
  assert.ok(r.elapsed >= 150 && r.elapsed < 3000, `ping timeout after pingInterval + pingTimeout (200 ms), took ${r.elapsed} ms`);
  assert.deepEqual(r.closed, ['undefined', 'undefined'], 'the client closes its WebSocket without a code');
});
