// Differential scenarios: each runs against a WebSocket constructor `WS`
// (native, or wsroute's) and a real echo server, and returns its event log.
// The Rust side runs every scenario against native and wsroute and compares.
import { recorder, errorName, within, nextTask, hex, NativeWebSocket } from './harness.js';

const TIMEOUT = 10000;

async function finish(ws, log, what) {
  await within(TIMEOUT, log.closed, what);
  await nextTask();
  return log.settle();
}

export async function textBothWays(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  const log = recorder(ws);
  log.note(`created rs=${ws.readyState} buffered=${ws.bufferedAmount} binaryType=${ws.binaryType} url=${ws.url}`);
  let n = 0;
  ws.onmessage = () => {
    if (++n === 4) ws.close(1000, 'bye');
  };
  ws.onopen = () => {
    for (const s of ['hello', 'héllo 🎉', '\uD800x', '']) {
      ws.send(s);
      log.note(`sent buffered=${ws.bufferedAmount}`);
    }
  };
  return finish(ws, log, 'textBothWays');
}

export async function binaryArrayBuffer(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  let n = 0;
  ws.onmessage = () => {
    if (++n === 5) ws.close();
  };
  ws.onopen = () => {
    ws.send(backing.buffer);
    ws.send(backing.subarray(3, 6));
    ws.send(new DataView(backing.buffer, 7, 2));
    ws.send(new Float32Array([1.5]));
    ws.send(new ArrayBuffer(0));
    log.note(`buffered=${ws.bufferedAmount}`);
    backing.fill(0xff); // the sends above must have copied their bytes
  };
  return finish(ws, log, 'binaryArrayBuffer');
}

// Every kind of BufferSource: a view of three elements of each typed array
// element type and a DataView of three bytes, at an offset into a larger
// buffer (so element size and byteOffset both matter), and the same made in
// another realm. What comes
// back and bufferedAmount after each send.
export async function everyBufferKind(WS, echo) {
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  const realms = [['', window], ['other realm ', frame.contentWindow]];
  const kinds = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView'];
  const ws = new WS(`${echo}/echo`);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('open', r, { once: true })), 'everyBufferKind open');
  let sends = 0;
  for (const [label, realm] of realms) {
    for (const kind of kinds) {
      const Ctor = realm[kind];
      if (typeof Ctor !== 'function') {
        log.note(`${label}${kind}: not in this browser`);
        continue;
      }
      const size = Ctor === realm.DataView ? 1 : Ctor.BYTES_PER_ELEMENT;
      const backing = new realm.Uint8Array(8 + 3 * size).map((_, i) => (i * 37 + 11) & 0xff);
      const view = new Ctor(backing.buffer, 8, 3);
      ws.send(view);
      sends += 1;
      log.note(`${label}${kind}: byteOffset=${view.byteOffset} byteLength=${view.byteLength} buffered=${ws.bufferedAmount}`);
      backing.fill(0); // the send copied its bytes
    }
  }
  let n = 0;
  ws.onmessage = () => {
    if (++n === sends) ws.close();
  };
  try {
    return await finish(ws, log, 'everyBufferKind');
  } finally {
    frame.remove();
  }
}

// Binary data made in another realm (a same-origin iframe) is still binary:
// WebIDL checks internal slots, not this realm's prototypes. An object that
// merely inherits from Blob.prototype is not a Blob, and becomes a string.
export async function binaryFromAnotherRealm(WS, echo) {
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  const other = frame.contentWindow;
  const ws = new WS(`${echo}/echo`);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  let n = 0;
  ws.onmessage = () => {
    if (++n === 6) ws.close();
  };
  ws.onopen = () => {
    const bytes = new other.Uint8Array([1, 2, 3, 4, 5]);
    ws.send(bytes.buffer);
    ws.send(bytes.subarray(1, 3));
    ws.send(new other.DataView(bytes.buffer, 4, 1));
    ws.send(new other.Blob(['from another realm']));
    ws.send(Object.create(Blob.prototype, { [Symbol.toStringTag]: { value: 'FakeBlob' } }));
    ws.send(new other.Object());
    log.note(`buffered=${ws.bufferedAmount}`);
    bytes.fill(0xee);
  };
  try {
    return await finish(ws, log, 'binaryFromAnotherRealm');
  } finally {
    frame.remove();
  }
}

export async function binaryBlobOrdering(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  const log = recorder(ws);
  let n = 0;
  ws.onmessage = () => {
    if (++n === 4) ws.close(3000);
  };
  ws.onopen = () => {
    ws.send(new Blob(['blob-1']));
    ws.send('after-blob');
    ws.send(new Blob([new Uint8Array([1, 2, 3])], { type: 'application/x-test' }));
    ws.send(new Uint8Array([9]));
    log.note(`buffered=${ws.bufferedAmount}`);
  };
  return finish(ws, log, 'binaryBlobOrdering');
}

