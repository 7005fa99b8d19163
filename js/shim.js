// The shape of wsroute's WebSocket class, and nothing more.
//
// A real EventTarget subclass can only be declared in JavaScript, so this file
// declares it: constants, accessors, send/close, event-handler attributes and
// the WebIDL argument conversions. Every behaviour lives in Rust: `create`
// (Rust) makes each page's object and its backend, and the class forwards
// each call to that backend; or, where Rust made the page's object the
// native socket itself (unrouted, unobserved), to the native members. (The
// classic script puts the class in place before its wasm is loaded:
// `preinstall`, whose `create` loads the wasm first.)
//
// Convention (the global-script build depends on it): every export is a
// top-level `export function` / `export const` declaration.

const eventTargetProto = EventTarget.prototype;
const addListener = eventTargetProto.addEventListener;
const removeListener = eventTargetProto.removeEventListener;
const dispatchEventImpl = eventTargetProto.dispatchEvent;
const apply = Reflect.apply;
const bind = Function.prototype.bind;
// Event constructors as they were when wsroute loaded: a page that replaces
// them later does not change the events wsroute fires.
const EventCtor = Event;
const MessageEventCtor = MessageEvent;
const CloseEventCtor = CloseEvent;

// WebIDL `(DOMString or sequence<DOMString>)`, converted as the binding would.
function toProtocols(protocols) {
  if (protocols === undefined) return [];
  // A union with a sequence takes any object that has an iterator; other
  // values, plain objects included, become a DOMString.
  if (protocols !== null && (typeof protocols === 'object' || typeof protocols === 'function')) {
    const iterator = protocols[Symbol.iterator];
    if (iterator !== undefined && iterator !== null) return Array.from([...protocols], (p) => `${p}`);
  }
  return [`${protocols}`];
}

// Brand checks, as WebIDL's conversions do them (internal slots, not the
// prototype chain): an ArrayBuffer or Blob made in another realm (an iframe)
// is still binary, and an object that only inherits from Blob.prototype is not.
const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const blobSize = Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get;
const isView = ArrayBuffer.isView;

function hasBrand(getter, value) {
  try {
    apply(getter, value, []);
    return true;
  } catch {
    return false;
  }
}

// A failed brand check throws, and an exception takes microseconds (its stack
// is captured): views are told apart first (with no exception), and a Blob is
// checked only once the value is not an ArrayBuffer, so the common messages
// (strings, views, ArrayBuffers) throw none.

/// Whether `value` is an ArrayBuffer (of any realm; not a SharedArrayBuffer).
export function isArrayBuffer(value) {
  return typeof value === 'object' && value !== null && !isView(value) && hasBrand(arrayBufferByteLength, value);
}

/// Whether `value` is a Blob (of any realm).
export function isBlob(value) {
  return typeof value === 'object' && value !== null && !isView(value) &&
    !hasBrand(arrayBufferByteLength, value) && hasBrand(blobSize, value);
}

const typedArrayBuffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get;
const typedSet = Object.getPrototypeOf(Uint8Array.prototype).set;
const ArrayBufferCtor = ArrayBuffer;
const Uint8ArrayCtor = Uint8Array;
const BlobCtor = Blob;

/// A copy of `length` bytes of the ArrayBuffer `buffer` (of any realm) from
/// `offset`, made in this realm: what a socket delivers is always this
/// realm's, as a native socket's messages are.
export function copyBytes(buffer, offset, length) {
  const copy = new ArrayBufferCtor(length);
  apply(typedSet, new Uint8ArrayCtor(copy), [new Uint8ArrayCtor(buffer, offset, length)]);
  return copy;
}

/// The bytes of the Blob `blob` (of any realm), read into an ArrayBuffer of
/// this realm.
export function blobBytes(blob) {
  return new BlobCtor([blob]).arrayBuffer();
}
const dataViewBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const resizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const WasmMemory = typeof WebAssembly === 'object' ? WebAssembly.Memory : undefined;
let sharedByteLength;

