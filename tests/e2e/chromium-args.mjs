// Headless Chromium's launch flags for every Playwright run of the project
// (the e2e suite, the recipe checks, the benchmarks): no background traffic,
// and made-up hosts (wss://example.test/...) never leave the machine.
// No imports, so any of those npm projects can load it by path.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
