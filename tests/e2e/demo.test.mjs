// The demo (www/, as `cargo xtask demo` serves it): `cargo xtask test` mounts www/ at /demo/
// beside the e2e pages and generates the same /config.js (WSROUTE_ECHO_URL = the echo server).
// Both panels exchange messages through the page's UI; the logs are asserted and a screenshot
// is written to target/e2e/demo.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, env, assert } from './harness.mjs';

const SCREENSHOT = path.join(env.repo, 'target', 'e2e', 'demo.png');

/** `kind text` of every entry of a panel's log. */
const entries = (page, prefix) =>
  page.$$eval(`#${prefix}-log li`, (lis) =>
    lis.map((li) => `${li.querySelector('.kind').textContent} ${li.querySelector('.text').textContent}`));

/** Waits until the panel's log has an entry equal to (string) or matching (RegExp) `want`. */
async function waitForEntry(page, prefix, want, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const log = await entries(page, prefix);
    if (log.some((e) => (typeof want === 'string' ? e === want : want.test(e)))) return log;
    if (Date.now() > deadline) {
      throw new Error(`#${prefix}-log: no entry ${want} in ${JSON.stringify(log, null, 2)}`);
    }
    await page.waitForTimeout(25);
  }
}

async function status(page, prefix, want) {
  await page.waitForFunction(([p, w]) => document.getElementById(`${p}-status`).textContent === w,
    [prefix, want], { timeout: 10000 })
    .catch(async () => {
      const s = await page.textContent(`#${prefix}-status`);
      throw new Error(`#${prefix}-status is ${JSON.stringify(s)}, not ${want}; log ${JSON.stringify(await entries(page, prefix))}`);
    });
}

async function say(page, prefix, text) {
  await page.fill(`#${prefix}-input`, text);
  await page.click(`#${prefix}-send`);
}

