// A small Socket.IO server (Engine.IO v4 + Socket.IO v5, websocket transport
// only, main namespace) written as a wsroute mock route, for socketio.html.
//
//   const server = sioMock('/socket.io/*', { pingInterval: 100, onEvent(conn, name, args) { return ackArgs; } });
//   server.conns[0].emit('news', { a: 1 });          // 42["news",{"a":1}]
//   server.conns[0].emit('bin', new Uint8Array(...)); // 451-["bin",{"_placeholder":true,"num":0}] + a binary frame
//   server.conns[0].disconnect();                     // 41
//   server.log                                        // every frame both ways, handshakes, closes
//
// Wire format (engine.io-parser 5 / socket.io-parser 4): every text frame is an
// Engine.IO packet `<type><data>` (0 open, 1 close, 2 ping, 3 pong, 4 message);
// a message carries a Socket.IO packet `<type>[<attachments>-][<nsp>,][<id>]<json>`
// (0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT,
// 6 BINARY_ACK). Binary attachments follow as raw binary frames (no prefix).
'use strict';

globalThis.sioMock = function sioMock(url, {
  pingInterval = 100,
  pingTimeout = 2000,
  maxPayload = 1000000,
  autoPing = true,
  onEvent = () => undefined,
} = {}) {
  const server = { conns: [], log: [], pongs: 0 };
  const record = (n, what) => server.log.push(`#${n} ${what}`);
  const show = (m) => typeof m === 'string' ? m : `<binary ${JSON.stringify(Array.from(new Uint8Array(m)))}>`;

  function parseSio(s) {
    let i = 0;
    const type = Number(s[i++]);
    if (!(type >= 0 && type <= 6)) throw new Error(`bad Socket.IO packet type in ${JSON.stringify(s)}`);
    let attachments = 0;
    if (type === 5 || type === 6) {
      const dash = s.indexOf('-', i);
      attachments = Number(s.slice(i, dash));
      i = dash + 1;
    }
    let nsp = '/';
    if (s[i] === '/') {
      const comma = s.indexOf(',', i);
      nsp = s.slice(i, comma);
      i = comma + 1;
    }
    let id = '';
    while (i < s.length && s[i] >= '0' && s[i] <= '9') id += s[i++];
    const data = i < s.length ? JSON.parse(s.slice(i)) : undefined;
    return { type, attachments, nsp, id: id === '' ? null : Number(id), data };
  }

  // Replaces binary values by placeholders; returns [json, buffers].
  function deconstruct(value, buffers) {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      buffers.push(value);
      return { _placeholder: true, num: buffers.length - 1 };
    }
    if (Array.isArray(value)) return value.map((v) => deconstruct(v, buffers));
    if (value && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = deconstruct(v, buffers);
      return out;
    }
    return value;
  }

  function reconstruct(value, buffers) {
    if (value && value._placeholder === true) return buffers[value.num];
    if (Array.isArray(value)) return value.map((v) => reconstruct(v, buffers));
    if (value && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = reconstruct(v, buffers);
      return out;
    }
    return value;
  }

  wsroute.routeWebSocket(url, (ws) => {
    const n = server.conns.length + 1;
    const conn = {
      n,
      url: ws.url(),
      eioSid: `eio-${n}`,
      sioSid: `sio-${n}`,
      auth: undefined,
      events: [],       // [name, ...args] received from the client
      closed: null,     // { code, reason } from onClose
      route: ws,
    };
    server.conns.push(conn);
    const out = (m) => { record(n, `out ${show(m)}`); ws.send(m); };
    const sendPacket = (type, id, data) => {
      const buffers = [];
      const json = data === undefined ? undefined : deconstruct(data, buffers);
      const t = buffers.length ? type + 3 : type; // EVENT 2 -> 5, ACK 3 -> 6
      out(`4${t}${buffers.length ? buffers.length + '-' : ''}${id ?? ''}${json === undefined ? '' : JSON.stringify(json)}`);
      for (const b of buffers) out(b);
    };
    conn.emit = (name, ...args) => sendPacket(2, null, [name, ...args]);
    conn.disconnect = () => out('41');
    conn.ping = () => out('2');

    let timer = null;
    let pending = null; // a binary packet waiting for its attachments
    const handle = (p) => {
      if (p.nsp !== '/') throw new Error(`namespace ${p.nsp} is not served`);
      switch (p.type) {
        case 0:
          conn.auth = p.data;
          out(`40${JSON.stringify({ sid: conn.sioSid })}`);
          break;
        case 1:
          record(n, 'client disconnect');
          break;
        case 2: {
          conn.events.push(p.data);
          const [name, ...args] = p.data;
          const ack = onEvent(conn, name, args);
          if (p.id !== null) sendPacket(3, p.id, ack === undefined ? [] : ack);
          break;
        }
        default:
          throw new Error(`unexpected Socket.IO packet type ${p.type} from the client`);
      }
    };

    ws.onMessage((m) => {
      record(n, `in ${show(m)}`);
      if (typeof m !== 'string') {
        if (!pending) throw new Error('a binary frame without a pending binary packet');
        pending.buffers.push(m);
        if (pending.buffers.length === pending.packet.attachments) {
          const { packet, buffers } = pending;
          pending = null;
          handle({ ...packet, type: packet.type - 3, data: reconstruct(packet.data, buffers) });
        }
        return;
      }
      switch (m[0]) {
        case '3': server.pongs++; break;
        case '1': record(n, 'engine close packet'); break;
        case '4': {
          const p = parseSio(m.slice(1));
          if (p.attachments > 0) pending = { packet: p, buffers: [] };
          else handle(p);
          break;
        }
        default: throw new Error(`unexpected Engine.IO packet ${JSON.stringify(m)}`);
      }
    });
    ws.onClose((code, reason) => {
      clearInterval(timer);
      conn.closed = { code, reason };
      record(n, `closed by the page: ${code} ${JSON.stringify(reason)}`);
      // Answer the page's close frame as a server does (with onClose set, that is
      // the route's job, as in Playwright; otherwise the page stays CLOSING).
      ws.close({ code, reason });
    });
    conn.close = (options) => {
      clearInterval(timer);
      record(n, `route close ${JSON.stringify(options)}`);
      return ws.close(options);
    };

    // The Engine.IO handshake; the server pings, the client answers with pongs.
    out('0' + JSON.stringify({ sid: conn.eioSid, upgrades: [], pingInterval, pingTimeout, maxPayload }));
    if (autoPing) timer = setInterval(conn.ping, pingInterval);
  });
  return server;
};

/** Resolves with the arguments of the next `event` on `emitter`, or rejects after `ms` with `what` and the server log. */
globalThis.nextEvent = function nextEvent(emitter, event, server, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"; server log:\n${server.log.join('\n')}`));
    }, ms);
    const on = (...args) => { clearTimeout(timer); resolve(args); };
    emitter.once(event, on);
  });
};

/** Resolves when `check()` is truthy, or rejects after `ms` with `what` and the server log. */
globalThis.until = function until(check, what, server, ms = 5000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const v = check();
      if (v) return resolve(v);
      if (Date.now() - started > ms) {
        return reject(new Error(`timed out after ${ms} ms waiting for ${what}; server log:\n${server.log.join('\n')}`));
      }
      setTimeout(poll, 10);
    };
    poll();
  });
};