export async function binaryTypeAtDispatch(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  const log = recorder(ws);
  let n = 0;
  ws.onmessage = () => {
    n++;
    if (n === 1) ws.binaryType = 'arraybuffer';
    if (n === 3) ws.close();
  };
  ws.onopen = () => {
    ws.send(new Uint8Array([1]));
    ws.send('x');
    ws.send(new Uint8Array([2]));
  };
  const messages = await finish(ws, log, 'binaryTypeAtDispatch');
  // Which type the third message has depends on when the browser converts;
  // both sides must agree.
  return messages;
}

export async function closeCodes(WS, echo) {
  const out = [];
  for (const [code, reason] of [[1000, undefined], [3009, 'x'], [4999, 'résumé'], [undefined, undefined]]) {
    const ws = new WS(`${echo}/echo`);
    const log = recorder(ws, `${code}/${reason}`);
    ws.onopen = () => {
      if (code === undefined) ws.close();
      else if (reason === undefined) ws.close(code);
      else ws.close(code, reason);
      log.note(`after close rs=${ws.readyState}`);
      ws.close(); // a second close does nothing
      ws.send('ignored');
      log.note(`after send rs=${ws.readyState} buffered=${ws.bufferedAmount}`);
    };
    out.push(...(await finish(ws, log, `closeCodes ${code}`)));
  }
  return out;
}

export async function serverClose(WS, echo) {
  const ws = new WS(`${echo}/close?code=1008&reason=oops`);
  const log = recorder(ws);
  return finish(ws, log, 'serverClose');
}

export async function serverHello(WS, echo) {
  const ws = new WS(`${echo}/hello`);
  const log = recorder(ws);
  ws.onmessage = () => ws.close();
  return finish(ws, log, 'serverHello');
}

export async function subprotocol(WS, echo) {
  const ws = new WS(`${echo}/echo`, ['chat', 'superchat']);
  const log = recorder(ws);
  ws.onopen = () => ws.close();
  return finish(ws, log, 'subprotocol');
}

// The server accepts permessage-deflate: `extensions` is what it answered
// (read at open and after the close).
export async function negotiatedExtension(WS, echo) {
  const ws = new WS(`${echo}/deflate`);
  const log = recorder(ws);
  log.note(`created ext=${JSON.stringify(ws.extensions)}`);
  ws.onopen = () => ws.close(1000);
  const events = await finish(ws, log, 'negotiatedExtension');
  return [...events, `after close ext=${ws.extensions}`];
}

export async function handshakeRejected(WS, echo) {
  const ws = new WS(`${echo}/reject`);
  const log = recorder(ws);
  log.note(`created rs=${ws.readyState}`);
  return finish(ws, log, 'handshakeRejected');
}

export async function badFrame(WS, echo) {
  const ws = new WS(`${echo}/badframe`);
  const log = recorder(ws);
  return finish(ws, log, 'badFrame');
}

export async function connectionDropped(WS, echo) {
  const ws = new WS(`${echo}/drop`);
  const log = recorder(ws);
  return finish(ws, log, 'connectionDropped');
}

export async function closeWhileConnecting(WS, echo) {
  // The server answers the handshake after 300 ms, so close() surely comes
  // first (otherwise Firefox's outcome depends on the race).
  const ws = new WS(`${echo}/slow?ms=300`);
  const log = recorder(ws);
  ws.close(3001, 'early');
  log.note(`after close rs=${ws.readyState}`);
  log.note(`send: ${errorName(() => ws.send('x'))} buffered=${ws.bufferedAmount}`);
  return finish(ws, log, 'closeWhileConnecting');
}

export async function sendWhileConnecting(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  const log = recorder(ws);
  log.note(`send: ${errorName(() => ws.send('x'))}`);
  log.note(`send blob: ${errorName(() => ws.send(new Blob(['x'])))}`);
  ws.onopen = () => ws.close();
  return finish(ws, log, 'sendWhileConnecting');
}

export async function eventsAreTasks(WS, echo) {
  const log = [];
  const ws = new WS(`${echo}/echo`);
  ws.onopen = () => {
    log.push('open');
    ws.send('a');
    Promise.resolve().then(() => log.push('microtask after send'));
    log.push('after send');
  };
  ws.onmessage = (e) => {
    log.push(`message ${e.data}`);
    ws.close();
    log.push(`after close rs=${ws.readyState}`);
    Promise.resolve().then(() => log.push('microtask after close'));
  };
  const closed = new Promise((r) => (ws.onclose = r));
  log.push('constructed');
  await within(TIMEOUT, closed, 'eventsAreTasks');
  log.push('closed');
  return log;
}

