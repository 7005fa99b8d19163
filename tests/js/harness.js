// Shared helpers for the browser test suites: event logs that can be compared
// between the native WebSocket and wsroute.

// Captured when the wasm test module loads, before any test installs wsroute.
export const NativeWebSocket = globalThis.WebSocket;

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Records every event a socket fires, as text. Blob payloads are read after
// the fact (`await log.settle()`), keeping their place in the log.
export function recorder(ws, label = '') {
  const entries = [];
  const pending = [];
  const prefix = label ? `${label} ` : '';
  const push = (s) => entries.push(prefix + s);
  let closed;
  const done = new Promise((resolve) => (closed = resolve));
  for (const type of ['open', 'message', 'error', 'close']) {
    ws.addEventListener(type, (e) => {
      const cls = Object.prototype.toString.call(e);
      switch (type) {
        case 'open':
          push(`open ${cls} rs=${ws.readyState} protocol=${ws.protocol} ext=${ws.extensions}`);
          break;
        case 'message': {
          const d = e.data;
          const meta = `${cls} origin=${e.origin} id=${JSON.stringify(e.lastEventId)}`;
          if (typeof d === 'string') push(`message text:${JSON.stringify(d)} ${meta}`);
          else if (d instanceof ArrayBuffer) push(`message arraybuffer:${hex(d)} ${meta}`);
          else if (d instanceof Blob) {
            const i = entries.length;
            entries.push(null);
            pending.push(d.arrayBuffer().then((b) => (entries[i] = `${prefix}message blob(${d.type}):${hex(b)} ${meta}`)));
          } else push(`message other:${d} ${meta}`);
          break;
        }
        case 'error':
          push(`error ${cls} rs=${ws.readyState}`);
          break;
        case 'close':
          push(`close ${cls} code=${e.code} reason=${JSON.stringify(e.reason)} clean=${e.wasClean} rs=${ws.readyState}`);
          closed();
          break;
      }
    });
  }
  return {
    entries,
    note: (s) => push(s),
    closed: done,
    async settle() {
      await Promise.all(pending);
      return entries.slice();
    },
  };
}

export function waitFor(ws, type) {
  return new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));
}

export function errorName(f) {
  try {
    f();
    return 'no error';
  } catch (e) {
    return `${e && e.name}:${e && e.code}`;
  }
}

// Races a promise against a timeout so a broken scenario fails instead of hanging.
export function within(ms, promise, what) {
  return Promise.race([
    promise,
    delay(ms).then(() => {
      throw new Error(`timed out after ${ms} ms: ${what}`);
    }),
  ]);
}
