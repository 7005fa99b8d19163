// Interoperability of HAR replay with Playwright: Playwright itself records a
// session (recordHar, content embedded) of a page talking to a real echo
// server; the server stops; wsroute replays the file in a new page, and the
// page's event log is the one of the live session.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { test, env, assert } from './harness.mjs';

/** A WebSocket echo server on 127.0.0.1 (text and binary), choosing the first subprotocol. */
async function startEcho() {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise((resolve) => server.on('listening', resolve));
  return {
    url: `ws://127.0.0.1:${server.address().port}/echo`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** In the page: text, binary, both echoes, close; every event as a line. */
function talk(url) {
  return new Promise((resolve, reject) => {
    const log = [];
    const ws = new WebSocket(url, ['chat']);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => reject(new Error(`timed out: ${log.join(' | ')}`)), 10000);
    let echoes = 0;
    ws.onopen = () => {
      log.push(`open protocol=${ws.protocol}`);
      ws.send('hello');
      ws.send(new Uint8Array([0, 1, 2, 255]));
    };
    ws.onmessage = (e) => {
      log.push(typeof e.data === 'string' ? `text ${e.data}` : `binary ${Array.from(new Uint8Array(e.data))}`);
      if (++echoes === 2) ws.close(1000, 'bye');
    };
    ws.onerror = () => log.push('error');
    ws.onclose = (e) => {
      log.push(`close ${e.code} ${e.reason} clean=${e.wasClean}`);
      clearTimeout(timer);
      resolve(log);
    };
  });
}

test('HAR: a session Playwright records (recordHar) replays in wsroute with the server stopped, same event log', async ({ browser }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wsroute-har-'));
  const harPath = path.join(dir, 'live.har');
  const echo = await startEcho();
  let live;
  try {
    const recording = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } });
    const page = await recording.newPage();
    await page.goto(`${env.httpURL}/blank.html`);
    live = await page.evaluate(talk, echo.url);
    await recording.close(); // writes the HAR
  } finally {
    await echo.close();
  }
  const har = JSON.parse(await readFile(harPath, 'utf8'));
  const sessions = har.log.entries.filter((e) => e._resourceType === 'websocket');
  assert.equal(sessions.length, 1, 'Playwright recorded one WebSocket session');
  assert.deepEqual(sessions[0]._webSocketMessages.map((m) => `${m.type} ${m.opcode}`),
    ['send 1', 'send 2', 'receive 1', 'receive 2'], 'the frames Playwright recorded');

  const replaying = await browser.newContext();
  try {
    const page = await replaying.newPage();
    await page.addInitScript({ path: env.pkgGlobal });
    await page.addInitScript((text) => wsroute.routeFromHAR(text), JSON.stringify(har));
    await page.goto(`${env.httpURL}/blank.html`);
    const replayed = await page.evaluate(talk, echo.url);
    assert.deepEqual(live, [
      'open protocol=chat',
      'text hello',
      'binary 0,1,2,255',
      'close 1000 bye clean=true',
    ], 'the live session');
    assert.deepEqual(replayed, live, 'the replayed session, with the server stopped');
  } finally {
    await replaying.close();
  }
});