export async function bufferedAmountAfterClose(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  const log = recorder(ws);
  ws.onopen = () => {
    ws.send('12345');
    log.note(`open+send buffered=${ws.bufferedAmount}`);
    ws.close();
    ws.send('abc');
    ws.send(new Uint8Array(4));
    ws.send(new Blob(['xy']));
    log.note(`closing buffered=${ws.bufferedAmount}`);
  };
  const out = await finish(ws, log, 'bufferedAmountAfterClose');
  out.push(`closed buffered=${ws.bufferedAmount}`);
  return out;
}

// What a socket sent leaves bufferedAmount in a later task, with no message
// from the server in between (the /drain path reads and answers nothing).
export async function bufferedAmountDrains(WS, echo) {
  const ws = new WS(`${echo}/drain`);
  const log = recorder(ws);
  ws.onopen = async () => {
    ws.send('x'.repeat(100));
    ws.send(new Uint8Array(28));
    log.note(`sent buffered=${ws.bufferedAmount}`);
    const start = performance.now();
    while (ws.bufferedAmount > 0 && performance.now() - start < 2000) await nextTask();
    log.note(`later buffered=${ws.bufferedAmount}`);
    ws.close(1000);
  };
  return finish(ws, log, 'bufferedAmountDrains');
}

// A socket some tasks after its close event (when wsroute has let go of its
// state): every attribute, sends counted, binaryType set and ignored, and
// close()'s argument checks, which still apply to a closed socket.
export async function longAfterClose(WS, echo) {
  const ws = new WS(`${echo}/echo`, ['chat']);
  const log = recorder(ws);
  ws.onopen = () => {
    ws.send('12345');
    ws.close(3001, 'done');
  };
  const out = await finish(ws, log, 'longAfterClose');
  await nextTask();
  await nextTask();
  const state = () =>
    `rs=${ws.readyState} url=${ws.url.replace(echo, 'ECHO')} protocol=${ws.protocol} ext=${ws.extensions} ` +
    `binaryType=${ws.binaryType} buffered=${ws.bufferedAmount}`;
  out.push(`later: ${state()}`);
  out.push(`send text: ${errorName(() => ws.send('abc\u00e9'))} ${state()}`);
  out.push(`send bytes: ${errorName(() => ws.send(new Uint16Array(3)))} ${state()}`);
  out.push(`send blob: ${errorName(() => ws.send(new Blob(['xy'])))} ${state()}`);
  out.push(`send(): ${errorName(() => ws.send())}`);
  ws.binaryType = 'arraybuffer';
  out.push(`binaryType arraybuffer: ${state()}`);
  ws.binaryType = 'bogus';
  out.push(`binaryType bogus: ${state()}`);
  for (const [what, args] of [['close(1)', [1]], ['close(1000, long)', [1000, 'x'.repeat(124)]],
    ['close(3000)', [3000]], ['close()', []], ['close(1000, lone surrogate)', [1000, '\ud800']]]) {
    out.push(`${what}: ${errorName(() => ws.close(...args))} ${state()}`);
  }
  ws.onmessage = () => out.push('message after close');
  await nextTask();
  return out;
}

export async function constructorErrors(WS, echo) {
  const out = [];
  const cases = [
    ['ftp://127.0.0.1/'],
    ['ws://127.0.0.1/#'],
    ['ws://127.0.0.1/#frag'],
    ['ws://[::1'],
    ['http://'],
    ['javascript:alert(1)'],
    [`${echo}/echo`, ''],
    [`${echo}/echo`, ['']],
    [`${echo}/echo`, ['a b']],
    [`${echo}/echo`, ['a', 'a']],
    // Chromium accepts protocols that differ only in case; the standard does not.
    [`${echo}/echo`, ['a', 'A']],
    [`${echo}/echo`, ['a', 'b', 'a']],
    [`${echo}/echo`, ['a,b']],
    [`${echo}/echo`, ['é']],
    ['ftp://127.0.0.1/', ['a b']],
  ];
  for (const args of cases) {
    let result;
    try {
      const ws = new WS(...args);
      result = `ok url=${ws.url}`;
      ws.close();
    } catch (e) {
      result = `${e.name}:${e.code} ${e instanceof DOMException}`;
    }
    out.push(`${JSON.stringify(args).replace(echo, 'ECHO')} -> ${result.replace(echo, 'ECHO')}`);
  }
  out.push(`no args -> ${errorName(() => new WS())}`);
  out.push(`no new -> ${errorName(() => WS(`${echo}/echo`))}`);
  out.push(`bad iterable -> ${errorName(() => new WS(`${echo}/echo`, { length: 1 }))}`);
  return out;
}