/// Whether `value` is a SharedArrayBuffer (of any realm). Its prototype is
/// found once, when first needed: the constructor is not exposed to pages
/// that are not cross-origin isolated, but WebAssembly shared memory is.
function isSharedArrayBuffer(value) {
  if (sharedByteLength === undefined) {
    let proto = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer.prototype : null;
    if (proto === null && WasmMemory !== undefined) {
      try {
        proto = Object.getPrototypeOf(new WasmMemory({ initial: 0, maximum: 0, shared: true }).buffer);
      } catch {
        proto = null;
      }
    }
    sharedByteLength = proto === null ? null : Object.getOwnPropertyDescriptor(proto, 'byteLength').get;
  }
  return sharedByteLength !== null && hasBrand(sharedByteLength, value);
}

function notAllowed(what) {
  return new TypeError(`Failed to execute 'send' on 'WebSocket': The provided ArrayBuffer value must not be ${what}.`);
}

/// `data` as WebIDL's `BufferSource` takes it, given the buffer it is or
/// views: a shared or resizable buffer is refused; a detached one (length 0)
/// is an empty message.
function bufferSource(data, buffer) {
  if (!hasBrand(arrayBufferByteLength, buffer)) throw notAllowed('shared');
  if (resizable !== undefined && apply(resizable, buffer, [])) throw notAllowed('resizable');
  return apply(arrayBufferByteLength, buffer, []) === 0 ? new ArrayBuffer(0) : data;
}

/// The argument of `send()` converted as WebIDL's
/// `(BufferSource or Blob or USVString)` union is: binary data as it is (a
/// view or buffer of any realm), anything else as a string.
function toMessage(data) {
  if (typeof data !== 'object' || data === null) return `${data}`;
  if (isView(data)) {
    let buffer;
    try {
      buffer = apply(typedArrayBuffer, data, []);
    } catch {
      buffer = apply(dataViewBuffer, data, []);
    }
    return bufferSource(data, buffer);
  }
  if (isArrayBuffer(data)) return bufferSource(data, data);
  if (isBlob(data)) return data;
  if (isSharedArrayBuffer(data)) throw notAllowed('shared');
  return `${data}`;
}

function missingArgument(what) {
  return new TypeError(`Failed to execute '${what}' on 'WebSocket': 1 argument required, but only 0 present.`);
}

let caught;

/// Calls `f` with `thisArg` and `arg`; returns false when it threw, keeping
/// the exception for `takeError`. Cheaper on the hot paths (route and
/// observer callbacks, task posts) than wasm-bindgen's generic `catch`.
export function callCatching(f, thisArg, arg) {
  try {
    apply(f, thisArg, [arg]);
    return true;
  } catch (e) {
    caught = e;
    return false;
  }
}

// How wasm's scheduler posts a task: a function (`scheduler.postTask`, or a
// MessageChannel port's `postMessage`, bound to its object) and its argument.
let taskPost = null;
let taskArg;

/// Has `postTask()` post tasks that call `run`: through `scheduler.postTask`
/// where the page has it (taken now: later changes to `scheduler` do not
/// matter), else a MessageChannel post. False when neither exists.
export function setTaskRunner(run) {
  const s = globalThis.scheduler;
  if (typeof s === 'object' && s !== null && typeof s.postTask === 'function') {
    taskPost = apply(bind, s.postTask, [s]);
    taskArg = run;
    return true;
  }
  if (typeof MessageChannel !== 'function') return false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => run();
  taskPost = apply(bind, channel.port2.postMessage, [channel.port2]);
  taskArg = undefined;
  return true;
}

/// Posts one task (see `setTaskRunner`); false when posting threw, keeping
/// the exception for `takeError`. (`postTask`'s promise rejects only if the
/// task throws, which wasm's does not; it is not awaited.)
export function postTask() {
  try {
    taskPost(taskArg);
    return true;
  } catch (e) {
    caught = e;
    return false;
  }
}

/// The exception the last failed `callCatching` caught.
export function takeError() {
  const e = caught;
  caught = undefined;
  return e;
}

