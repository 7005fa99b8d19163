// The shape of wsroute's WebSocket class, and nothing more.
//
// A real EventTarget subclass can only be declared in JavaScript, so this file
// declares it: constants, accessors, send/close, event-handler attributes and
// the WebIDL argument conversions. Every behaviour lives in Rust: the class
// forwards each call to the backend object Rust returns from `create`.
//
// Convention (the global-script build depends on it): every export is a
// top-level `export function` / `export const` declaration.

const eventTargetProto = EventTarget.prototype;
const addListener = eventTargetProto.addEventListener;
const removeListener = eventTargetProto.removeEventListener;
const dispatchEventImpl = eventTargetProto.dispatchEvent;
const apply = Reflect.apply;
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

/// Whether `value` is an ArrayBuffer (of any realm; not a SharedArrayBuffer).
export function isArrayBuffer(value) {
  return typeof value === 'object' && value !== null && hasBrand(arrayBufferByteLength, value);
}

/// Whether `value` is a Blob (of any realm).
export function isBlob(value) {
  return typeof value === 'object' && value !== null && hasBrand(blobSize, value);
}

const typedArrayBuffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get;
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

/// Declares the WebSocket class. `create(instance, url, protocols)` returns the
/// Rust backend for a new instance or throws the DOMException to report.
export function defineWebSocketClass(create) {
  class WebSocket extends EventTarget {
    #b;
    #handlers = null;

    constructor(url, protocols = undefined) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      }
      const href = `${url}`;
      const list = toProtocols(protocols);
      super();
      this.#b = create(this, href, list);
    }

    get url() { return this.#b.url(); }
    get readyState() { return this.#b.readyState(); }
    get bufferedAmount() { return this.#b.bufferedAmount(); }
    get extensions() { return this.#b.extensions(); }
    get protocol() { return this.#b.protocol(); }
    get binaryType() { return this.#b.binaryType(); }
    set binaryType(value) { this.#b.setBinaryType(`${value}`); }

    // WebIDL's order: the receiver (`this.#b` throws for a foreign object),
    // then the argument count, then each argument's conversion.
    send(data) {
      const b = this.#b;
      if (arguments.length < 1) throw missingArgument('send');
      b.send(toMessage(data));
    }

    close(code = undefined, reason = undefined) {
      const b = this.#b;
      const c = code === undefined ? undefined : Number(code);
      const r = reason === undefined ? undefined : `${reason}`;
      b.close(c, r);
    }

    get onopen() { return this.#getHandler('open'); }
    set onopen(v) { this.#setHandler('open', v); }
    get onmessage() { return this.#getHandler('message'); }
    set onmessage(v) { this.#setHandler('message', v); }
    get onerror() { return this.#getHandler('error'); }
    set onerror(v) { this.#setHandler('error', v); }
    get onclose() { return this.#getHandler('close'); }
    set onclose(v) { this.#setHandler('close', v); }

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
  const replaced = globalThis.WebSocket;
  if (typeof replaced === 'function') reorder(proto, replaced.prototype);
  for (const c of constants) {
    Object.defineProperty(WebSocket, c, { configurable: false });
    Object.defineProperty(proto, c, { configurable: false });
  }
  return WebSocket;
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
  const own = Reflect.ownKeys(target);
  const wanted = order.filter((k) => own.includes(k)).concat(own.filter((k) => !order.includes(k)));
  for (const k of wanted) {
    const d = Object.getOwnPropertyDescriptor(target, k);
    delete target[k];
    Object.defineProperty(target, k, d);
  }
}
