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
