// The demo app: two ordinary WebSocket clients. Nothing here knows about
// wsroute; the routes in mocks.js decide who answers.
(function () {
  'use strict';

  const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
  const urls = globalThis.DEMO_URLS || {
    chat: 'wss://chat.example.test/ws',
    echo: (globalThis.WSROUTE_ECHO_URL || 'ws://127.0.0.1:9') + '/echo',
  };

  function time() {
    const d = new Date();
    return d.toTimeString().slice(0, 8);
  }

  function describe(data) {
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return `<${data.byteLength} bytes>`;
    if (data instanceof Blob) return `<blob, ${data.size} bytes>`;
    return String(data);
  }

  /** Wires one panel (prefix "mock" or "echo") to a socket on `url`. */
  function panel(prefix, url) {
    const $ = (id) => document.getElementById(`${prefix}-${id}`);
    const status = $('status');
    const log = $('log');
    const input = $('input');
    const send = $('send');
    const close = $('close');
    const reconnect = $('reconnect');
    let ws = null;

    $('url').textContent = url;

    function append(kind, text) {
      const li = document.createElement('li');
      li.className = `entry ${kind}`;
      const t = document.createElement('time');
      t.textContent = time();
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = kind;
      const body = document.createElement('span');
      body.className = 'text';
      body.textContent = text;
      li.append(t, k, body);
      log.append(li);
      log.scrollTop = log.scrollHeight;
    }

    function render() {
      const state = ws ? STATES[ws.readyState] : 'CLOSED';
      status.textContent = state;
      status.dataset.state = state;
      const open = ws && ws.readyState === WebSocket.OPEN;
      send.disabled = !open;
      input.disabled = !open;
      close.disabled = !ws || ws.readyState >= WebSocket.CLOSING;
      reconnect.hidden = !!ws && ws.readyState !== WebSocket.CLOSED;
    }

    function connect() {
      try {
        ws = new WebSocket(url);
      } catch (e) {
        ws = null;
        append('error', String(e));
        render();
        return;
      }
      const sock = ws;
      sock.binaryType = 'arraybuffer';
      append('info', `connecting to ${url}`);
      sock.addEventListener('open', () => {
        append('open', `open${sock.protocol ? ` (protocol ${sock.protocol})` : ''}`);
        render();
        input.focus();
      });
      sock.addEventListener('message', (e) => append('received', describe(e.data)));
      sock.addEventListener('error', () => append('error', 'error event'));
      sock.addEventListener('close', (e) => {
        append('close',
          `closed: code ${e.code}, reason ${JSON.stringify(e.reason)}, wasClean ${e.wasClean}`);
        render();
      });
      render();
    }

    $('form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value;
      if (!text || !ws || ws.readyState !== WebSocket.OPEN) return;
      ws.send(text);
      append('sent', text);
      input.value = '';
      input.focus();
    });

    close.addEventListener('click', () => {
      if (!ws) return;
      ws.close(1000, 'closed by the user');
      append('info', 'close(1000, "closed by the user")');
      render();
    });

    reconnect.addEventListener('click', connect);

    connect();
  }

  // The live sockets panel, built on the observer: every socket the page
  // creates (mocked, routed or passed through) and its last frames.
  function watchSockets() {
    const list = document.getElementById('live-list');
    if (!list || !globalThis.wsroute || typeof wsroute.on !== 'function') return;
    wsroute.on('websocket', (ws) => {
      const item = document.createElement('li');
      const head = document.createElement('div');
      head.className = 'sock-head';
      const url = document.createElement('code');
      url.textContent = ws.url();
      const state = document.createElement('span');
      state.className = 'sock-state';
      state.textContent = 'live';
      const counts = document.createElement('span');
      counts.className = 'sock-counts muted';
      head.append(url, state, counts);
      const frames = document.createElement('ol');
      frames.className = 'frames';
      item.append(head, frames);
      list.prepend(item);
      let sent = 0;
      let received = 0;
      const show = () => (counts.textContent = `${sent} sent, ${received} received`);
      const frame = (arrow, payload) => {
        const li = document.createElement('li');
        li.textContent = `${arrow} ${typeof payload === 'string' ? payload : `<${payload.byteLength} bytes>`}`;
        frames.append(li);
        while (frames.children.length > 5) frames.firstElementChild.remove();
        show();
      };
      show();
      ws.on('framesent', ({ payload }) => {
        sent++;
        frame('\u2191', payload);
      });
      ws.on('framereceived', ({ payload }) => {
        received++;
        frame('\u2193', payload);
      });
      ws.on('socketerror', (what) => (state.textContent = `error: ${what}`));
      ws.on('close', () => {
        if (!state.textContent.startsWith('error')) state.textContent = 'closed';
        item.classList.add('closed');
      });
    });
  }

  function start() {
    watchSockets();
    const v = document.getElementById('version');
    if (globalThis.wsroute) {
      v.textContent = `v${wsroute.version}`;
    } else {
      v.textContent = 'not loaded';
      v.classList.add('error');
    }
    panel('mock', urls.chat);
    panel('echo', urls.echo);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
