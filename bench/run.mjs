// The wsroute benchmarks: every system, every workload, several rounds, in
// headless Chromium (/usr/bin/chromium via playwright-core; no browser
// download). Started by `cargo xtask bench`, which builds pkg/, starts the echo
// server and the static server on 127.0.0.1 and passes them in:
//
//   BENCH_ECHO_URL   ws://127.0.0.1:PORT of the xtask echo server
//   BENCH_CHURN_URLS comma-separated ws://127.0.0.1:PORT of more echo servers (memory churn)
//   BENCH_HTTP_URL   http://127.0.0.1:PORT serving bench/pages, /pkg/, /node_modules/
//   BENCH_ROUNDS     rounds per system and workload (default 5)
//   BENCH_QUICK      1 = smaller workloads and budgets (a smoke run)
//   BENCH_OUT_DIR    where results.json, report.md and the CPU profile go
//   BENCH_GLOBAL_RAW / BENCH_GLOBAL_GZIP  sizes of pkg/wsroute.global.js (gzip -9)
//   BENCH_REV        the git revision measured
//   CHROMIUM         the browser (default /usr/bin/chromium)
//
// Prints the report (markdown) and writes it to $BENCH_OUT_DIR/report.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFirefox } from './firefox.mjs';
import { measureNetwork, networkTable } from './network.mjs';
// The e2e suite's launch flags: nothing leaves the machine.
import { CHROMIUM_ARGS } from '../tests/e2e/chromium-args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

const env = {
  echoURL: process.env.BENCH_ECHO_URL || '',
  churnURLs: (process.env.BENCH_CHURN_URLS || '').split(',').filter(Boolean),
  httpURL: process.env.BENCH_HTTP_URL || '',
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS || (process.env.BENCH_QUICK === '1' ? 1 : 5)) | 0),
  quick: process.env.BENCH_QUICK === '1',
  outDir: process.env.BENCH_OUT_DIR || path.join(repo, 'target', 'bench'),
  globalRaw: Number(process.env.BENCH_GLOBAL_RAW || 0),
  globalGzip: Number(process.env.BENCH_GLOBAL_GZIP || 0),
  wasmRaw: Number(process.env.BENCH_WASM_RAW || 0),
  wasmGzip: Number(process.env.BENCH_WASM_GZIP || 0),
  baseGlobalRaw: Number(process.env.BENCH_BASE_GLOBAL_RAW || 0),
  baseGlobalGzip: Number(process.env.BENCH_BASE_GLOBAL_GZIP || 0),
  rev: process.env.BENCH_REV || 'unknown',
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  globalScript: path.join(repo, 'pkg', 'wsroute.global.js'),
  // `cargo xtask bench --baseline REV`: the classic script built at REV (served
  // at /base/), measured beside this build as `base-*` systems in the same run.
  baseScript: process.env.BENCH_BASE_SCRIPT || '',
  baseRev: process.env.BENCH_BASE_REV || '',
  routesScript: path.join(here, 'pages', 'wsroute-routes.js'),
  // Firefox ESR over geckodriver (empty: no Firefox runs).
  firefox: process.env.BENCH_FIREFOX || '',
  geckodriver: process.env.BENCH_GECKODRIVER || '',
  // Comma-separated system ids to measure (native is always measured, for the
  // ratios); empty: all. A filtered run skips the memory churn.
  systems: (process.env.BENCH_SYSTEMS || '').split(',').filter(Boolean),
};


const Q = env.quick;
// Wall-clock budget of the measured rounds; later runs are skipped (and say so).
const ROUNDS_BUDGET_MS = Q ? 75_000 : 480_000;
// The same for the Firefox runs (fewer systems: no Playwright).
const FIREFOX_BUDGET_MS = Q ? 60_000 : 300_000;
const RUN_TIMEOUT_MS = Q ? 10_000 : 30_000; // one workload in one page
const MEMORY_SOCKETS = Q ? 1_000 : 10_000;
// Runs of the network-conditions measurement per system (network.mjs).
const NETWORK_RUNS = Q ? 1 : 3;

const WORKLOADS = [
  {
    id: 'pingpong',
    label: 'ping-pong 64 B',
    unit: 'round trips/s',
    args: { workload: 'pingpong', durationMs: Q ? 300 : 1000, warmup: { durationMs: Q ? 100 : 200 } },
  },
  {
    id: 'text',
    label: `burst ${Q ? '2,000' : '20,000'} x 1 KB text`,
    unit: 'msg/s',
    args: { workload: 'burst', kind: 'text', n: Q ? 2_000 : 20_000, size: 1024, warmup: { n: Q ? 200 : 500 } },
  },
  {
    id: 'binary',
    label: `burst ${Q ? '50' : '500'} x 64 KB binary`,
    unit: 'MB/s',
    args: { workload: 'burst', kind: 'binary', n: Q ? 50 : 500, size: 65536, warmup: { n: Q ? 10 : 20 } },
  },
];

const echoPath = () => `${env.echoURL}/echo`;
// Mocks use a URL whose real server refuses the handshake (403), so a mock that
// leaked to the network would fail instead of silently measuring the network.
const mockPath = () => `${env.echoURL}/reject`;

/** The init script that registers a wsroute system's route (pages/wsroute-routes.js). */
const wsrouteRoute = (kind) =>
  `benchRoute(${JSON.stringify(kind)}, ${JSON.stringify(echoPath())}, ${JSON.stringify(mockPath())});`;

const SYSTEMS = [
  { id: 'native', label: 'native WebSocket', url: echoPath, mode: 'pass' },
  { id: 'wsroute-pass', label: 'wsroute unmatched (pass-through)', url: echoPath, mode: 'pass', wsroute: 'pass' },
  { id: 'wsroute-cts', label: 'wsroute connectToServer()', url: echoPath, mode: 'pass', wsroute: 'cts' },
  { id: 'wsroute-cts-handlers', label: 'wsroute connectToServer() + onMessage both ways', url: echoPath, mode: 'pass', wsroute: 'ctsHandlers' },
  { id: 'wsroute-mock', label: 'wsroute mock echo', url: mockPath, mode: 'mock', wsroute: 'mock' },
  { id: 'msw-mock', label: '@mswjs/interceptors mock echo', url: mockPath, mode: 'mock', page: 'msw-mock' },
  { id: 'msw-pass', label: '@mswjs/interceptors server.connect()', url: echoPath, mode: 'pass', page: 'msw-pass' },
  { id: 'mock-socket', label: 'mock-socket Server echo', url: mockPath, mode: 'mock', page: 'mock-socket' },
  { id: 'task-floor', label: 'ceiling: two real tasks per echo, nothing else (not a product)', url: mockPath, mode: 'mock', page: 'task-floor' },
  { id: 'pw-mock', label: 'Playwright routeWebSocket mock echo', url: mockPath, mode: 'mock', pw: 'mock' },
  { id: 'pw-cts', label: 'Playwright routeWebSocket connectToServer()', url: echoPath, mode: 'pass', pw: 'cts' },
];

