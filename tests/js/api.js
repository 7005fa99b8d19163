// wsroute's JavaScript API as a page gets it from `pkg/wsroute.js`: the test
// binary's own module exports (the runner serves the module this file is
// imported from at `/wasm-bindgen-test`), so tests drive the very exports
// users import, in the same wasm instance as the Rust side of the test.
import * as exports from '/wasm-bindgen-test';

export function api() {
  return exports;
}