export async function closeErrors(WS, echo) {
  const out = [];
  const attempts = [
    [999], [1001], [1005], [2999], [5000], [0], [-1], [NaN], [65536 + 1000], [2999.4], [2999.5],
    [1000, 'x'.repeat(124)], [1000, 'é'.repeat(62)], [999, 'x'.repeat(200)], [undefined, 'x'.repeat(124)],
    [1000.4, 'x'.repeat(123)],
  ];
  // Each attempt on an open socket of its own: one that closes (2999.5
  // rounds to 3000 in Firefox) must not end the cases after it.
  for (const args of attempts) {
    const ws = new WS(`${echo}/echo`);
    await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'closeErrors open');
    const closed = new Promise((r) => (ws.onclose = r));
    const result = errorName(() => ws.close(...args));
    out.push(`${JSON.stringify(args.map((a) => (typeof a === 'string' ? `${a.length}ch` : a)))} -> ${result} rs=${ws.readyState}`);
    if (ws.readyState === 1) ws.close();
    await within(TIMEOUT, closed, 'closeErrors close');
  }
  const ws = new WS(`${echo}/echo`);
  await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'closeErrors open');
  ws.close();
  await within(TIMEOUT, new Promise((r) => (ws.onclose = r)), 'closeErrors');
  out.push(`closed: ${errorName(() => ws.close(999))} ${errorName(() => ws.close(1000))}`);
  return out;
}

export async function interfaceShape(WS, echo) {
  const out = [];
  const desc = (o, k) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    if (!d) return 'none';
    const kind = 'value' in d ? `value=${typeof d.value === 'function' ? 'fn' : d.value} w=${d.writable}` : `get=${!!d.get} set=${!!d.set}`;
    return `${kind} e=${d.enumerable} c=${d.configurable}`;
  };
  out.push(`name=${WS.name} length=${WS.length}`);
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) {
    out.push(`${k}: ctor ${desc(WS, k)} | proto ${desc(WS.prototype, k)}`);
  }
  for (const k of ['url', 'readyState', 'bufferedAmount', 'onopen', 'onerror', 'onclose', 'extensions', 'protocol', 'onmessage', 'binaryType', 'close', 'send']) {
    out.push(`${k}: ${desc(WS.prototype, k)}`);
  }
  out.push(`toStringTag ${desc(WS.prototype, Symbol.toStringTag)}`);
  out.push(`proto chain EventTarget=${Object.getPrototypeOf(WS.prototype) === EventTarget.prototype}`);
  const ws = new WS(`${echo}/echo`);
  out.push(`instance: ${Object.prototype.toString.call(ws)} EventTarget=${ws instanceof EventTarget} own=${JSON.stringify(Object.getOwnPropertyNames(ws))}`);
  const forIn = [];
  for (const k in ws) forIn.push(k);
  out.push(`for-in: ${forIn.sort().join(',')}`);
  out.push(`initial: rs=${ws.readyState} buffered=${ws.bufferedAmount} protocol=${JSON.stringify(ws.protocol)} ext=${JSON.stringify(ws.extensions)} binaryType=${ws.binaryType} handlers=${[ws.onopen, ws.onmessage, ws.onerror, ws.onclose].join(',')}`);
  ws.binaryType = 'nonsense';
  out.push(`binaryType after invalid: ${ws.binaryType}`);
  ws.binaryType = 'arraybuffer';
  out.push(`binaryType after valid: ${ws.binaryType}`);
  const obj = { handleEvent() {} };
  for (const v of [5, 'str', obj, null, () => 1]) {
    ws.onmessage = v;
    out.push(`onmessage = ${typeof v} -> ${ws.onmessage === v ? 'same' : ws.onmessage}`);
  }
  ws.expando = 42;
  out.push(`expando=${ws.expando}`);
  out.push(`getter on prototype: ${errorName(() => WS.prototype.readyState)}`);
  out.push(`send via call on plain object: ${(() => { try { WS.prototype.send.call({}, 'x'); return 'no error'; } catch (e) { return e.name; } })()}`);
  ws.close();
  return out;
}

export async function handlerOrder(WS, echo) {
  const log = [];
  const ws = new WS(`${echo}/echo`);
  ws.addEventListener('open', () => log.push('A'));
  ws.onopen = () => log.push('B');
  ws.addEventListener('open', () => log.push('C'));
  ws.onopen = () => log.push('B2'); // keeps its place
  ws.onmessage = () => log.push('M1');
  ws.addEventListener('message', () => log.push('M2'));
  ws.onmessage = null;
  ws.onmessage = function (e) {
    log.push(`M3 this=${this === ws} ${e.data}`);
    ws.close();
  };
  ws.addEventListener('open', () => ws.send('x'));
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('close', r)), 'handlerOrder');
  return log;
}