// With a baseline, every wsroute system also runs on the baseline build.
if (env.baseScript) {
  for (const s of SYSTEMS.filter((x) => x.wsroute)) {
    SYSTEMS.push({ ...s, id: `base-${s.id}`, label: `${s.label} [baseline ${env.baseRev}]`, base: true });
  }
}

for (const id of env.systems) {
  if (!SYSTEMS.some((s) => s.id === id)) {
    throw new Error(`BENCH_SYSTEMS: unknown system ${JSON.stringify(id)}; known: ${SYSTEMS.map((s) => s.id).join(', ')}`);
  }
}
/** The systems whose rounds this run measures and reports (a chosen wsroute
 * system brings its baseline twin, so that `--systems` with `--baseline`
 * compares the two). */
const MEASURED = env.systems.length
  ? SYSTEMS.filter((s) => s.id === 'native' || env.systems.includes(s.id) ||
      (s.base && env.systems.includes(s.id.slice('base-'.length))))
  : SYSTEMS;

// Targets (wsroute rows only), as the issue "Lighter and faster" sets them:
// [systemId, workloadId, predicate, text]. The predicate gets the row's
// median and every system's median for that workload in the same run (and
// browser); it returns null when a reference row was not measured.
const known = (...xs) => xs.every((x) => Number.isFinite(x) && x > 0);
const atLeast = (share, ref) => (v, m) => (known(m[ref]) ? v >= share * m[ref] : null);
const MOCK_TEXT = '>= 0.9x the ceiling row, and above @mswjs/interceptors';
const mockTarget = (v, m) => (known(m['task-floor'], m['msw-mock']) ? v >= 0.9 * m['task-floor'] && v > m['msw-mock'] : null);
const TARGETS = [
  ...['pingpong', 'text', 'binary'].map((w) => ['wsroute-pass', w, atLeast(0.95, 'native'), '>= 0.95x native']),
  ...['pingpong', 'text', 'binary'].map((w) => ['wsroute-cts', w, atLeast(0.9, 'native'), '>= 0.9x native']),
  ['wsroute-mock', 'pingpong', mockTarget, MOCK_TEXT],
  ['wsroute-mock', 'text', mockTarget, MOCK_TEXT],
  ['wsroute-mock', 'binary', atLeast(0.5, 'task-floor'), '>= 0.5x the ceiling row'],
];
// Size and install targets of the same issue.
const SIZE_TARGET_KB = 40;
const INSTALL_TARGET_MS = { chromium: 4, firefox: 8 };

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function fmt(v, digits = 0) {
  if (v === undefined || v === null || Number.isNaN(v)) return 'n/a';
  if (Math.abs(v) >= 100 || digits === 0) return Math.round(v).toLocaleString('en-US');
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const firstLine = (e) => String((e && e.message) || e).split('\n')[0].replace(/\|/g, '/').slice(0, 160);

/** A fresh context + page with `system` set up and bench.html loaded. */
async function openSystem(browser, system, extraInit = []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logs.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  for (const s of extraInit) await page.addInitScript(s);
  if (system.wsroute) {
    await page.addInitScript({ path: system.base ? env.baseScript : env.globalScript });
    await page.addInitScript({ path: env.routesScript });
    await page.addInitScript({ content: wsrouteRoute(system.wsroute) });
  }
  if (system.pw === 'mock') {
    await page.routeWebSocket(system.url(), (ws) => {
      ws.onMessage((m) => ws.send(m));
    });
  } else if (system.pw === 'cts') {
    await page.routeWebSocket(system.url(), (ws) => {
      ws.connectToServer();
    });
  }
  await page.goto(benchURL(system), { timeout: 15_000 });
  await page.waitForFunction(() => window.benchReady, null, { timeout: 15_000 });
  const ready = await page.evaluate(() => window.benchReady);
  if (!ready.ok) throw new Error(`setup failed: ${ready.error}`);
  if (system.wsroute) {
    const ok = await page.evaluate(() => typeof wsroute === 'object' && typeof wsroute.routeWebSocket === 'function');
    if (!ok) throw new Error('wsroute is not installed');
  }
  return { context, page, logs };
}

async function runOne(browser, system, workload) {
  let ctx;
  try {
    ctx = await withTimeout(openSystem(browser, system), 30_000, 'page setup');
    const args = { ...workload.args, url: system.url(), timeoutMs: RUN_TIMEOUT_MS };
    if (args.warmup) args.warmup = { ...args.warmup, timeoutMs: RUN_TIMEOUT_MS };
    const entry = workload.entry || 'benchRun';
    const r = await withTimeout(
      ctx.page.evaluate(([e, a]) => window[e](a), [entry, args]),
      // warmup + run, each bounded in the page; this is the outer bound.
      2 * RUN_TIMEOUT_MS + 5_000,
      workload.label,
    );
    return { ok: true, ...r };
  } catch (e) {
    const extra = ctx && ctx.logs.length ? ` [${ctx.logs.slice(0, 2).join('; ')}]` : '';
    return { ok: false, error: firstLine(e) + firstLine(extra) };
  } finally {
    if (ctx) await withTimeout(ctx.context.close(), 10_000, 'context close').catch(() => {});
  }
}

/**
 * Every workload of every system in `systems`, `env.rounds` times, the order
 * rotated each round; `runOne(system, workload)` measures one run.
 */
async function measureRounds(systems, runOne, budgetMs, log, tag = '') {
  const started = Date.now();
  // results[system][workload] = [run...]
  const results = Object.fromEntries(systems.map((s) => [s.id, Object.fromEntries(WORKLOADS.map((w) => [w.id, []]))]));
  for (let round = 0; round < env.rounds; round++) {
    // Rotate the order each round so no system always runs first or last.
    const order = systems.map((_, i) => systems[(i + round) % systems.length]);
    for (const system of order) {
      for (const workload of WORKLOADS) {
        const runs = results[system.id][workload.id];
        if (Date.now() - started > budgetMs) {
          runs.push({ ok: false, skipped: true, error: `bench time budget (${budgetMs / 1000} s) used up` });
          continue;
        }
        // A run that timed out is not repeated: it would only eat the budget.
        const timedOut = runs.find((r) => !r.ok && /timed out/.test(r.error));
        if (timedOut) {
          runs.push({ ok: false, skipped: true, error: timedOut.error });
          continue;
        }
        const t = Date.now();
        const r = await runOne(system, workload);
        runs.push(r);
        log(`${tag}round ${round + 1}/${env.rounds}  ${system.id.padEnd(21)} ${workload.id.padEnd(9)} ` +
          (r.ok ? `${fmt(r.value, workload.id === 'binary' ? 1 : 0)} ${workload.unit}` +
            (r.syncDeliveries ? ` (${r.syncDeliveries} sync deliveries)` : '') : `FAILED: ${r.error}`) +
          `  [${Date.now() - t} ms]`);
      }
    }
  }
  return { results, ms: Date.now() - started };
}

/** The bench page's URL for `system`; `inPage` loads wsroute from the page itself (Firefox). */
function benchURL(system, inPage = false) {
  const q = new URLSearchParams({ system: system.page || system.id, url: system.url() });
  if (inPage && system.wsroute) {
    q.set('wsroute', system.wsroute);
    if (system.base) q.set('base', '1');
    q.set('echo', echoPath());
    q.set('mock', mockPath());
  }
  return `${env.httpURL}/bench.html?${q}`;
}

/** One run in Firefox: a fresh document (about:blank first), then the workload. */
async function runFirefoxOne(ff, system, workload) {
  try {
    await withTimeout(ff.navigate('about:blank'), 15_000, 'about:blank');
    await withTimeout(ff.navigate(benchURL(system, true)), 20_000, 'page load');
    const ready = await withTimeout(ff.run(`
      for (let i = 0; i < 300 && !window.benchReady; i++) await new Promise((r) => setTimeout(r, 50));
      const r = window.benchReady || { ok: false, error: 'benchReady was never set' };
      if (r.ok && args.wsroute && !(typeof wsroute === 'object' && typeof wsroute.routeWebSocket === 'function')) {
        return { ok: false, error: 'wsroute is not installed' };
      }
      return r;`, { wsroute: Boolean(system.wsroute) }), 20_000, 'page setup');
    if (!ready.ok) throw new Error(`setup failed: ${ready.error}`);
    const args = { ...workload.args, url: system.url(), timeoutMs: RUN_TIMEOUT_MS };
    if (args.warmup) args.warmup = { ...args.warmup, timeoutMs: RUN_TIMEOUT_MS };
    const r = await withTimeout(ff.run(`return await ${workload.entry || 'benchRun'}(args);`, args), 2 * RUN_TIMEOUT_MS + 5_000, workload.label);
    return { ok: true, ...r };
  } catch (e) {
    return { ok: false, error: firstLine(e) };
  }
}

/** Firefox: the systems that need no Playwright, and the script-tag install time. */
async function measureFirefox(log) {
  if (!env.firefox || !env.geckodriver) {
    log('firefox: skipped (no firefox-esr or geckodriver)');
    return { skipped: 'no firefox-esr or geckodriver on this machine' };
  }
  let ff;
  try {
    ff = await withTimeout(startFirefox({ repo, geckodriver: env.geckodriver, firefox: env.firefox }), 90_000, 'Firefox start');
  } catch (e) {
    log(`firefox: cannot start: ${firstLine(e)}`);
    return { error: firstLine(e) };
  }
  try {
    log(`firefox: ${ff.version}`);
    const systems = MEASURED.filter((s) => !s.pw);
    const rounds = await measureRounds(systems, (system, workload) => runFirefoxOne(ff, system, workload),
      FIREFOX_BUDGET_MS, log, 'firefox ');
    const network = await measureNetwork(systems, (system, workload) => runFirefoxOne(ff, system, workload), NETWORK_RUNS, log, 'firefox ');
    const tagPage = (name) => async () => {
      await ff.navigate('about:blank');
      await ff.navigate(`${env.httpURL}/${name}`);
      return ff.run(READ_TAG_INSTALL, {});
    };
    const n = Math.max(2 * env.rounds, 10);
    const tag = await installSamples(n, tagPage('install.html'));
    const [empty, mockSocket] = await installSamples(n, tagPage('install-empty.html'), tagPage('install-mock-socket.html'));
    const f = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
    log(`firefox install: first statement to installed ${f(tag.inner)} ms; page view ${f(tag.page)} ms; empty script ${f(empty.page)} ms; mock-socket ${f(mockSocket.page)} ms`);
    log(`firefox first use: ${f(tag.first)} ms (loading the wasm ${f(tag.load)} ms)`);
    return { version: ff.version, systems: systems.map((s) => s.id), rounds, network, install: { tag, empty, mockSocket } };
  } finally {
    await withTimeout(ff.close(), 15_000, 'Firefox close').catch(() => {});
  }
}

async function cdp(page) {
  return page.context().newCDPSession(page);
}

/**
 * Reads a script-tag install page (install.html or install-empty.html):
 * `page` is the time from the script's responseEnd (or the inline script
 * before it, if later) to the inline script after it; `inner` is the
 * script's own `wsroute.__installMs` (first statement to installed).
 */
const READ_TAG_INSTALL = `
  const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith(window.__benchScript));
  const start = Math.max(window.__benchT0, entry ? entry.responseEnd : 0);
  return {
    page: window.__benchT1 - start,
    inner: typeof wsroute === 'object' ? wsroute.__installMs : null,
    first: typeof window.__benchFirstUse === 'number' ? window.__benchFirstUse : null,
    load: typeof wsroute === 'object' && typeof wsroute.__loadMs === 'number' ? wsroute.__loadMs : null,
    ok: window.__benchInstalled,
  };`;

/**
 * Median-ready lists of install times; each `measure()` returns one sample
 * (or throws). With several measures they take turns, and one list comes
 * back for each.
 */
async function installSamples(n, ...measures) {
  const outs = measures.map(() => ({ inner: [], page: [], first: [], load: [], total: [], errors: [] }));
  // The first page of a fresh browser pays for warming the browser itself
  // (up to 5x slower here): one unmeasured pass first.
  for (let i = -1; i < n; i++) {
    for (const [k, measure] of measures.entries()) {
      const out = outs[k];
      try {
        const r = await measure();
        if (!r.ok) out.errors.push('not installed');
        else if (i >= 0) {
          out.page.push(r.page);
          for (const k of ['inner', 'first', 'load', 'total']) if (typeof r[k] === 'number') out[k].push(r[k]);
        }
      } catch (e) {
        out.errors.push(firstLine(e));
      }
    }
  }
  return measures.length === 1 ? outs[0] : outs;
}

/**
 * Install time, two ways: from the script's first statement to installed
 * (`wsroute.__installMs`, what the target is about), and as the page sees
 * it (parse and the browser's own script overhead included), with an empty
 * script measured the same way as the baseline of the latter.
 */
async function measureInstall(browser, log) {
  const n = Math.max(2 * env.rounds, 10);
  const inContext = async (f) => {
    const context = await browser.newContext();
    try {
      return await f(await context.newPage());
    } finally {
      await context.close().catch(() => {});
    }
  };
  const initOf = (script) => () => inContext(async (page) => {
    await page.addInitScript({ content: 'window.__benchNative = WebSocket; window.__benchT0 = performance.now();' });
    await page.addInitScript({ path: script });
    await page.addInitScript({
      content: 'window.__benchT1 = performance.now(); window.__benchInstalled = typeof wsroute === "object" && WebSocket !== window.__benchNative;',
    });
    await page.goto(`${env.httpURL}/empty.html`, { timeout: 15_000 });
    return page.evaluate(() => {
      const r = { page: window.__benchT1 - window.__benchT0, inner: wsroute.__installMs, ok: window.__benchInstalled };
      // The first use, as install.html times it: with a build that loads
      // its wasm at install, install + first use is the comparable sum.
      const t = performance.now();
      wsroute.routeWebSocket('wss://example.test/first', () => {});
      new WebSocket('wss://example.test/first').close();
      r.first = performance.now() - t;
      r.total = r.inner + r.first;
      return r;
    });
  });
  // With a baseline, its script and this build's take turns, page by page,
  // so both see the same machine.
  const [init, baseInit] = env.baseScript
    ? await installSamples(n, initOf(env.globalScript), initOf(env.baseScript))
    : [await installSamples(n, initOf(env.globalScript)), null];
  const tagPage = (name) => () => inContext(async (page) => {
    await page.goto(`${env.httpURL}/${name}`, { timeout: 15_000 });
    return page.evaluate(new Function(READ_TAG_INSTALL));
  });
  const tag = await installSamples(n, tagPage('install.html'));
  // The empty script and mock-socket's take turns, page by page.
  const [empty, mockSocket] = await installSamples(n, tagPage('install-empty.html'), tagPage('install-mock-socket.html'));
  const f = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
  log(`install (first statement to installed): addInitScript ${f(init.inner)} ms; <script src> ${f(tag.inner)} ms`);
  log(`install (page view): addInitScript ${f(init.page)} ms; <script src> ${f(tag.page)} ms; empty <script src> ${f(empty.page)} ms; mock-socket ${f(mockSocket.page)} ms`);
  log(`first use (<script src>): ${f(tag.first)} ms (loading the wasm ${f(tag.load)} ms)`);
  if (baseInit) log(`install (first statement to installed), baseline ${env.baseRev}: addInitScript ${f(baseInit.inner)} ms`);
  return { init, tag, empty, mockSocket, baseInit };
}

// Pass-through cost per message. Throughput cannot resolve 5% on this
// machine, so this measures the page's main-thread CPU time (CDP
// `Performance.getMetrics` TaskDuration: every task the renderer's main
// thread ran, idle excluded) per echoed message, for the native WebSocket and
// for wsroute's pass-through, alternating in one page (wsroute installed with
// one unmatched route; the native constructor captured before the script).
const COST_SETS = Q ? 4 : 16;
const COST_TARGET = 1.05;
const COST_WORKLOADS = [
  { id: 'text64', label: '64 B text', kind: 'text', size: 64, n: Q ? 1000 : 4000 },
  { id: 'text1k', label: '1 KB text', kind: 'text', size: 1024, n: Q ? 1000 : 4000 },
  { id: 'binary64k', label: '64 KB binary', kind: 'binary', size: 65536, n: Q ? 50 : 200 },
];
const CAPTURE_NATIVE = 'globalThis.__benchNativeWebSocket = globalThis.WebSocket;';

/** In the page: opens a socket (`mode`: the native constructor, the native
 * one with every message re-fired at an EventTarget, or the page's), sends `n`
 * messages in one task, waits for every echo, closes. */
async function costBurst({ kind, size, n, url, mode, timeoutMs }) {
  const WS = mode === 'wsroute' ? globalThis.WebSocket : globalThis.__benchNativeWebSocket;
  const ws = new WS(url);
  ws.binaryType = 'arraybuffer';
  let target = ws;
  if (mode === 'refire') {
    // What any shim that keeps its own object must do per message, and nothing else.
    target = new EventTarget();
    ws.addEventListener('message', (e) => target.dispatchEvent(new MessageEvent('message', { data: e.data, origin: e.origin })));
  }
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('the socket failed to open'));
  });
  const payload = kind === 'text' ? 'x'.repeat(size) : new Uint8Array(size).buffer;
  let got = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${got} of ${n} echoes`)), timeoutMs);
    target.addEventListener('message', () => {
      if (++got === n) {
        clearTimeout(timer);
        resolve();
      }
    });
    ws.onclose = () => reject(new Error(`closed after ${got} of ${n} echoes`));
    for (let i = 0; i < n; i++) ws.send(payload);
  });
  ws.onclose = null;
  ws.close();
  return { count: got };
}

async function measurePassCost(browser, log) {
  const system = SYSTEMS.find((s) => s.id === 'wsroute-pass');
  const out = [];
  let ctx;
  try {
    ctx = await withTimeout(openSystem(browser, system, [CAPTURE_NATIVE]), 30_000, 'page setup');
    const session = await cdp(ctx.page);
    await session.send('Performance.enable');
    const taskSeconds = async () => (await session.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration').value;
    for (const w of COST_WORKLOADS) {
      const pairs = [];
      try {
        for (let i = 0; i < COST_SETS; i++) {
          const pair = {};
          const order = ['native', 'refire', 'wsroute'];
          for (let k = 0; k < order.length; k++) {
            const which = order[(i + k) % order.length];
            const args = { kind: w.kind, size: w.size, n: w.n, url: echoPath(), mode: which, timeoutMs: RUN_TIMEOUT_MS };
            // Every burst starts from a collected heap: the garbage of the
            // burst before (the re-fire floor's events above all) is not
            // collected on the next one's time.
            await session.send('HeapProfiler.collectGarbage');
            const before = await taskSeconds();
            const r = await withTimeout(ctx.page.evaluate(costBurst, args), RUN_TIMEOUT_MS + 5_000, `${w.label} (${which})`);
            pair[which] = ((await taskSeconds()) - before) * 1e6 / r.count;
          }
          pairs.push(pair);
        }
        const ratio = median(pairs.map((p) => p.wsroute / p.native));
        log(`pass cost: ${w.label}: native ${median(pairs.map((p) => p.native)).toFixed(1)} us/msg, re-fire floor ${median(pairs.map((p) => p.refire)).toFixed(1)}, pass-through ${median(pairs.map((p) => p.wsroute)).toFixed(1)} us/msg, ratio ${ratio.toFixed(3)}`);
        out.push({ ...w, ok: true, pairs });
      } catch (e) {
        out.push({ ...w, ok: false, error: firstLine(e) });
        log(`pass cost: ${w.label}: FAILED ${firstLine(e)}`);
      }
    }
  } catch (e) {
    out.push({ label: 'page setup', ok: false, error: firstLine(e) });
    log(`pass cost: FAILED ${firstLine(e)}`);
  } finally {
    if (ctx) await ctx.context.close().catch(() => {});
  }
  return out;
}

/** The "pass-through cost per message" table. */
function passCostTable(L, cost, misses) {
  L.push('## Pass-through cost per message (Chromium)');
  L.push('');
  L.push('| workload | native us/msg | floor: native + re-fire (not a product) us/msg | floor / native | pass-through us/msg | pass-through / native (median of sets) | range | sets | target | met |');
  L.push('|---|---:|---:|---:|---:|---:|---|---:|---|---|');
  for (const w of cost) {
    if (!w.ok) {
      L.push(`| ${w.label} | n/a: ${w.error} | | | | | | | <= ${COST_TARGET}x native | n/a |`);
      continue;
    }
    const ratios = w.pairs.map((p) => p.wsroute / p.native);
    const ratio = median(ratios);
    const ok = ratio <= COST_TARGET;
    if (!ok) misses.push(`wsroute unmatched (pass-through), CPU per message, ${w.label}: ${ratio.toFixed(3)}x native vs <= ${COST_TARGET}x`);
    const floor = median(w.pairs.map((p) => p.refire / p.native));
    L.push(`| ${w.n} x ${w.label} | ${median(w.pairs.map((p) => p.native)).toFixed(1)} | ${median(w.pairs.map((p) => p.refire)).toFixed(1)} | ${floor.toFixed(3)}x | ` +
      `${median(w.pairs.map((p) => p.wsroute)).toFixed(1)} | ${ratio.toFixed(3)}x | ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)} | ${w.pairs.length} | <= ${COST_TARGET}x native | ${ok ? 'yes' : '**NO**'} |`);
  }
  L.push('');
  L.push('CPU is the renderer main thread\'s task time (CDP `Performance.getMetrics` `TaskDuration`, idle excluded) over one burst ' +
    '(open, send every message in one task, every echo, close), divided by the messages; the network service runs elsewhere and is not counted. ' +
    'Native, the floor and wsroute\'s pass-through alternate in one page (wsroute installed with one route that does not match; the native constructor ' +
    'captured before the script), the order rotated every set, the heap collected before each burst; each ratio is the median of the sets\' ratios. The floor row is the native socket with one ' +
    'listener that re-fires every message at an EventTarget (a new MessageEvent and a dispatch), the least any shim that keeps its own object does per message. ' +
    'Firefox has no such counter: not measured there.');
  L.push('');
}

const WASM_HOOK = `(() => {
  // Debug hook for the memory report only: keep every wasm instance the page creates
  // (wasm-bindgen's initSync calls new WebAssembly.Instance) so its memory can be read.
  const Original = WebAssembly.Instance;
  const seen = (globalThis.__benchWasmInstances = []);
  WebAssembly.Instance = new Proxy(Original, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      seen.push(instance);
      return instance;
    },
  });
})();`;

async function memorySnapshot(page, session) {
  await session.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(50);
  await session.send('HeapProfiler.collectGarbage');
  const heap = await session.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => {
    const mems = (globalThis.__benchWasmInstances || [])
      .map((i) => i.exports && i.exports.memory)
      .filter((m) => m instanceof WebAssembly.Memory);
    return mems.length ? mems.reduce((s, m) => s + m.buffer.byteLength, 0) : null;
  });
  return { heapUsed: heap.usedSize, heapTotal: heap.totalSize, wasm };
}

/** Memory after MEMORY_SOCKETS sockets opened, used and closed. */
async function measureMemory(browser, log) {
  const variants = [
    { label: 'wsroute mock echo', system: SYSTEMS.find((s) => s.id === 'wsroute-mock') },
    { label: 'wsroute unmatched (pass-through)', system: SYSTEMS.find((s) => s.id === 'wsroute-pass') },
    { label: 'native WebSocket (JS heap reference)', system: SYSTEMS.find((s) => s.id === 'native') },
  ];
  const out = [];
  for (const v of variants) {
    let ctx;
    try {
      ctx = await withTimeout(openSystem(browser, v.system, [WASM_HOOK]), 30_000, 'page setup');
      const session = await cdp(ctx.page);
      const before = await memorySnapshot(ctx.page, session);
      const timeoutMs = Q ? 20_000 : 40_000;
      // Pass-through sockets spread over several echo servers (see churn()).
      const urls = v.system.mode === 'pass' ? [echoPath(), ...env.churnURLs.map((u) => `${u}/echo`)] : [v.system.url()];
      const churn = await withTimeout(
        ctx.page.evaluate((a) => benchRun(a), { workload: 'churn', urls, n: MEMORY_SOCKETS, concurrency: 8, timeoutMs }),
        timeoutMs + 15_000,
        'churn',
      );
      await ctx.page.waitForTimeout(200);
      const after = await memorySnapshot(ctx.page, session);
      out.push({ label: v.label, ok: true, before, after, churn });
      log(`memory: ${v.label}: ${churn.count} sockets in ${Math.round(churn.ms)} ms; heap ${before.heapUsed} -> ${after.heapUsed}; wasm ${before.wasm} -> ${after.wasm}`);
    } catch (e) {
      out.push({ label: v.label, ok: false, error: firstLine(e) });
      log(`memory: ${v.label}: FAILED ${firstLine(e)}`);
    } finally {
      if (ctx) await ctx.context.close().catch(() => {});
    }
  }
  return out;
}

const META = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** Top self-time functions of a .cpuprofile (and the meta nodes' totals apart). */
function topSelf(profile, n) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = profile.timeDeltas[i] || 0;
    if (!node) continue;
    total += dt;
    const f = node.callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) || 0) + dt);
  }
  const row = ([fn, us]) => ({ fn, ms: us / 1000, pct: (100 * us) / total });
  const sorted = [...self.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    meta: sorted.filter(([fn]) => META.has(fn)).map(row),
    top: sorted.filter(([fn]) => !META.has(fn)).slice(0, n).map(row),
  };
}

/** A CPU profile of wsroute's mocked text burst. */
async function profileMockBurst(browser, log) {
  let ctx;
  try {
    const system = SYSTEMS.find((s) => s.id === 'wsroute-mock');
    const workload = WORKLOADS.find((w) => w.id === 'text');
    ctx = await withTimeout(openSystem(browser, system), 30_000, 'page setup');
    const session = await cdp(ctx.page);
    const args = { ...workload.args, url: system.url(), timeoutMs: RUN_TIMEOUT_MS };
    delete args.warmup;
    // Warm up first (the profile is of the steady state), then profile one burst.
    await withTimeout(ctx.page.evaluate((a) => benchRun(a), { ...args, n: workload.args.warmup.n }), RUN_TIMEOUT_MS + 5_000, 'warmup');
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    await session.send('Profiler.start');
    const r = await withTimeout(ctx.page.evaluate((a) => benchRun(a), args), RUN_TIMEOUT_MS + 5_000, 'profiled burst');
    const { profile } = await session.send('Profiler.stop');
    await mkdir(env.outDir, { recursive: true });
    const file = path.join(env.outDir, 'wsroute-mock-burst.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    const top = topSelf(profile, 10);
    log(`profile: ${file} (${fmt(r.value)} msg/s while profiling)`);
    return { ok: true, file: path.relative(repo, file), value: r.value, ...top };
  } catch (e) {
    log(`profile: FAILED ${firstLine(e)}`);
    return { ok: false, error: firstLine(e) };
  } finally {
    if (ctx) await ctx.context.close().catch(() => {});
  }
}

async function machine(browser) {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0]?.model || 'unknown';
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const memKb = Number((meminfo.match(/^MemTotal:\s*(\d+)/m) || [])[1] || 0);
  const pkgVersion = async (name) => {
    try {
      return JSON.parse(await readFile(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: model.trim(),
    memory: memKb ? `${(memKb / 1024 / 1024).toFixed(1)} GiB` : `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    chromium: browser.version(),
    node: process.version,
    playwright: await pkgVersion('playwright-core'),
    msw: await pkgVersion('@mswjs/interceptors'),
    mockSocket: await pkgVersion('mock-socket'),
    wsroute: JSON.parse(await readFile(path.join(repo, 'pkg', 'package.json'), 'utf8')).version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function summarise(runs) {
  const ok = runs.filter((r) => r.ok);
  const failed = runs.filter((r) => !r.ok && !r.skipped);
  const skipped = runs.filter((r) => r.skipped);
  return {
    failedN: failed.length,
    skippedN: skipped.length,
    skipWhy: skipped.length ? skipped[0].error : '',
    ok: ok.length,
    n: runs.length,
    median: ok.length ? median(ok.map((r) => r.value)) : NaN,
    min: ok.length ? Math.min(...ok.map((r) => r.value)) : NaN,
    max: ok.length ? Math.max(...ok.map((r) => r.value)) : NaN,
    sync: ok.reduce((s, r) => s + (r.syncDeliveries || 0), 0),
    error: failed.length ? failed[0].error : skipped.length ? skipped[0].error : '',
  };
}