test('demo (www/ + /config.js): mocked chat and routed echo panels exchange messages, slow down, drop offline, reconnect and close; screenshot', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.goto(`${env.httpURL}/demo/`);

  const version = JSON.parse(readFileSync(path.join(env.pkgDir, 'package.json'), 'utf8')).version;
  assert.equal(await page.textContent('#version'), `v${version}`, 'the footer shows wsroute.version');
  assert.equal(await page.textContent('#mock-url'), 'wss://chat.example.test/ws');
  assert.equal(await page.textContent('#echo-url'), `${env.echoURL}/echo`, '/config.js gave the echo URL');

  // Mocked chat: no server exists; the route in www/mocks.js answers.
  await status(page, 'mock', 'OPEN');
  await waitForEntry(page, 'mock', 'received Welcome to the mock chat! Type /help for commands.');
  await say(page, 'mock', 'hello there');
  await waitForEntry(page, 'mock', 'received bot: HELLO THERE');
  await say(page, 'mock', '/help');
  await waitForEntry(page, 'mock', /^received bot: commands are \/help, \/time and \/close/);

  // Real echo server through a connectToServer() route that prefixes page -> server messages.
  await status(page, 'echo', 'OPEN');
  await say(page, 'echo', 'ping');
  await waitForEntry(page, 'echo', 'received [via route] ping');
  await say(page, 'echo', 'héllo €');
  await waitForEntry(page, 'echo', 'received [via route] héllo €');

  assert.deepEqual(await entries(page, 'mock'), [
    'info connecting to wss://chat.example.test/ws',
    'open open',
    'received Welcome to the mock chat! Type /help for commands.',
    'sent hello there',
    'received bot: HELLO THERE',
    'sent /help',
    'received bot: commands are /help, /time and /close; anything else comes back shouted.',
  ]);
  assert.deepEqual(await entries(page, 'echo'), [
    `info connecting to ${env.echoURL}/echo`,
    'open open',
    'sent ping',
    'received [via route] ping',
    'sent héllo €',
    'received [via route] héllo €',
  ]);

  // The live sockets panel (observer): both sockets, counts and the page-side payloads.
  const live = await page.$$eval('#live-list > li', (items) =>
    items.map((li) => ({
      url: li.querySelector('code').textContent,
      state: li.querySelector('.sock-state').textContent,
      counts: li.querySelector('.sock-counts').textContent,
      frames: [...li.querySelectorAll('.frames li')].map((f) => f.textContent),
    })),
  );
  const byUrl = Object.fromEntries(live.map((s) => [s.url, s]));
  assert.equal(live.length, 2, `two live sockets, got ${JSON.stringify(live)}`);
  assert.deepEqual(byUrl['wss://chat.example.test/ws'], {
    url: 'wss://chat.example.test/ws',
    state: 'live',
    counts: '2 sent, 3 received',
    frames: [
      '\u2193 Welcome to the mock chat! Type /help for commands.',
      '\u2191 hello there',
      '\u2193 bot: HELLO THERE',
      '\u2191 /help',
      '\u2193 bot: commands are /help, /time and /close; anything else comes back shouted.',
    ],
  });
  assert.deepEqual(byUrl[`${env.echoURL}/echo`], {
    url: `${env.echoURL}/echo`,
    state: 'live',
    counts: '2 sent, 2 received',
    frames: ['\u2191 ping', '\u2193 [via route] ping', '\u2191 héllo €', '\u2193 [via route] héllo €'],
  });

  // The network control acts on both panels. Latency: a round trip takes at least twice
  // the latency (timers never fire early; the bound is wide, not a measurement).
  assert.equal(await page.textContent('#net-applied'), 'wsroute.setNetworkConditions(null)');
  await page.selectOption('#net-latency', '500');
  assert.equal(await page.textContent('#net-applied'), 'wsroute.setNetworkConditions({latency: 500})');
  for (const prefix of ['mock', 'echo']) {
    const t0 = Date.now();
    await say(page, prefix, 'slow');
    await waitForEntry(page, prefix, prefix === 'mock' ? 'received bot: SLOW' : 'received [via route] slow');
    const took = Date.now() - t0;
    assert.ok(took >= 1000 - 5, `${prefix}: a round trip under 500 ms latency took ${took} ms`);
  }

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Throughput: 1 KB/s each way; 1,000 bytes take about a second up and another down.
  await page.selectOption('#net-latency', '0');
  await page.selectOption('#net-throughput', '1000');
  assert.equal(await page.textContent('#net-applied'),
    'wsroute.setNetworkConditions({downloadThroughput: 1000, uploadThroughput: 1000})');
  const big = 'x'.repeat(1000);
  const t0 = Date.now();
  await say(page, 'echo', big);
  await waitForEntry(page, 'echo', `received [via route] ${big}`);
  const took = Date.now() - t0;
  assert.ok(took >= 1800, `1,000 bytes each way at 1,000 B/s took ${took} ms (at least 2 x 900 ms)`);
  await page.selectOption('#net-throughput', '0');

  // Offline: both sockets drop as on a lost connection; reconnecting fails until the page is online.
  await page.check('#net-offline');
  for (const prefix of ['mock', 'echo']) {
    await waitForEntry(page, prefix, 'close closed: code 1006, reason "", wasClean false');
    await status(page, prefix, 'CLOSED');
  }
  await page.click('#mock-reconnect');
  await status(page, 'mock', 'CLOSED');
  const offlineTail = (await entries(page, 'mock')).slice(-5);
  assert.deepEqual(offlineTail, [
    'error error event',
    'close closed: code 1006, reason "", wasClean false',
    'info connecting to wss://chat.example.test/ws',
    'error error event',
    'close closed: code 1006, reason "", wasClean false',
  ], 'mock panel: dropped when the page went offline, and a reconnect while offline fails');
  await page.uncheck('#net-offline');
  assert.equal(await page.textContent('#net-applied'), 'wsroute.setNetworkConditions(null)');
  for (const prefix of ['mock', 'echo']) {
    await page.click(`#${prefix}-reconnect`);
    await status(page, prefix, 'OPEN');
  }
  await say(page, 'echo', 'back');
  await waitForEntry(page, 'echo', 'received [via route] back');

  // Closes: the mock answers the page's close (onClose -> close with the same code and
  // reason); the echo server echoes the close frame; /close makes the mock close with 4000.
  await page.click('#mock-close');
  await waitForEntry(page, 'mock', 'close closed: code 1000, reason "closed by the user", wasClean true');
  await status(page, 'mock', 'CLOSED');
  await page.click('#echo-close');
  await waitForEntry(page, 'echo', 'close closed: code 1000, reason "closed by the user", wasClean true');
  await status(page, 'echo', 'CLOSED');

  await page.click('#mock-reconnect');
  await status(page, 'mock', 'OPEN');
  await say(page, 'mock', '/close');
  await waitForEntry(page, 'mock', 'close closed: code 4000, reason "bye", wasClean true');

  // Newest first: the mock's last socket, the two opened back online, the one
  // created offline, the two dropped by going offline.
  const states = await page.$$eval('#live-list > li .sock-state', (els) => els.map((e) => e.textContent));
  assert.deepEqual(states, ['closed', 'closed', 'closed', ...Array(3).fill('error: the network is offline')],
    'six sockets, all closed; the observer saw the offline failures');
  assert.deepEqual(errors, [], 'no page errors');

  // Record and replay: record a chat session, download it, replay the chat from it.
  await page.click('#har-record');
  await page.click('#mock-reconnect');
  await status(page, 'mock', 'OPEN');
  await say(page, 'mock', 'hello again');
  await waitForEntry(page, 'mock', 'received bot: HELLO AGAIN');
  await page.click('#mock-close');
  await status(page, 'mock', 'CLOSED');
  await page.click('#har-record'); // Stop
  assert.equal(await page.textContent('#har-status'), 'recorded 1 socket(s), 3 frame(s)');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#har-download')]);
  const har = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(download.suggestedFilename(), 'wsroute-session.har');
  assert.deepEqual(har.log.entries.map((e) => [e.request.url, e._webSocketMessages.map((m) => `${m.type} ${m.data}`), e._webSocketClose]), [[
    'wss://chat.example.test/ws',
    ['receive Welcome to the mock chat! Type /help for commands.', 'send hello again', 'receive bot: HELLO AGAIN'],
    { code: 1000, reason: 'closed by the user', wasClean: true, byPage: true },
  ]], 'the downloaded HAR');

  await page.click('#har-replay');
  assert.equal(await page.textContent('#har-status'), 'replaying the chat from the recording: reconnect the chat panel');
  const before = (await entries(page, 'mock')).length;
  await page.click('#mock-reconnect');
  await status(page, 'mock', 'OPEN');
  await say(page, 'mock', 'hello again');
  await waitForEntry(page, 'mock', 'received bot: HELLO AGAIN');
  await page.click('#mock-close');
  await status(page, 'mock', 'CLOSED');
  // The next socket replays the same (last) session; the page strays from it.
  await page.click('#mock-reconnect');
  await status(page, 'mock', 'OPEN');
  await say(page, 'mock', 'something else');
  await status(page, 'mock', 'CLOSED');
  assert.deepEqual((await entries(page, 'mock')).slice(before), [
    'info connecting to wss://chat.example.test/ws',
    'open open',
    'received Welcome to the mock chat! Type /help for commands.',
    'sent hello again',
    'received bot: HELLO AGAIN',
    'info close(1000, "closed by the user")',
    'close closed: code 1000, reason "closed by the user", wasClean true',
    'info connecting to wss://chat.example.test/ws',
    'open open',
    'received Welcome to the mock chat! Type /help for commands.',
    'sent something else',
    'close closed: code 1011, reason "wsroute: unexpected message", wasClean true',
  ], 'the replayed chat, then a page that says something the recording does not have');
  assert.deepEqual(errors, [
    'wsroute: wss://chat.example.test/ws: unexpected message: the page sent the text "something else" where the recording has the text "hello again"',
  ], 'the replay says on the console what it expected');
});