// Event handler attributes are `[LegacyTreatNonObjectAsNull]` callbacks: any
// object is stored and read back as it is, a non-object becomes null, and a
// stored value that is not callable is skipped when its event fires (no
// exception reaches the page).
export async function handlerValues(WS, echo) {
  const out = [];
  let pageErrors = 0;
  const onPageError = (e) => {
    pageErrors++;
    e.preventDefault();
  };
  globalThis.addEventListener('error', onPageError);
  try {
    const ws = new WS(`${echo}/echo`);
    const log = recorder(ws);
    const object = { handleEvent: () => log.note('handleEvent called') };
    const array = [() => log.note('array element called')];
    const fn = () => {};
    const values = [
      ['object', object], ['array', array], ['number', 5], ['string', 'x'], ['symbol', Symbol('s')],
      ['boolean', true], ['function', fn], ['undefined', undefined], ['null', null],
    ];
    for (const [name, v] of values) {
      ws.onerror = v;
      const back = ws.onerror;
      out.push(`${name}: ${back === v ? 'same' : back === null ? 'null' : typeof back}`);
    }
    ws.onopen = object;
    ws.onmessage = array;
    ws.onclose = Object.create(null);
    ws.onerror = fn;
    ws.addEventListener('open', () => ws.send('hi'));
    ws.addEventListener('message', () => ws.close());
    await within(TIMEOUT, log.closed, 'handlerValues');
    await nextTask();
    out.push(...(await log.settle()));
  } finally {
    globalThis.removeEventListener('error', onPageError);
  }
  out.push(`page errors: ${pageErrors}`);
  return out;
}

// WebIDL's order: the receiver is checked before any argument is converted,
// the arguments are converted left to right (a conversion's exception
// propagates as it is), and only then does the algorithm check the values.
export async function checkOrder(WS, echo) {
  const out = [];
  const touched = [];
  const spy = (name, value) => ({
    valueOf() {
      touched.push(`${name}.valueOf`);
      return value;
    },
    toString() {
      touched.push(`${name}.toString`);
      return `${value}`;
    },
  });
  const throwing = (name) => ({
    valueOf() {
      touched.push(`${name}.valueOf`);
      throw new RangeError(name);
    },
    toString() {
      touched.push(`${name}.toString`);
      throw new RangeError(name);
    },
  });
  const attempt = (what, f) => out.push(`${what}: ${errorName(f)} [${touched.splice(0).join(' ')}]`);
  const proto = WS.prototype;
  const accessor = (k) => Object.getOwnPropertyDescriptor(proto, k);
  attempt('close on {}', () => proto.close.call({}, spy('code', 1000), spy('reason', 'r')));
  attempt('send on {}', () => proto.send.call({}, spy('data', 'd')));
  attempt('send on {}, no argument', () => proto.send.call({}));
  attempt('binaryType set on {}', () => accessor('binaryType').set.call({}, spy('type', 'blob')));
  attempt('onopen set on {}', () => accessor('onopen').set.call({}, () => {}));
  for (const k of ['url', 'readyState', 'bufferedAmount', 'extensions', 'protocol', 'binaryType', 'onmessage']) {
    attempt(`${k} get on {}`, () => accessor(k).get.call({}));
  }
  attempt('send on a prototype', () => proto.send.call(Object.create(proto), 'x'));

  const ws = new WS(`${echo}/echo`);
  attempt('send while connecting, throwing data', () => ws.send(throwing('data')));
  attempt('close(throwing code, reason)', () => ws.close(throwing('code'), spy('reason', 'r')));
  attempt('close(999, throwing reason)', () => ws.close(spy('code', 999), throwing('reason')));
  attempt('close(999, long reason)', () => ws.close(spy('code', 999), spy('reason', 'x'.repeat(200))));
  attempt('close(1000, long reason)', () => ws.close(spy('code', 1000), spy('reason', 'x'.repeat(200))));
  attempt('binaryType = throwing', () => (ws.binaryType = throwing('type')));
  attempt('binaryType = spy', () => (ws.binaryType = spy('type', 'arraybuffer')));
  out.push(`binaryType=${ws.binaryType} rs=${ws.readyState}`);
  await within(TIMEOUT, new Promise((r) => (ws.onopen = r)), 'checkOrder open');
  attempt('send(throwing data)', () => ws.send(throwing('data')));
  out.push(`buffered=${ws.bufferedAmount}`);
  attempt('close(spy 1000, spy reason)', () => ws.close(spy('code', 1000), spy('reason', 'bye')));
  await within(TIMEOUT, new Promise((r) => (ws.onclose = r)), 'checkOrder close');
  return out;
}