/** How busy the CPUs are (all processes) over `ms`, from /proc/stat, in percent. */
async function cpuBusy(ms) {
  const read = async () => {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = line[3] + (line[4] || 0);
    return { idle, total: line.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = await read();
    await new Promise((r) => setTimeout(r, ms));
    const b = await read();
    return Math.round((100 * (1 - (b.idle - a.idle) / (b.total - a.total))) || 0);
  } catch {
    return NaN;
  }
}

async function loadavg() {
  const s = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return s.split(' ').slice(0, 3).join(' ') || 'unknown';
}

/** One table per workload: `systems`' medians, ratios to native and targets. */
function workloadTables(L, systems, results, misses, heading) {
  const nativeMed = Object.fromEntries(WORKLOADS.map((w) => [w.id, summarise(results.native[w.id]).median]));
  for (const w of WORKLOADS) {
    // Every measured system's median for this workload: the targets' references.
    const medians = Object.fromEntries(systems.map((s) => {
      const r = summarise(results[s.id][w.id]);
      return [s.id, r.ok ? r.median : NaN];
    }));
    const ceiling = medians['task-floor'];
    L.push(`## ${heading}${w.label} (${w.unit})`);
    L.push('');
    L.push(`| system | median ${w.unit} | ratio to native | range | rounds ok | target | met |`);
    L.push('|---|---:|---:|---|---:|---|---|');
    for (const s of systems) {
      const r = summarise(results[s.id][w.id]);
      const digits = w.id === 'binary' ? 1 : 0;
      const ratio = r.median / nativeMed[w.id];
      const t = TARGETS.find(([sid, wid]) => sid === s.id && wid === w.id);
      let met = '';
      if (t) {
        if (r.ok === 0) met = 'n/a';
        else {
          const pass = t[2](r.median, medians);
          met = pass === null ? 'n/a (reference not measured)' : pass ? 'yes' : '**NO**';
          const toCeiling = known(ceiling) ? `, ${(r.median / ceiling).toFixed(2)}x the ceiling` : '';
          if (pass === false) misses.push(`${heading}${s.label}, ${w.label}: ${fmt(r.median, digits)} ${w.unit} (${ratio.toFixed(2)}x native${toCeiling}) vs ${t[3]}`);
        }
      }
      const value = r.ok
        ? fmt(r.median, digits)
        : `n/a: ${r.error}`;
      const notes = [];
      if (r.ok && r.failedN) notes.push(`${r.failedN} failed: ${r.error}`);
      if (r.ok && r.skippedN) notes.push(`${r.skippedN} not run: ${r.skipWhy}`);
      if (r.sync) notes.push(`${fmt(r.sync)} echoes delivered synchronously inside send()`);
      L.push(`| ${s.label} | ${value}${notes.length ? ` (${notes.join('; ')})` : ''} | ${r.ok && Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a'} | ` +
        `${r.ok ? `${fmt(r.min, digits)}-${fmt(r.max, digits)}` : ''} | ${r.ok}/${r.n} | ${t ? t[3] : ''} | ${met} |`);
    }
    L.push('');
  }
}

function report({ m, rounds, network, install, memory, profile, load, firefox, cost }) {
  const L = [];
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  L.push('# wsroute benchmarks');
  L.push('');
  L.push('Written by `cargo xtask bench` (see README / `cargo xtask help`); do not edit by hand.');
  L.push(Q ? '**QUICK smoke run: smaller workloads, fewer rounds; not comparable with a full run.**' : '');
  L.push('');
  L.push(`- date: ${m.date}; wsroute ${m.wsroute} at ${env.rev}`);
  L.push(`- machine: ${m.nproc} CPUs (${m.cpu}), ${m.memory} memory, ${m.kernel}`);
  L.push(`- Chromium ${m.chromium} (headless, ${env.chromium}); Node ${m.node}; playwright-core ${m.playwright}; ` +
    `@mswjs/interceptors ${m.msw}; mock-socket ${m.mockSocket}`);
  L.push(`- ${env.rounds} round${env.rounds > 1 ? 's' : ''}; every run in a fresh browser context; the order of systems rotates each round; ` +
    `each run first warms up on its own socket (${WORKLOADS.map((w) => `${w.id}: ${w.args.warmup.durationMs ? `${w.args.warmup.durationMs} ms` : `${w.args.warmup.n} msgs`}`).join(', ')}), then measures on a fresh one.`);
  L.push(`- servers: the xtask echo server (tungstenite, one thread per connection) and static server, both on 127.0.0.1; ` +
    'mocks use the URL `/reject` of that server (403), so a mock that leaked to the network would fail.');
  L.push(`- measured rounds took ${(rounds.ms / 1000).toFixed(0)} s. CPUs ${load.busyBefore}% busy in the 2 s before the start ` +
    `(load average ${load.start}; ${load.end} at the end)` +
    (load.busyBefore > 10 ? ' - **other work was running on the 2 cores: expect noise**' : '') + '.');
  L.push('');
  L.push('Workloads: **ping-pong** sends 64 B text, the next send in the echo\'s message handler, for ' +
    `${WORKLOADS[0].args.durationMs} ms (round trips/s); **text burst** sends ${fmt(WORKLOADS[1].args.n)} x 1 KB text in one task and waits for every echo (msg/s); ` +
    `**binary burst** sends ${fmt(WORKLOADS[2].args.n)} x 64 KB ArrayBuffers the same way (MB/s = 10^6 payload bytes one way per second). ` +
    '`ratio` is the median over the native WebSocket\'s median in the same run; `range` is min-max over rounds. ' +
    'Targets apply to wsroute rows.');
  L.push('');
  const misses = [];
  workloadTables(L, MEASURED, rounds.results, misses, '');
  if (firefox && firefox.rounds) {
    L.push(`## Firefox ${firefox.version} (headless firefox-esr over geckodriver)`);
    L.push('');
    L.push('The same workloads, pages and servers in Firefox ESR, driven through WebDriver (Playwright cannot drive a stock ' +
      'Firefox, so its `routeWebSocket` rows are Chromium-only). Each run navigates to `about:blank`, then to the bench page; ' +
      'wsroute is loaded by the page itself (`?wsroute=MODE`: the classic script, then the route, first in `<head>`). ' +
      `Measured rounds took ${(firefox.rounds.ms / 1000).toFixed(0)} s.`);
    L.push('');
    workloadTables(L, MEASURED.filter((s) => firefox.systems.includes(s.id)), firefox.rounds.results, misses, 'Firefox: ');
  } else if (firefox) {
    L.push(`Firefox: not measured (${firefox.skipped || firefox.error}).`);
    L.push('');
  }
  if (cost.length) passCostTable(L, cost, misses);
  networkTable(L, '', network);
  if (firefox && firefox.network) networkTable(L, 'Firefox: ', firefox.network);
  L.push('## Size and install time of `pkg/wsroute.global.js`');
  L.push('');
  const sizeOk = env.globalGzip > 0 && env.globalGzip <= SIZE_TARGET_KB * 1024;
  if (!sizeOk) misses.push(`global script gzip size ${kb(env.globalGzip)} vs <= ${SIZE_TARGET_KB} KB`);
  L.push('| what | value | target | met |');
  L.push('|---|---:|---|---|');
  L.push(`| raw size | ${fmt(env.globalRaw)} B (${kb(env.globalRaw)}) | | |`);
  L.push(`| gzip -9 size | ${fmt(env.globalGzip)} B (${kb(env.globalGzip)}) | <= ${SIZE_TARGET_KB} KB | ${sizeOk ? 'yes' : '**NO**'} |`);
  if (env.wasmRaw) L.push(`| \`pkg/wsroute_bg.wasm\` (the ES module's wasm), raw / gzip -9 | ${fmt(env.wasmRaw)} B / ${fmt(env.wasmGzip)} B | | |`);
  if (env.baseGlobalRaw) {
    const d = (a, b) => `${a - b >= 0 ? '+' : ''}${fmt(a - b)} B`;
    L.push(`| baseline ${env.baseRev}: raw / gzip -9 | ${fmt(env.baseGlobalRaw)} B / ${fmt(env.baseGlobalGzip)} B ` +
      `(this build ${d(env.globalRaw, env.baseGlobalRaw)} / ${d(env.globalGzip, env.baseGlobalGzip)}) | | |`);
  }
  const ff = firefox && firefox.install ? firefox.install : null;
  // [label, samples, target in ms or null]: the target is about the script's own time.
  const { chromium: cr, firefox: fx } = INSTALL_TARGET_MS;
  // The page view target: no slower than mock-socket's in the same run.
  const peerTarget = (xs) => (xs.length ? { ms: median(xs), goal: `<= mock-socket's (${fmt(median(xs), 2)} ms)` } : null);
  const rows = [
    ['install, script start to installed, addInitScript', install.init.inner, cr],
    ...(install.baseInit ? [[`baseline ${env.baseRev}: install, script start to installed, addInitScript (pages alternating with the row above)`, install.baseInit.inner, null]] : []),
    ['install + first use (a route and a mocked socket), addInitScript', install.init.total, null],
    ...(install.baseInit ? [[`baseline ${env.baseRev}: install + first use, addInitScript (pages alternating with the row above)`, install.baseInit.total, null]] : []),
    ['install, script start to installed, `<script src>`', install.tag.inner, cr],
    ...(ff ? [['Firefox: install, script start to installed, `<script src>`', ff.tag.inner, fx]] : []),
    ['page view: addInitScript, init script before to init script after', install.init.page, null],
    ['page view: `<script src>`, responseEnd to the next inline script', install.tag.page, peerTarget(install.mockSocket.page)],
    ['page view: an empty `<script src>` measured the same way (baseline)', install.empty.page, null],
    ['page view: mock-socket\'s `<script src>` and its install, measured the same way (peer)', install.mockSocket.page, null],
    ['first use after the script tag: a route and a mocked socket', install.tag.first, null],
    ['of which loading the wasm: unpack, compile, instantiate (`wsroute.__loadMs`)', install.tag.load, null],
    ...(ff ? [
      ['Firefox page view: `<script src>`, responseEnd to the next inline script', ff.tag.page, ff.mockSocket ? peerTarget(ff.mockSocket.page) : null],
      ['Firefox page view: an empty `<script src>` (baseline)', ff.empty.page, null],
      ['Firefox page view: mock-socket\'s `<script src>` and its install (peer)', ff.mockSocket ? ff.mockSocket.page : [], null],
      ['Firefox first use after the script tag: a route and a mocked socket', ff.tag.first, null],
      ['Firefox: of which loading the wasm (`wsroute.__loadMs`)', ff.tag.load, null],
    ] : []),
  ];
  for (const [label, xs, target] of rows) {
    const goal = target === null ? '' : typeof target === 'number' ? `<= ${target} ms` : target.goal;
    if (!xs.length) {
      L.push(`| ${label} | n/a (no samples) | ${goal} | ${target === null ? '' : 'n/a'} |`);
      continue;
    }
    const v = median(xs);
    const ok = target !== null && v <= (typeof target === 'number' ? target : target.ms);
    if (target !== null && !ok) misses.push(`${label.replace(/`/g, '')}: ${v.toFixed(2)} ms vs ${goal}`);
    L.push(`| ${label} (median of ${xs.length}; range ${fmt(Math.min(...xs), 2)}-${fmt(Math.max(...xs), 2)} ms) | ${fmt(v, 2)} ms | ` +
      `${goal} | ${target === null ? '' : ok ? 'yes' : '**NO**'} |`);
  }
  L.push('');
  const errors = [...install.init.errors, ...(install.baseInit ? install.baseInit.errors : []), ...install.tag.errors, ...install.empty.errors,
    ...install.mockSocket.errors, ...(ff ? [...ff.tag.errors, ...ff.empty.errors, ...(ff.mockSocket ? ff.mockSocket.errors : [])] : [])];
  L.push('**Script start to installed** is `wsroute.__installMs`, which the classic script records from its first statement to the class in place of the global `WebSocket`: ' +
    'the JavaScript class and glue, with no wasm yet. The target applies to it. The wasm is unpacked (a decoder of its own, see xtask/src/build/pack.rs), compiled and instantiated ' +
    'synchronously on first use (the first `new WebSocket` or API call), which `wsroute.__loadMs` times; **first use** is the page\'s time for its first route and mocked socket, the load included. ' +
    'A page (or frame) that never opens a socket pays for none of it. ' +
    '**Page view** is `performance.now()` from an init script (or inline script) just before the classic script to one just after it, in a fresh context each time; ' +
    `for the script tag it starts at the later of that and the script's \`responseEnd\` (so it excludes the download) and so also counts parsing the ${kb(env.globalRaw)} script ` +
    'and the browser\'s own work to run a script element, which the empty-script baseline shows. One unmeasured page load comes first (the first page of a fresh browser is up to 5x slower).' +
    (errors.length ? ` Errors: ${errors.join('; ')}.` : ''));
  L.push('');

  L.push(`## Memory after ${fmt(MEMORY_SOCKETS)} sockets opened, used (one 64 B echo) and closed`);
  L.push('');
  L.push('| system | time | wasm memory before -> after | JS heap used before -> after (after GC) |');
  L.push('|---|---:|---|---|');
  const mb = (b) => (b === null || b === undefined ? 'n/a' : `${(b / 2 ** 20).toFixed(2)} MiB`);
  for (const r of memory) {
    if (!r.ok) {
      L.push(`| ${r.label} | n/a: ${r.error} | | |`);
      continue;
    }
    const wasm = r.before.wasm === null ? 'n/a (no wasm)' : `${mb(r.before.wasm)} -> ${mb(r.after.wasm)} (${r.after.wasm - r.before.wasm >= 0 ? '+' : ''}${fmt((r.after.wasm - r.before.wasm) / 1024)} KB)`;
    const heap = `${mb(r.before.heapUsed)} -> ${mb(r.after.heapUsed)} (${r.after.heapUsed - r.before.heapUsed >= 0 ? '+' : ''}${fmt((r.after.heapUsed - r.before.heapUsed) / 1024)} KB)`;
    const partial = r.churn.count < MEMORY_SOCKETS ? ` (**only ${fmt(r.churn.count)} sockets: time limit**)` : '';
    // wsroute's rows must show its wasm memory; the mocked sockets must leave it as it was.
    if (r.label.startsWith('wsroute') && r.before.wasm === null) {
      misses.push(`memory: ${r.label}: the wasm's memory could not be read`);
    } else if (r.label === 'wsroute mock echo' && r.after.wasm > r.before.wasm) {
      misses.push(`memory: ${r.label}: wasm memory grew by ${fmt((r.after.wasm - r.before.wasm) / 1024)} KB vs +0`);
    }
    L.push(`| ${r.label} | ${fmt(r.churn.ms / 1000, 1)} s${partial} | ${wasm} | ${heap} |`);
  }
  L.push('');
  L.push('Wasm memory is `WebAssembly.Memory#buffer.byteLength` of the instance `pkg/wsroute.global.js` creates (reached through a debug hook on ' +
    '`WebAssembly.Instance` installed before the script, in these pages only); it only grows, so "after" is the high-water mark. ' +
    'JS heap is CDP `Runtime.getHeapUsage` after two `HeapProfiler.collectGarbage`. 8 sockets at a time; pass-through sockets talk to the echo server.');
  L.push('');

  L.push('## CPU profile of the wsroute mocked text burst');
  L.push('');
  if (profile.ok) {
    L.push(`\`${profile.file}\` (not committed; open it in Chrome DevTools > Performance). ` +
      `${fmt(profile.totalMs)} ms sampled at 100 us, ${fmt(profile.value)} msg/s while profiling; ` +
      `${profile.meta.map((t) => `${t.fn} ${t.pct.toFixed(1)}%`).join(', ')}. ` +
      'Top self time of functions (`wasm-function[N]`: the shipped wasm has no name section):');
    L.push('');
    L.push('| # | function | self ms | % |');
    L.push('|---:|---|---:|---:|');
    profile.top.forEach((t, i) => L.push(`| ${i + 1} | \`${t.fn.replace(/\|/g, '/')}\` | ${t.ms.toFixed(1)} | ${t.pct.toFixed(1)} |`));
  } else {
    L.push(`n/a: ${profile.error}`);
  }
  L.push('');

  L.push('## Targets missed');
  L.push('');
  if (misses.length) for (const x of misses) L.push(`- ${x}`);
  else L.push('- none');
  L.push('');
  return { text: L.join('\n').replace(/\n{3,}/g, '\n\n'), misses };
}

