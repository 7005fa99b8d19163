// Real clients under a dropped network: unmodified socket.io-client 4 and
// reconnecting-websocket 4 lose their connection when wsroute.setOffline(true)
// drops every socket, fail to reconnect while the page stays offline (no
// connection reaches the route or the server), and reconnect by themselves
// once it is back online. Each client runs against a mock route and against a
// real server on 127.0.0.1: a Socket.IO server (the `socket.io` package,
// started here) and the xtask echo server.
import http from 'node:http';
import { Server } from 'socket.io';
import { test, env, assert } from './harness.mjs';

/** A real Socket.IO server on 127.0.0.1: acks `hello` with the connection's number. */
async function startSocketIoServer() {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { transports: ['websocket'], pingInterval: 10000 });
  const seen = [];
  let n = 0;
  io.on('connection', (socket) => {
    const k = ++n;
    seen.push(`#${k} connected`);
    socket.on('hello', (who, ack) => ack(`hello ${who} from connection ${k}`));
    socket.on('disconnect', (reason) => seen.push(`#${k} disconnected: ${reason}`));
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address();
  return {
    url: `ws://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

/**
 * In the page (socketio.html): connects socket.io-client to `url` (a mock
 * route when `mock`), goes offline until two reconnection attempts have
 * failed, goes back online and waits for the reconnection; returns what the
 * client reported.
 */
async function socketIoOffline(page, { url, mock }) {
  await page.goto(`${env.httpURL}/socketio.html`);
  return page.evaluate(async ({ url, mock }) => {
    const server = mock
      ? sioMock('/socket.io/*', { pingInterval: 10000, onEvent: (conn, name, args) => [`${name} ${args[0]} from connection ${conn.n}`] })
      : { log: ['(a real server)'] };
    const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100, randomizationFactor: 0 });
    const events = [];
    socket.on('connect', () => events.push('connect'));
    socket.on('disconnect', (reason) => events.push(`disconnect: ${reason}`));
    let failedAttempts = 0;
    socket.io.on('reconnect_error', () => failedAttempts++);
    socket.io.on('reconnect', () => events.push('reconnect'));
    const hello = (who) => new Promise((resolve, reject) => socket.timeout(5000).emit('hello', who, (err, reply) => err ? reject(err) : resolve(reply)));

    await nextEvent(socket, 'connect', server);
    const before = await hello('before');
    const disconnected = nextEvent(socket, 'disconnect', server);
    wsroute.setOffline(true);
    await disconnected;
    await until(() => failedAttempts >= 2, 'two failed reconnection attempts while offline', server);
    const connectedWhileOffline = socket.connected;
    const reconnected = nextEvent(socket, 'connect', server);
    wsroute.setOffline(false);
    await reconnected;
    const after = await hello('after');
    const out = { events: events.slice(), before, after, failedWhileOffline: failedAttempts >= 2, connectedWhileOffline, mockConnections: mock ? server.conns.length : null };
    socket.disconnect();
    return out;
  }, { url, mock });
}

function checkSocketIo(r) {
  assert.deepEqual(r.events, ['connect', 'disconnect: transport error', 'reconnect', 'connect'],
    'socket.io-client\'s own events: the dropped socket is a transport error, then it reconnects by itself');
  assert.equal(r.failedWhileOffline, true, 'reconnection attempts fail while the page is offline');
  assert.equal(r.connectedWhileOffline, false);
  assert.equal(r.before, 'hello before from connection 1');
  assert.equal(r.after, 'hello after from connection 2', 'the ack after reconnecting comes from the second connection');
}

test('offline: socket.io-client against a mock route drops, fails to reconnect while offline, reconnects once online', async ({ page }) => {
  const r = await socketIoOffline(page, { url: undefined, mock: true });
  checkSocketIo(r);
  assert.equal(r.mockConnections, 2, 'no connection reached the route while offline');
});

test('offline: socket.io-client against a real Socket.IO server drops, fails to reconnect while offline, reconnects once online', async ({ page }) => {
  const server = await startSocketIoServer();
  try {
    const r = await socketIoOffline(page, { url: server.url, mock: false });
    checkSocketIo(r);
    // (The page's final socket.disconnect() may or may not have reached it yet.)
    assert.deepEqual(server.seen.slice(0, 3), ['#1 connected', '#1 disconnected: transport close', '#2 connected'],
      'the server saw its first connection closed when the page went offline, and no connection until it came back');
  } finally {
    await server.close();
  }
});

/**
 * In the page (reconnecting.html): reconnecting-websocket to `url`, where
 * `mock` installs an echo route first; same offline / online sequence as
 * above, checked on the client's events and on echoed messages.
 */
async function reconnectingOffline(page, { url, mock }) {
  await page.goto(`${env.httpURL}/reconnecting.html`);
  return page.evaluate(async ({ url, mock }) => {
    let connections = 0;
    if (mock) {
      wsroute.routeWebSocket(url, (ws) => {
        const n = ++connections;
        ws.onMessage((m) => ws.send(`${m} (connection ${n})`));
        ws.onClose((code, reason) => ws.close({ code, reason }));
      });
    }
    const client = [];
    const rws = new ReconnectingWebSocket(url, [], { minReconnectionDelay: 50, maxReconnectionDelay: 100, connectionTimeout: 3000, minUptime: 5000 });
    rws.addEventListener('open', () => client.push('open'));
    rws.addEventListener('message', (e) => client.push(`message ${e.data}`));
    rws.addEventListener('close', (e) => client.push(`close ${e.code} wasClean=${e.wasClean}`));
    rws.addEventListener('error', () => client.push('error'));
    const log = () => client;
    const opens = () => client.filter((l) => l === 'open').length;

    await until(() => opens() === 1, 'the first open', log);
    rws.send('before');
    await until(() => client.some((l) => l.startsWith('message before')), 'the echo of "before"', log);
    wsroute.setOffline(true);
    const dropped = client.length;
    // The dropped socket, then at least two attempts that fail while offline.
    await until(() => client.slice(dropped).filter((l) => l === 'error').length >= 3, 'three errors while offline', log);
    const whileOffline = client.slice(dropped);
    const retriesWhileOffline = rws.retryCount;
    wsroute.setOffline(false);
    await until(() => opens() === 2, 'the reconnection', log);
    rws.send('after');
    await until(() => client.some((l) => l.startsWith('message after')), 'the echo of "after"', log);
    const out = { first: client.slice(0, dropped), whileOffline, retriesWhileOffline, last: client.slice(-2), connections };
    rws.close();
    return out;
  }, { url, mock });
}

function checkReconnecting(r, { mock }) {
  const echo = (m, n) => (mock ? `message ${m} (connection ${n})` : `message ${m}`);
  assert.deepEqual(r.first, ['open', echo('before', 1)]);
  // reconnecting-websocket answers a socket error by reporting its own close
  // (code 1000) before the error: the dropped socket and each failed attempt
  // show as that pair, and never as an open.
  assert.deepEqual(r.whileOffline.slice(0, 6), [
    'close 1000 wasClean=true', 'error',
    'close 1000 wasClean=true', 'error',
    'close 1000 wasClean=true', 'error',
  ], 'while offline: the drop, then failed attempts, no open');
  assert.ok(!r.whileOffline.includes('open'), 'nothing opens while offline');
  assert.ok(r.retriesWhileOffline >= 2, `retryCount grew while offline (${r.retriesWhileOffline})`);
  assert.deepEqual(r.last, ['open', echo('after', 2)], 'reconnected by itself once online; the echo works');
}

test('offline: reconnecting-websocket against a mock route drops, fails while offline, reconnects once online', async ({ page }) => {
  const r = await reconnectingOffline(page, { url: 'ws://rws.test/offline', mock: true });
  checkReconnecting(r, { mock: true });
  assert.equal(r.connections, 2, 'no connection reached the route while offline');
});

test('offline: reconnecting-websocket against the real echo server drops, fails while offline, reconnects once online', async ({ page }) => {
  const r = await reconnectingOffline(page, { url: `${env.echoURL}/echo`, mock: false });
  checkReconnecting(r, { mock: false });
});