// Buffers a page can make that are not plain ArrayBuffers: detached ones,
// resizable ones (and views that a resize left out of bounds), shared ones
// (including WebAssembly shared memory, where SharedArrayBuffer itself may
// not be exposed). What each send throws or sends, and what comes back.
export async function unusualBuffers(WS, echo) {
  const ws = new WS(`${echo}/echo`);
  ws.binaryType = 'arraybuffer';
  const log = recorder(ws);
  await within(TIMEOUT, new Promise((r) => ws.addEventListener('open', r, { once: true })), 'unusualBuffers open');
  const detach = (buffer) => {
    structuredClone(buffer, { transfer: [buffer] });
    return buffer;
  };
  const shared = () =>
    typeof SharedArrayBuffer === 'function'
      ? new SharedArrayBuffer(4)
      : new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer;
  const cases = [
    ['detached ArrayBuffer', () => detach(new Uint8Array([1, 2, 3]).buffer)],
    ['view on a detached ArrayBuffer', () => {
      const v = new Uint8Array([1, 2, 3]);
      detach(v.buffer);
      return v;
    }],
    ['DataView on a detached ArrayBuffer', () => {
      const b = new ArrayBuffer(4);
      const v = new DataView(b);
      detach(b);
      return v;
    }],
    ['resizable ArrayBuffer', () => new ArrayBuffer(4, { maxByteLength: 8 })],
    ['view on a resizable ArrayBuffer', () => new Uint8Array(new ArrayBuffer(4, { maxByteLength: 8 }))],
    ['view out of bounds after a resize', () => {
      const b = new ArrayBuffer(8, { maxByteLength: 8 });
      const v = new Uint8Array(b, 4, 4);
      b.resize(2);
      return v;
    }],
    ['SharedArrayBuffer', shared],
    ['view on a SharedArrayBuffer', () => new Uint8Array(shared())],
    ['DataView on a SharedArrayBuffer', () => new DataView(shared())],
    ['WebAssembly shared memory', () => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer],
    ['plain ArrayBuffer', () => new Uint8Array([7, 8]).buffer],
  ];
  for (const [what, make] of cases) {
    let data;
    try {
      data = make();
    } catch (e) {
      log.note(`${what}: cannot be made here (${e.name})`);
      continue;
    }
    log.note(`${what}: ${errorName(() => ws.send(data))} buffered=${ws.bufferedAmount}`);
  }
  ws.send('end');
  ws.addEventListener('message', (e) => {
    if (e.data === 'end') ws.close();
  });
  return finish(ws, log, 'unusualBuffers');
}

// The interface's shape as reflection sees it: own keys of the interface
// object, the prototype and an instance, in order; for-in order of an
// instance; each accessor's and method's name, length and descriptor.
export async function reflectedShape(WS, echo) {
  const out = [];
  const keys = (o) => Reflect.ownKeys(o).map(String).join(',');
  out.push(`interface: ${keys(WS)}`);
  out.push(`interface is a function: ${typeof WS} ${Object.getPrototypeOf(WS) === EventTarget} ${WS.prototype.constructor === WS}`);
  out.push(`prototype: ${keys(WS.prototype)}`);
  const ws = new WS(`${echo}/echo`);
  out.push(`instance: ${keys(ws)}`);
  const seen = [];
  for (const k in ws) seen.push(k);
  out.push(`for-in: ${seen.join(',')}`);
  for (const k of Reflect.ownKeys(WS.prototype)) {
    const d = Object.getOwnPropertyDescriptor(WS.prototype, k);
    const fn = (f) => (typeof f === 'function' ? `${f.name}/${f.length}` : `${f}`);
    if ('value' in d && typeof d.value !== 'function') continue;
    out.push(
      `${String(k)}: ${'value' in d ? `value ${fn(d.value)}` : `get ${fn(d.get)} set ${fn(d.set)}`} ` +
        `e=${d.enumerable} c=${d.configurable}${'writable' in d ? ` w=${d.writable}` : ''}`,
    );
  }
  await new Promise((r) => (ws.onopen = r));
  ws.close();
  await new Promise((r) => (ws.onclose = r));
  return out;
}