async function main() {
  if (!env.echoURL || !env.httpURL) {
    console.error('bench/run.mjs: BENCH_ECHO_URL and BENCH_HTTP_URL must be set; run `cargo xtask bench`');
    return 2;
  }
  for (const u of [env.echoURL, env.httpURL]) {
    const host = new URL(u).hostname;
    if (host !== '127.0.0.1') {
      console.error(`bench/run.mjs: refusing a non-loopback server ${u}`);
      return 2;
    }
  }
  const log = (s) => console.log(`bench: ${s}`);
  // Other work on the machine distorts every number: say how busy it was.
  const busyBefore = await cpuBusy(2000);
  const loadStart = await loadavg();
  log(`CPU busy before the start (2 s, all processes): ${busyBefore}%; load average ${loadStart}`);
  log(`${env.quick ? 'QUICK, ' : ''}${env.rounds} rounds; http ${env.httpURL}; echo ${env.echoURL}; chromium ${env.chromium}`);
  const browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: CHROMIUM_ARGS });
  try {
    const m = await machine(browser);
    const install = await measureInstall(browser, log);
    const rounds = await measureRounds(MEASURED, (system, workload) => runOne(browser, system, workload), ROUNDS_BUDGET_MS, log);
    const network = await measureNetwork(MEASURED, (system, workload) => runOne(browser, system, workload), NETWORK_RUNS, log);
    const memory = env.systems.length ? [] : await measureMemory(browser, log);
    const cost = env.systems.length ? [] : await measurePassCost(browser, log);
    const profile = await profileMockBurst(browser, log);
    const firefox = await measureFirefox(log);
    const load = { start: loadStart, end: await loadavg(), busyBefore };
    const { text, misses } = report({ m, rounds, network, install, memory, profile, load, firefox, cost });
    await mkdir(env.outDir, { recursive: true });
    await writeFile(path.join(env.outDir, 'report.md'), text);
    await writeFile(path.join(env.outDir, 'results.json'), JSON.stringify({ machine: m, rounds, network, install, memory, profile, firefox, cost, misses }, null, 1));
    console.log('');
    console.log(text);
    return 0;
  } finally {
    await withTimeout(browser.close(), 15_000, 'browser close').catch(() => {});
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e && e.stack || e);
  return 1;
});
