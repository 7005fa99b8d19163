// The worker side of tests/js/workers.js: receives one scenario (a function's
// source text and its config), runs it, and posts back its log or its error.
//
// Valid both as a classic and as a module worker script. The wasm-bindgen test
// runner serves it from the repository root, so `new Worker('/tests/workers/runner.js')`
// is a same-origin worker with an http: URL; tests/js/workers.js also runs its
// text as a Blob worker.
self.onmessage = async (event) => {
  const { source, cfg } = event.data;
  try {
    const scenario = (0, eval)(`(${source})`);
    self.postMessage({ log: await scenario(cfg) });
  } catch (e) {
    self.postMessage({ error: `${e && e.name}: ${e && e.message}\n${e && e.stack}` });
  }
};