/// Fires a plain event named `type` (`open`, `error`) at `target`.
export function fireEvent(target, type) {
  dispatchEventImpl.call(target, new EventCtor(type));
}

/// Fires a `message` event carrying `data` at `target`.
export function fireMessage(target, data, origin) {
  dispatchEventImpl.call(target, new MessageEventCtor('message', { data, origin }));
}

/// A `message` listener for a native socket that re-fires each message at
/// `target` (an unobserved pass-through socket: no wasm call per message).
export function messageForwarder(target) {
  return (e) => fireMessage(target, e.data, e.origin);
}

/// Fires a `close` event at `target`.
export function fireClose(target, code, reason, wasClean) {
  dispatchEventImpl.call(target, new CloseEventCtor('close', { code, reason, wasClean }));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/// Whether the string `s` has no lone surrogates (`String#isWellFormed`,
/// constant time for V8's one-byte strings).
export function isWellFormed(s) {
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(s);
}

/// `s` with each lone surrogate replaced by U+FFFD (WebIDL's USVString).
export function toWellFormed(s) {
  if (typeof s.toWellFormed === 'function') return s.toWellFormed();
  return s.replace(LONE_SURROGATE, '\ufffd');
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

/// The UTF-8 length of the well-formed string `s`. `encodeInto` is the
/// fastest way to count here (a native loop); it needs room for 3 bytes per
/// UTF-16 code unit, so very long strings are encoded into a new array.
export function utf8Length(s) {
  if (s.length * 3 > scratch.length) {
    if (s.length > 1 << 16) return encoder.encode(s).length;
    scratch = new Uint8Array(s.length * 3);
  }
  return encoder.encodeInto(s, scratch).written;
}

// Other realms. The native interface's accessors and methods work on the
// sockets of every same-origin frame (brand checks look at internal slots,
// not at the realm). wsroute's classes in such frames find each other
// through a hub: an array of peers shared by the realms of one frame tree,
// handed from the topmost realm that has wsroute to every frame below it
// that loads it, by a synchronous event on the ancestor's window. A method
// called on another realm's socket runs as that realm's own method.
const REALM_EVENT = 'wsroute:realm';
const GET = 0;
const SET = 1;
const CALL = 2;
let hub = null;

/// The same-origin parent of `w`, or null.
function sameOriginParent(w) {
  try {
    const p = w.parent;
    if (p === w || p === null || p === undefined) return null;
    void p.document; // throws for a cross-origin parent
    return p;
  } catch {
    return null;
  }
}

/// Joins (or starts) the hub of this frame tree with `peer`.
function joinHub(peer) {
  const w = typeof window === 'object' && window === globalThis ? window : null;
  if (hub !== null) {
    hub.push(peer);
    return;
  }
  for (let p = w && sameOriginParent(w); p !== null && hub === null; p = sameOriginParent(p)) {
    const detail = { peer, join: (shared) => { hub = shared; } };
    try {
      dispatchEventImpl.call(p, new CustomEvent(REALM_EVENT, { detail }));
    } catch {
      break;
    }
  }
  if (hub === null) hub = [peer];
  if (w !== null) {
    addListener.call(w, REALM_EVENT, (e) => {
      const d = e.detail;
      if (d === null || typeof d !== 'object' || typeof d.join !== 'function' || hub.includes(d.peer)) return;
      hub.push(d.peer);
      d.join(hub);
    });
  }
}

/// Runs accessor or method `key` of the realm that owns `target` (a socket
/// of another realm's wsroute); a TypeError when no realm owns it. What it
/// throws is thrown again as this realm's, as the native binding throws
/// the exceptions of the function called.
function viaOwner(self, target, key, kind, args) {
  if (hub !== null) {
    for (const peer of hub) {
      if (peer !== self && peer.owns(target)) {
        const d = peer.ops[key];
        try {
          return apply(kind === GET ? d.get : kind === SET ? d.set : d.value, target, args);
        } catch (e) {
          throw inThisRealm(e);
        }
      }
    }
  }
  throw new TypeError('Illegal invocation');
}

/// `e`, another realm's TypeError or DOMException, as this realm's.
function inThisRealm(e) {
  if (e instanceof TypeError || e instanceof DOMException || e === null || typeof e !== 'object') return e;
  const name = e.name;
  if (name === 'TypeError') return new TypeError(e.message);
  if (typeof e.code === 'number' && typeof name === 'string' && Object.prototype.toString.call(e) === '[object DOMException]') {
    return new DOMException(e.message, name);
  }
  return e;
}

// A finished socket gives its wasm state back at once: its backend is
// swapped for a plain object that answers what the page can still ask of a
// closed socket (the attributes as they were; `send()` counting bytes,
// `binaryType` and `close()` checked by `rules`, which hold no socket) and
// the wasm object is freed, instead of when the garbage collector finds the
// page's object. Done in a microtask: never inside a call on that backend.
const microtask = queueMicrotask;
let retireNow = null;
let goDirect = null;

/// Has `target`'s members go straight to the native `socket` (an unobserved
/// pass-through socket's, which does all their work natively: the page's
/// object itself, or one it forwards), or through the backend again when
/// `socket` is null.
export function direct(target, socket) {
  if (goDirect !== null) goDirect(target, socket);
}

/// Retires `target`'s backend (see above); `rules` is wasm's `ClosedRules`.
export function retire(target, rules) {
  microtask(() => {
    if (retireNow !== null) retireNow(target, rules);
  });
}

// A route object (wasm's WebSocketRoute) of a finished socket does the same:
// its wasm half is freed, and it answers from then on as `finished` (wasm's
// route of a finished socket on the same side, one for all) except for its
// own `url()` and `protocols()`, kept here.
const retiredRoutes = new WeakMap();
const finishedRouteClasses = new Map();

/// Retires `route` (see above), in a microtask.
export function retireRoute(route, finished) {
  microtask(() => {
    if (retiredRoutes.has(route) || typeof route.free !== 'function') return;
    let own;
    try {
      own = { url: route.url(), protocols: route.protocols() };
    } catch {
      return; // freed by the page already (`free()`, `using`): nothing to give back
    }
    let proto = finishedRouteClasses.get(finished);
    if (proto === undefined) {
      proto = finishedRoutePrototype(Object.getPrototypeOf(route), finished);
      finishedRouteClasses.set(finished, proto);
    }
    route.free();
    retiredRoutes.set(route, own);
    Object.setPrototypeOf(route, proto);
  });
}

/// A prototype below the class's whose methods run on `finished`, except
/// `url()` and `protocols()`, which answer the route's own.
function finishedRoutePrototype(base, finished) {
  const proto = Object.create(base);
  const define = (name, value) =>
    Object.defineProperty(proto, name, { value, writable: true, configurable: true, enumerable: false });
  for (const key of Reflect.ownKeys(base)) {
    const d = Object.getOwnPropertyDescriptor(base, key);
    if (key === 'constructor' || typeof d.value !== 'function') continue;
    const method = d.value;
    define(key, { [method.name]: (...args) => method.apply(finished, args) }[method.name]);
  }
  define('url', function url() {
    return retiredRoutes.get(this).url;
  });
  define('protocols', function protocols() {
    return retiredRoutes.get(this).protocols.slice();
  });
  // Freed already: nothing left to free.
  define('free', function free() {});
  if (Symbol.dispose in base) define(Symbol.dispose, function dispose() {});
  return proto;
}

function closedBackend(old, rules) {
  const url = old.url();
  const readyState = old.readyState();
  const protocol = old.protocol();
  const extensions = old.extensions();
  let binaryType = old.binaryType();
  let buffered = old.bufferedAmount();
  return {
    url: () => url,
    readyState: () => readyState,
    bufferedAmount: () => buffered,
    extensions: () => extensions,
    protocol: () => protocol,
    binaryType: () => binaryType,
    setBinaryType(value) {
      binaryType = rules.binaryType(binaryType, value);
    },
    send(data) {
      buffered = rules.sendAfterClose(buffered, data);
    },
    close(code, reason) {
      rules.close(code, reason);
    },
  };
}

// The class's `create` (the latest `defineWebSocketClass` was given), the
// class once declared, and the WebSocket `preinstall` replaced, until wasm's
// install takes it.
let createBackend = null;
let declared = null;
let preinstalled = null;

// The native interface's members (of the WebSocket the class replaces), as
// functions of the socket: `N.send(socket, data)`. A pass-through socket is
// the page's object itself (see `instance`): its members are wsroute's, so
// the class and wasm reach the native ones through these, never by property
// access. Where the replaced WebSocket is not the browser's (a member is
// missing from its prototype), these are property accesses, and no socket
// is the page's object (`canBeNative`).
const structural = {
  url: (s) => s.url,
  readyState: (s) => s.readyState,
  bufferedAmount: (s) => s.bufferedAmount,
  extensions: (s) => s.extensions,
  protocol: (s) => s.protocol,
  binaryType: (s) => s.binaryType,
  setBinaryType: (s, v) => void (s.binaryType = v),
  send: (s, d) => s.send(d),
  close: (s, c, r) => s.close(c, r),
};
let N = structural;
const callOf = (f) => apply(bind, Function.prototype.call, [f]);

/// The native members of `replaced.prototype` (see above), or null when one
/// is missing.
function nativeMembers(replaced) {
  const members = Object.create(null);
  try {
    for (const key of Object.keys(structural)) {
      const d = Object.getOwnPropertyDescriptor(replaced.prototype, key === 'setBinaryType' ? 'binaryType' : key);
      const f = d === undefined ? undefined : key === 'send' || key === 'close' ? d.value : key === 'setBinaryType' ? d.set : d.get;
      if (typeof f !== 'function') return null;
      members[key] = callOf(f);
    }
  } catch {
    return null;
  }
  return members;
}

/// Whether a pass-through socket can be the page's object itself.
export function canBeNative() {
  return N !== structural;
}

/// The native socket's `readyState` (its other members likewise).
export function nativeReadyState(socket) { return N.readyState(socket); }
export function nativeBufferedAmount(socket) { return N.bufferedAmount(socket); }
export function nativeUrl(socket) { return N.url(socket); }
export function nativeProtocol(socket) { return N.protocol(socket); }
export function nativeExtensions(socket) { return N.extensions(socket); }
export function nativeBinaryType(socket) { return N.binaryType(socket); }
export function nativeSetBinaryType(socket, value) { N.setBinaryType(socket, value); }
export function nativeSend(socket, data) { N.send(socket, data); }
export function nativeClose(socket, code, reason) { N.close(socket, code, reason); }

const EventTargetCtor = EventTarget;
const stopImmediate = Event.prototype.stopImmediatePropagation;
const SOCKET_EVENTS = ['open', 'message', 'error', 'close'];
const ignore = () => {};

/// Listens to the page's own native socket `socket` (a pass-through socket
/// is one), first among its listeners. Until `take`, the listeners only
/// call `closed()` on its close event. After `take(open, message, error,
/// close)` every event the browser fires there goes to that handler alone
/// (the page hears what wsroute fires, untrusted: those pass), for good:
/// `release()` only drops the handlers.
export function gate(socket, closed) {
  let taken = null;
  for (const type of SOCKET_EVENTS) {
    addListener.call(socket, type, (e) => {
      // (`isTrusted` is an own, unforgeable property of every event.)
      if (!e.isTrusted) return;
      if (taken === null) {
        if (type === 'close') closed();
        return;
      }
      apply(stopImmediate, e, []);
      taken[type](e);
    });
  }
  return {
    take(open, message, error, close) {
      taken = { open, message, error, close };
    },
    release() {
      closed = ignore;
      if (taken !== null) taken = { open: ignore, message: ignore, error: ignore, close: ignore };
    },
  };
}

// Gives an object wsroute's private fields: a class whose parent
// constructor returns the object it is given (a return override) installs
// its fields on that object, whatever made it.
function Returner(o) {
  return o;
}
let stamp = null;

/// The page's object of a new socket, of class `newTarget`: the native socket
/// itself, made by `native` (the browser's constructor) with `url` and
/// `protocols` when `native` is given, else a plain EventTarget.
export function instance(newTarget, native, url, protocols) {
  return native === null || native === undefined
    ? Reflect.construct(EventTargetCtor, [], newTarget)
    : Reflect.construct(native, [url, protocols], newTarget);
}

/// Makes `o` (from `instance`) a socket of the class, answered by `backend`,
/// or by the native members of `native` (`o` itself, or the native socket
/// an unobserved one forwards) until `direct(o, null)`.
export function own(o, backend, native) {
  stamp(o, backend, native);
}

/// Declares the WebSocket class. `create(url, protocols, newTarget)` returns
/// the page's object of a new socket (see `instance` and `own`) or throws
/// the DOMException to report. The class is declared once: a later call
/// returns it, its sockets made by the new `create` from then on.
export function defineWebSocketClass(create) {
  createBackend = create;
  if (declared !== null) return declared;
  const replaced = globalThis.WebSocket;
  N = (typeof replaced === 'function' && nativeMembers(replaced)) || structural;
  let self = null;
  let isOwn;
  // The members, declared where the private fields are: the receiver check
  // in each is `#b in this` (a TypeError for a primitive), else another
  // realm's socket (run there), else a TypeError. `#n` is the native socket
  // the members go straight to (the page's object itself, or one an
  // unobserved socket forwards), else null: the backend answers.
  class Members extends Returner {
    #b = null;
    #n = null;
    #handlers = null;

    static {
      isOwn = (o) => #b in o;
      stamp = (o, b, n) => {
        new Members(o);
        o.#b = b;
        o.#n = n ?? null;
      };
      goDirect = (o, n) => {
        if (#b in o) o.#n = n;
      };
      retireNow = (o, rules) => {
        const old = #b in o ? o.#b : null;
        if (old === null || typeof old.free !== 'function') return;
        if (o.#n === o) o.#b = null;
        else {
          o.#n = null;
          o.#b = closedBackend(old, rules);
        }
        old.free();
      };
    }

    get url() {
      if (!(#b in this)) return viaOwner(self, this, 'url', GET, []);
      const n = this.#n;
      return n !== null ? N.url(n) : this.#b.url();
    }
    get readyState() {
      if (!(#b in this)) return viaOwner(self, this, 'readyState', GET, []);
      const n = this.#n;
      return n !== null ? N.readyState(n) : this.#b.readyState();
    }
    get bufferedAmount() {
      if (!(#b in this)) return viaOwner(self, this, 'bufferedAmount', GET, []);
      const n = this.#n;
      return n !== null ? N.bufferedAmount(n) : this.#b.bufferedAmount();
    }
    get extensions() {
      if (!(#b in this)) return viaOwner(self, this, 'extensions', GET, []);
      const n = this.#n;
      return n !== null ? N.extensions(n) : this.#b.extensions();
    }
    get protocol() {
      if (!(#b in this)) return viaOwner(self, this, 'protocol', GET, []);
      const n = this.#n;
      return n !== null ? N.protocol(n) : this.#b.protocol();
    }
    get binaryType() {
      if (!(#b in this)) return viaOwner(self, this, 'binaryType', GET, []);
      const n = this.#n;
      return n !== null ? N.binaryType(n) : this.#b.binaryType();
    }
    set binaryType(value) {
      if (!(#b in this)) return void viaOwner(self, this, 'binaryType', SET, [value]);
      const n = this.#n;
      if (n !== null) N.setBinaryType(n, value);
      else this.#b.setBinaryType(`${value}`);
    }

    // WebIDL's order: the receiver, then the argument count, then each
    // argument's conversion (the native member converts its own).
    send(data) {
      if (!(#b in this)) return viaOwner(self, this, 'send', CALL, arguments);
      if (arguments.length < 1) throw missingArgument('send');
      const n = this.#n;
      if (n !== null) N.send(n, data);
      else this.#b.send(toMessage(data));
    }

    close(code = undefined, reason = undefined) {
      if (!(#b in this)) return viaOwner(self, this, 'close', CALL, arguments);
      const n = this.#n;
      if (n !== null) return void N.close(n, code, reason);
      const c = code === undefined ? undefined : Number(code);
      const r = reason === undefined ? undefined : `${reason}`;
      this.#b.close(c, r);
    }

    get onopen() { return #b in this ? this.#getHandler('open') : viaOwner(self, this, 'onopen', GET, []); }
    set onopen(v) { if (#b in this) this.#setHandler('open', v); else viaOwner(self, this, 'onopen', SET, [v]); }
    get onmessage() { return #b in this ? this.#getHandler('message') : viaOwner(self, this, 'onmessage', GET, []); }
    set onmessage(v) { if (#b in this) this.#setHandler('message', v); else viaOwner(self, this, 'onmessage', SET, [v]); }
    get onerror() { return #b in this ? this.#getHandler('error') : viaOwner(self, this, 'onerror', GET, []); }
    set onerror(v) { if (#b in this) this.#setHandler('error', v); else viaOwner(self, this, 'onerror', SET, [v]); }
    get onclose() { return #b in this ? this.#getHandler('close') : viaOwner(self, this, 'onclose', GET, []); }
    set onclose(v) { if (#b in this) this.#setHandler('close', v); else viaOwner(self, this, 'onclose', SET, [v]); }

    // HTML "event handler" semantics: the listener is added when the handler
    // first becomes non-null and keeps its place among other listeners while
    // the value changes; setting null removes it.
    #getHandler(type) {
      const h = this.#handlers && this.#handlers[type];
      return h ? h.value : null;
    }

    #setHandler(type, value) {
      const v = typeof value === 'function' || (typeof value === 'object' && value !== null) ? value : null;
      const handlers = this.#handlers || (this.#handlers = Object.create(null));
      const h = handlers[type];
      if (v === null) {
        if (h) {
          removeListener.call(this, type, h.listener);
          handlers[type] = undefined;
        }
      } else if (h) {
        h.value = v;
      } else {
        const entry = { value: v, listener: null };
        // `[LegacyTreatNonObjectAsNull]`: any object is kept, and one that
        // cannot be called is skipped when the event fires.
        entry.listener = (event) => {
          const f = entry.value;
          if (typeof f !== 'function') return;
          const result = apply(f, this, [event]);
          if (result === false) event.preventDefault();
        };
        handlers[type] = entry;
        addListener.call(this, type, entry.listener);
      }
    }
  }

  // The class itself: its constructor converts the arguments and returns
  // the object `create` made (no `super()`: a constructor may return
  // another object), which is of `new.target`'s class, subclasses included.
  class WebSocket extends EventTarget {
    constructor(url, protocols = undefined) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      }
      const href = `${url}`;
      const list = toProtocols(protocols);
      return createBackend(href, list, new.target);
    }
  }
  const members = Members.prototype;
  for (const key of Reflect.ownKeys(members)) {
    if (key !== 'constructor') Object.defineProperty(WebSocket.prototype, key, Object.getOwnPropertyDescriptor(members, key));
  }

  // WebIDL: attributes and operations are enumerable; constants are
  // enumerable, read-only and non-configurable on the interface and prototype.
  const proto = WebSocket.prototype;
  for (const key of Reflect.ownKeys(proto)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    d.enumerable = true;
    Object.defineProperty(proto, key, d);
  }
  // (Configurable until the prototype's keys are in order.)
  const constants = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
  for (let i = 0; i < constants.length; i++) {
    const d = { value: i, enumerable: true, writable: false, configurable: true };
    Object.defineProperty(WebSocket, constants[i], d);
    Object.defineProperty(proto, constants[i], d);
  }
  Object.defineProperty(proto, Symbol.toStringTag, { value: 'WebSocket', configurable: true });
  // Reflection (`Reflect.ownKeys`, for-in) lists the prototype's keys in
  // the order of the WebSocket being replaced, which differs by browser.
  if (typeof replaced === 'function') reorder(proto, replaced.prototype);
  for (const c of constants) {
    Object.defineProperty(WebSocket, c, { configurable: false });
    Object.defineProperty(proto, c, { configurable: false });
  }
  // The interface object's own keys in the replaced one's order too. A class
  // lists `prototype` where the engine puts it (Firefox: before `length` and
  // `name`), and `prototype` cannot be moved: where the order differs, the
  // class is exported through a Proxy whose only trap orders the keys;
  // construction, `instanceof`, statics and subclassing pass through.
  let exported = WebSocket;
  let template = null;
  try {
    template = typeof replaced === 'function' ? Reflect.ownKeys(replaced) : null;
  } catch {
    template = null;
  }
  if (template !== null) {
    const own = Reflect.ownKeys(WebSocket);
    if (inOrder(own, template).some((k, i) => k !== own[i])) {
      exported = new Proxy(WebSocket, { ownKeys: (target) => inOrder(Reflect.ownKeys(target), template) });
      Object.defineProperty(proto, 'constructor', { value: exported, writable: true, enumerable: false, configurable: true });
    }
  }
  const ops = Object.create(null);
  for (const key of Reflect.ownKeys(proto)) ops[key] = Object.getOwnPropertyDescriptor(proto, key);
  self = { owns: (o) => ((typeof o === 'object' && o !== null) || typeof o === 'function') && isOwn(o), ops };
  joinHub(self);
  declared = exported;
  return exported;
}

/// The classic script's start, before any wasm: declares the class and puts
/// it in place of the global `WebSocket`, whose `create` calls `load()`
/// first, which must instantiate the wasm and run its `install()` (that
/// takes the class and the replaced WebSocket: `takePreinstalled`). False,
/// with nothing done, where there is no `WebSocket` to replace, the class
/// was declared already, or the global cannot be set: the caller then
/// installs through the wasm, which reports why.
export function preinstall(load) {
  const native = globalThis.WebSocket;
  if (typeof native !== 'function' || declared !== null) return false;
  const lazy = function (url, protocols, newTarget) {
    load();
    if (createBackend === lazy) throw new Error('wsroute: the wasm did not take the WebSocket class');
    return createBackend(url, protocols, newTarget);
  };
  let set = false;
  try {
    set = Reflect.set(globalThis, 'WebSocket', defineWebSocketClass(lazy));
  } catch {
    set = false;
  }
  if (set) preinstalled = native;
  return set;
}

/// The WebSocket `preinstall` replaced, once (then null): wasm's install
/// takes it as the native one and leaves the global as it is.
export function takePreinstalled() {
  const native = preinstalled;
  preinstalled = null;
  return native;
}

// The browser's own timers and clock, as they were when wsroute loaded
// (wasm's timers run on them): fake timers a test installs later do not slow
// or freeze wsroute's.
const clock = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  performance: globalThis.performance,
  now: typeof performance === 'object' && performance !== null ? performance.now : undefined,
};

/// The timers and clock taken when wsroute loaded.
export function ownClock() {
  return clock;
}

/// `keys` in the order `template` has them (keys it lacks last, as they were).
function inOrder(keys, template) {
  return template.filter((k) => keys.includes(k)).concat(keys.filter((k) => !template.includes(k)));
}

/// Re-adds the own keys of `target` in the order `template` has them (keys
/// it lacks last, as they were).
function reorder(target, template) {
  let order;
  try {
    order = Reflect.ownKeys(template);
  } catch {
    return;
  }
  for (const k of inOrder(Reflect.ownKeys(target), order)) {
    const d = Object.getOwnPropertyDescriptor(target, k);
    delete target[k];
    Object.defineProperty(target, k, d);
  }
}
