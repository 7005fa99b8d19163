// The shipped classic script against native, with the differential
// scenarios the wasm suites run on the crate (tests/js/fidelity.js,
// tests/fidelity.rs): each scenario's event log in a page without wsroute
// is the oracle, and pages with pkg/wsroute.global.js as an init script
// (unrouted, behind a connectToServer() route, and with a route that mocks
// the echo server) must log the same. The build's own steps for this script
// (exports and comments stripped, short wasm names) are thereby checked
// against native too.
import path from 'node:path';
import { test, env, assert } from './harness.mjs';

// As tests/fidelity.rs lists them: every scenario against a real server...
const DIFFERENTIAL = ['textBothWays', 'binaryArrayBuffer', 'binaryBlobOrdering', 'binaryFromAnotherRealm',
  'everyBufferKind', 'binaryTypeAtDispatch', 'closeCodes', 'serverClose', 'serverHello', 'subprotocol',
  'negotiatedExtension', 'handshakeRejected', 'badFrame', 'connectionDropped', 'closeWhileConnecting',
  'sendWhileConnecting', 'eventsAreTasks', 'bufferedAmountAfterClose', 'bufferedAmountDrains', 'constructorErrors', 'closeErrors',
  'interfaceShape', 'handlerOrder', 'handlerValues', 'checkOrder', 'unusualBuffers', 'reflectedShape',
  'subclassesAndListenerOptions', 'otherRealms', 'longAfterClose'];
// ... and those whose server only echoes, against a mock of it.
const MOCKED = ['textBothWays', 'binaryArrayBuffer', 'binaryFromAnotherRealm', 'everyBufferKind',
  'handlerValues', 'checkOrder', 'unusualBuffers', 'subclassesAndListenerOptions', 'otherRealms', 'longAfterClose'];

const FORWARD = 'wsroute.routeWebSocket("**", (route) => { route.connectToServer(); });';
const MOCK = 'wsroute.routeWebSocket("**", (route) => { route.onMessage((m) => route.send(m)); });';

// Runs `names` in one fresh page (wsroute installed by `inits`, if any);
// returns each scenario's log.
async function logs(browser, inits, names) {
  const context = await browser.newContext();
  try {
    // The scenarios' modules, served beside the test page.
    const dir = path.join(env.repo, 'tests', 'js');
    await context.route(`${env.httpURL}/scenarios/*.js`, (r) =>
      r.fulfill({ path: path.join(dir, path.basename(new URL(r.request().url()).pathname)) }));
    for (const init of inits) await context.addInitScript(init);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${env.httpURL}/blank.html`);
    const out = await page.evaluate(async ({ names, echo, http }) => {
      const scenarios = await import('/scenarios/fidelity.js');
      const result = {};
      for (const name of names) {
        try {
          result[name] = await scenarios[name](WebSocket, echo, http);
        } catch (e) {
          result[name] = [`threw ${e && e.stack || e}`];
        }
      }
      return result;
    }, { names, echo: env.echoURL, http: env.httpURL });
    assert.deepEqual(errors, [], 'no uncaught page errors');
    return out;
  } finally {
    await context.close();
  }
}

function compare(expected, got, what) {
  const differ = Object.keys(expected).filter((n) => JSON.stringify(got[n]) !== JSON.stringify(expected[n]));
  for (const n of differ) {
    assert.deepEqual(got[n], expected[n], `${n}: ${what} differs from native`);
  }
}

test('the classic script matches native in every differential scenario: unrouted, forwarded, mocked', async ({ browser }) => {
  const script = { path: env.pkgGlobal };
  const native = await logs(browser, [], DIFFERENTIAL);
  assert.ok(native.negotiatedExtension.some((l) => l.includes('ext=permessage-deflate')),
    `the echo server's /deflate path negotiated no extension: ${native.negotiatedExtension}`);
  for (const n of DIFFERENTIAL) {
    assert.ok(native[n].length > 0 && !String(native[n][0]).startsWith('threw'), `${n}: native: ${native[n]}`);
  }
  compare(native, await logs(browser, [script], DIFFERENTIAL), 'the unrouted classic script');
  compare(native, await logs(browser, [script, { content: FORWARD }], DIFFERENTIAL), 'a forwarding route');
  const mocked = Object.fromEntries(MOCKED.map((n) => [n, native[n]]));
  compare(mocked, await logs(browser, [script, { content: MOCK }], MOCKED), 'a mock of the echo server');
  // Where `scheduler.postTask` is missing (Safari), tasks are MessageChannel posts.
  const noPostTask = { content: 'Object.defineProperty(globalThis, "scheduler", { value: undefined });' };
  compare(native, await logs(browser, [noPostTask, script, { content: FORWARD }], DIFFERENTIAL),
    'a forwarding route without scheduler.postTask');
  compare(mocked, await logs(browser, [noPostTask, script, { content: MOCK }], MOCKED),
    'a mock of the echo server without scheduler.postTask');
}, { timeout: 180000 });