// Subclasses, `Reflect.construct` with another new.target, and listener
// options (once, an AbortSignal, capture), as a page's framework uses them.
export async function subclassesAndListenerOptions(WS, echo) {
  const out = [];
  class Chat extends WS {
    constructor(url) {
      super(url);
      this.kind = 'chat';
    }
    hello() {
      this.send('hello');
    }
  }
  const chat = new Chat(`${echo}/echo`);
  out.push(`subclass: instanceof ${chat instanceof Chat} ${chat instanceof WS} proto ${Object.getPrototypeOf(chat) === Chat.prototype} rs=${chat.readyState} kind=${chat.kind}`);
  function Other() {}
  const other = Reflect.construct(WS, [`${echo}/echo`], Other);
  out.push(`Reflect.construct: proto is Other ${Object.getPrototypeOf(other) === Other.prototype} rs=${errorName(() => WS.prototype.__lookupGetter__('readyState').call(other))}`);
  WS.prototype.close.call(other);

  const log = [];
  const controller = new AbortController();
  chat.addEventListener('message', () => log.push('once'), { once: true });
  chat.addEventListener('message', () => log.push('signal'), { signal: controller.signal });
  chat.addEventListener('message', () => log.push('capture'), { capture: true });
  chat.addEventListener('message', () => log.push('capture'), true);
  const dup = () => log.push('dup');
  chat.addEventListener('message', dup);
  chat.addEventListener('message', dup);
  chat.addEventListener('message', (e) => {
    log.push(`got ${e.data}`);
    controller.abort();
    if (log.filter((l) => l.startsWith('got')).length === 2) chat.close();
    else chat.send('again');
  });
  chat.onopen = () => chat.hello();
  await within(TIMEOUT, new Promise((r) => chat.addEventListener('close', r)), 'subclassesAndListenerOptions');
  out.push(log.join(', '));
  return out;
}

// The events themselves, as the browser makes them: trusted, of the native
// event classes, at the socket; a refused handshake's error too.
export async function browsersOwnEvents(WS, echo) {
  const out = [];
  const watch = (ws, name) => {
    for (const type of ['open', 'message', 'error', 'close']) {
      ws.addEventListener(type, (e) => out.push(`${name} ${type}: trusted=${e.isTrusted} ` +
        `${Object.prototype.toString.call(e)} target=${e.target === ws} current=${e.currentTarget === ws} phase=${e.eventPhase}`));
    }
    return within(TIMEOUT, new Promise((r) => ws.addEventListener('close', r)), `browsersOwnEvents ${name}`);
  };
  const ws = new WS(`${echo}/echo`);
  ws.onopen = () => ws.send('hi');
  ws.onmessage = () => ws.close(1000);
  await watch(ws, 'echo');
  await watch(new WS(`${echo}/reject`), 'rejected');
  return out;
}

