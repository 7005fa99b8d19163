// Tiny e2e runner: discovers tests/e2e/*.test.mjs, runs every registered test
// in a fresh context of one shared headless Chromium (/usr/bin/chromium via
// playwright-core; no browser downloads), prints `ok - name` / `not ok - name`
// and a final `N passed, M failed`; exits non-zero on any failure or when no
// test ran. Usually started by `cargo xtask test` (which provides the servers);
// arguments are substrings that select tests by name.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { env, tests, setCurrentFile } from './harness.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));


function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  if (!env.httpURL || !env.echoURL) {
    console.error('run.mjs: WSROUTE_HTTP_URL and WSROUTE_ECHO_URL must be set; run `cargo xtask test --only e2e`');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const filters = process.argv.slice(2);
  const files = (await readdir(here)).filter(f => f.endsWith('.test.mjs')).sort();
  for (const f of files) {
    setCurrentFile(f);
    await import(pathToFileURL(path.join(here, f)).href);
  }
  const selected = tests.filter(t => filters.length === 0 || filters.some(s => `${t.file} > ${t.name}`.includes(s)));
  if (selected.length === 0) {
    console.error(`run.mjs: no tests found (${files.length} files${filters.length ? `, filters ${filters.join(' ')}` : ''})`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  console.log(`e2e: ${selected.length} tests from ${files.length} files; chromium ${env.chromium}`);
  console.log(`e2e: http ${env.httpURL}  echo ${env.echoURL}`);

  const browser = await chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  let passed = 0;
  let failed = 0;
  try {
    for (const t of selected) {
      const title = `${t.file} > ${t.name}`;
      const context = await browser.newContext();
      const page = await context.newPage();
      const logs = [];
      page.on('console', m => logs.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', e => logs.push(`pageerror: ${e.stack || e}`));
      const started = Date.now();
      try {
        await withTimeout(t.fn({ page, context, browser, env }), t.timeout, title);
        passed++;
        console.log(`ok - ${title} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`not ok - ${title} (${Date.now() - started} ms)`);
        for (const line of String(e && e.stack || e).split('\n')) console.log(`  # ${line}`);
        for (const line of logs) console.log(`  # ${line}`);
      } finally {
        await context.close().catch(() => {});
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main().catch(e => {
  console.error(e && e.stack || e);
  console.log('0 passed, 1 failed');
  return 1;
});
