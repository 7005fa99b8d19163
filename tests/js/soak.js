// Soak: many random frames through a socket and back from the echo server;
// every echo must arrive once, in order, byte-identical.
import { within } from './harness.js';

// A small deterministic PRNG (xorshift32), so a failure can be replayed:
// `r()` in [0, 1), `r.int()` 32 random bits.
function rng(seed) {
  let x = seed >>> 0 || 1;
  const int = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const r = () => int() / 4294967296;
  r.int = int;
  return r;
}

const PIECES = ['a', 'é', '€', '😀', '\uD800', '\uDFFF', '𝄞', ' ', '\u0000', 'ﬀ'];

function randomFrame(r) {
  if (r() < 0.5) {
    const len = Math.floor(r() * 40);
    let s = '';
    for (let i = 0; i < len; i++) s += PIECES[Math.floor(r() * PIECES.length)];
    // What the peer receives is the USVString: lone surrogates become U+FFFD.
    return { data: s, expect: s.toWellFormed() };
  }
  const u = r();
  const size = u < 0.9 ? Math.floor(r() * 64) : u < 0.99 ? Math.floor(r() * 4096) : u < 0.9999 ? Math.floor(r() * 65536) : 1 << 20;
  // Every byte random, so a corrupted byte anywhere in a frame shows.
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const w = r.int();
    bytes[i] = w;
    if (i + 1 < size) bytes[i + 1] = w >>> 8;
    if (i + 2 < size) bytes[i + 2] = w >>> 16;
    if (i + 3 < size) bytes[i + 3] = w >>> 24;
  }
  // The page may reuse its buffer after send(): compare with a copy.
  return { data: bytes, expect: bytes.slice() };
}

function same(got, want) {
  if (typeof want === 'string') return got === want;
  if (!(got instanceof ArrayBuffer) || got.byteLength !== want.byteLength) return false;
  const g = new Uint8Array(got);
  for (let i = 0; i < g.length; i++) if (g[i] !== want[i]) return false;
  return true;
}

// Sends `frames` random frames with at most `window` in flight.
async function soak(url, frames, seed, timeoutMs) {
  const r = rng(seed);
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const inflight = [];
  let sent = 0;
  let received = 0;
  let bad = null;
  const windowSize = 256;
  const done = new Promise((resolve, reject) => {
    const pump = () => {
      while (sent < frames && inflight.length < windowSize) {
        const f = randomFrame(r);
        inflight.push(f.expect);
        ws.send(f.data);
        sent++;
      }
    };
    ws.onopen = pump;
    ws.onmessage = (e) => {
      const want = inflight.shift();
      if (!bad && (want === undefined || !same(e.data, want))) bad = `frame ${received} differs (or was not expected)`;
      received++;
      if (received === frames) resolve();
      else pump();
    };
    ws.onerror = () => reject(new Error(`socket failed after ${received} frames`));
    ws.onclose = (e) => reject(new Error(`socket closed (${e.code}) after ${received} of ${frames} frames`));
  });
  await within(timeoutMs, done, `soak ${url}`);
  ws.onclose = null;
  ws.close();
  return `${frames} frames: ${received} echoed, ${bad ?? 'all in order and byte-identical'}, ${inflight.length} missing`;
}

export async function soakPassthroughAndRoutes(api, echo, frames) {
  api.routeWebSocket(`${echo}/echo?forward`, (route) => {
    route.connectToServer();
  });
  api.routeWebSocket(`${echo}/echo?handlers`, (route) => {
    const server = route.connectToServer();
    route.onMessage((m) => server.send(m));
    server.onMessage((m) => route.send(m));
  });
  const timeout = Math.max(60000, frames * 2);
  const t0 = performance.now();
  const out = [
    `pass-through: ${await soak(`${echo}/echo?direct`, frames, 1, timeout)}`,
    `forwarding route: ${await soak(`${echo}/echo?forward`, frames, 2, timeout)}`,
    `handler route: ${await soak(`${echo}/echo?handlers`, frames, 3, timeout)}`,
  ];
  console.log(`wsroute soak: ${frames} frames x 3 in ${Math.round(performance.now() - t0)} ms`);
  return out;
}
