// A page served with `script-src 'self' 'wasm-unsafe-eval'` (no inline
// scripts, no eval) can load the classic script and route sockets.
import { test, env, assert, waitForLog } from './harness.mjs';

test('works under Content-Security-Policy: script-src \'self\' \'wasm-unsafe-eval\'', async ({ page }) => {
  const violations = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|wasm-unsafe-eval|unsafe-eval/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto(`${env.httpURL}/csp.html?echo=${encodeURIComponent(env.echoURL)}`);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/, 'the page is served with the CSP');
  await waitForLog(page, 'mock:hi');
  await waitForLog(page, 'routed:hi');
  const installed = await page.evaluate(() => typeof wsroute.version === 'string' && WebSocket.name === 'WebSocket');
  assert.ok(installed, 'wsroute installed');
  assert.deepEqual(violations, [], 'no CSP violation reported');
});

test('under a policy without \'wasm-unsafe-eval\' the script throws at once and installs nothing', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.httpURL}/csp-no-wasm.html`);
  const after = await page.evaluate(() => window.__after);
  assert.deepEqual(after, { native: true, api: 'undefined' }, 'the native WebSocket stays; no wsroute API');
  assert.equal(errors.length, 1, `one error, where the script started: ${errors.join(' | ')}`);
  assert.match(errors[0], /CompileError|WebAssembly|Content Security Policy|unsafe-eval/i);
});