// Loads pkg/wsroute.global.js from the static server into the frame `win`.
async function loadClassicScript(win, http) {
  await new Promise((resolve, reject) => {
    const script = win.document.createElement('script');
    script.crossOrigin = 'anonymous'; // the test page is cross-origin isolated (COEP)
    script.src = `${http}/pkg/wsroute.global.js`;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${script.src} into a frame`));
    win.document.head.appendChild(script);
  });
  if (typeof win.wsroute !== 'object') throw new Error('wsroute did not install in the frame');
}

// Other realms (a same-origin iframe): the iframe's WebSocket.prototype
// accessors and methods on this realm's socket and this realm's on the
// iframe's socket work as on their own (brand checks look at the object, not
// its realm); on objects that are not sockets they throw the calling realm's
// TypeError. For wsroute, the iframe loads wsroute too (its classic script),
// as a page with wsroute in every frame has it; for native, neither has it.
export async function otherRealms(WS, echo, http) {
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  const other = frame.contentWindow;
  try {
    if (WS !== NativeWebSocket) await loadClassicScript(other, http);
    const out = [];
    const realm = (e) => (e instanceof Error ? 'this realm' : e instanceof other.Error ? 'other realm' : 'no realm');
    const show = (v) => (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v) ? String(v) : typeof v);
    const attempt = (label, f) => {
      try {
        out.push(`${label}: ${show(f())}`);
      } catch (e) {
        out.push(`${label}: ${e.name} (${realm(e)})`);
      }
    };
    const opened = (ws) => new Promise((r) => ws.addEventListener('open', r, { once: true }));
    const closed = (ws) => new Promise((r) => ws.addEventListener('close', (e) => r(`${e.code} ${e.wasClean}`), { once: true }));
    const mine = new WS(`${echo}/echo`);
    const theirs = new other.WebSocket(`${echo}/echo`);
    const messages = [];
    await within(TIMEOUT, Promise.all([opened(mine), opened(theirs)]), 'otherRealms open');
    const sockets = [['iframe\'s members on this socket', other.WebSocket.prototype, mine],
      ['this realm\'s members on the iframe\'s socket', WS.prototype, theirs]];
    for (const [what, proto, ws] of sockets) {
      const d = (k) => Object.getOwnPropertyDescriptor(proto, k);
      for (const k of ['url', 'readyState', 'bufferedAmount', 'extensions', 'protocol', 'binaryType', 'onmessage']) {
        attempt(`${what}: get ${k}`, () => (k === 'url' ? d(k).get.call(ws).replace(echo, 'ECHO') : d(k).get.call(ws)));
      }
      attempt(`${what}: set binaryType`, () => d('binaryType').set.call(ws, 'arraybuffer'));
      attempt(`${what}: binaryType now`, () => ws.binaryType);
      const handler = (e) => messages.push(`${what}: message ${e.data instanceof ArrayBuffer ? 'this realm' : e.data instanceof other.ArrayBuffer ? 'other realm' : typeof e.data} ${e.data.byteLength ?? e.data}`);
      attempt(`${what}: set onmessage`, () => d('onmessage').set.call(ws, handler));
      attempt(`${what}: onmessage is it`, () => ws.onmessage === handler);
      attempt(`${what}: send`, () => proto.send.call(ws, new Uint8Array([1, 2, 3])));
      attempt(`${what}: send()`, () => proto.send.call(ws));
      attempt(`${what}: close(1)`, () => proto.close.call(ws, 1));
      for (const [name, target] of [['{}', {}], ['an iframe EventTarget', new other.EventTarget()],
        ['Object.create(prototype)', Object.create(proto)], ['undefined', undefined]]) {
        attempt(`${what} on ${name}: get readyState`, () => d('readyState').get.call(target));
        attempt(`${what} on ${name}: send`, () => proto.send.call(target, 'x'));
        attempt(`${what} on ${name}: set onclose`, () => d('onclose').set.call(target, null));
      }
    }
    await within(TIMEOUT, new Promise((r) => {
      const wait = () => (messages.length >= 2 ? r() : setTimeout(wait, 10));
      wait();
    }), 'otherRealms echoes');
    const ends = [closed(mine), closed(theirs)];
    other.WebSocket.prototype.close.call(mine);
    WS.prototype.close.call(theirs);
    out.push(...messages.sort(), `closes: ${(await within(TIMEOUT, Promise.all(ends), 'otherRealms close')).join(', ')}`);
    return out;
  } finally {
    frame.remove();
  }
}

// The shipped classic script (`pkg/wsroute.global.js`) in a frame of its own,
// against that frame's native WebSocket: every scenario in `names` runs with
// the frame's constructor in a fresh frame per leg (no script; the script
// unrouted; behind a forwarding route; and, for the `mocked` names, behind a
// route that mocks the echo server). Returns the differences from native
// (empty when there are none) and how many scenarios each leg ran.
export async function classicScriptInFrames(echo, http, names, mocked) {
  const legs = [
    ['native', null, names],
    ['unrouted', '', names],
    ['forwarded', 'wsroute.routeWebSocket("**", (r) => { r.connectToServer(); });', names],
    ['mocked', 'wsroute.routeWebSocket("**", (r) => { r.onMessage((m) => r.send(m)); });', mocked],
  ];
  const logs = {};
  for (const [leg, route, list] of legs) {
    const frame = document.createElement('iframe');
    document.body.appendChild(frame);
    const win = frame.contentWindow;
    try {
      if (route !== null) {
        await loadClassicScript(win, http);
        if (route) win.eval(route);
      }
      logs[leg] = {};
      for (const name of list) {
        try {
          logs[leg][name] = await scenarios[name](win.WebSocket, echo, http);
        } catch (e) {
          logs[leg][name] = [`threw ${e}`];
        }
      }
    } finally {
      frame.remove();
    }
  }
  const out = [];
  for (const name of names) {
    const native = JSON.stringify(logs.native[name]);
    if (logs.native[name].length === 0 || native.startsWith('["threw')) out.push(`${name}: native ran badly: ${native}`);
    for (const leg of ['unrouted', 'forwarded', 'mocked']) {
      if (!(name in logs[leg])) continue;
      const got = JSON.stringify(logs[leg][name]);
      if (got !== native) out.push(`${name} (${leg}): ${got}\n  native: ${native}`);
    }
  }
  out.push(`ran ${Object.entries(logs).map(([leg, l]) => `${leg} ${Object.keys(l).length}`).join(', ')}`);
  return out;
}

const scenarios = {
  textBothWays, binaryArrayBuffer, everyBufferKind, binaryFromAnotherRealm, binaryBlobOrdering,
  binaryTypeAtDispatch, closeCodes, serverClose, serverHello, subprotocol, negotiatedExtension,
  handshakeRejected, badFrame, connectionDropped, closeWhileConnecting, sendWhileConnecting,
  eventsAreTasks, bufferedAmountAfterClose, bufferedAmountDrains, longAfterClose, constructorErrors, closeErrors,
  interfaceShape, handlerOrder, handlerValues, checkOrder, unusualBuffers, reflectedShape,
  subclassesAndListenerOptions,
};
