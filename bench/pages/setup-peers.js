// In-page peers: @mswjs/interceptors' WebSocketInterceptor and mock-socket,
// each as an echo. Imported by bench.html for ?system=msw-mock|msw-pass|mock-socket.

export async function setup(system, url) {
  if (system === 'task-floor') {
    globalThis.WebSocket = taskFloorSocket();
    return;
  }
  if (system === 'mock-socket') {
    const { Server, WebSocket: MockWebSocket } = await import('/node_modules/mock-socket/dist/mock-socket.es.mjs');
    // A mock echo server at the bench URL; the page's WebSocket becomes mock-socket's.
    const server = new Server(url);
    server.on('connection', (socket) => {
      socket.on('message', (data) => socket.send(data));
    });
    globalThis.WebSocket = MockWebSocket;
    globalThis.__benchPeer = { server };
    return;
  }
  const { WebSocketInterceptor } = await import('/node_modules/@mswjs/interceptors/lib/browser/interceptors/WebSocket/index.js');
  const interceptor = new WebSocketInterceptor();
  if (system === 'msw-mock') {
    interceptor.on('connection', ({ client }) => {
      client.addEventListener('message', (event) => client.send(event.data));
    });
  } else if (system === 'msw-pass') {
    // server.connect(): client -> server and server -> client are forwarded by default.
    interceptor.on('connection', ({ server }) => {
      server.connect();
    });
  } else {
    throw new Error(`unknown system ${system}`);
  }
  interceptor.apply();
  globalThis.__benchPeer = { interceptor };
}

/**
 * Not a peer: the least work any mock with real tasks can do per echo, as a
 * ceiling measured in the same run. `send()` queues one task (the server
 * side receives it) which queues another (the page receives the echo as a
 * `MessageEvent`), with the same task primitive wsroute uses
 * (`scheduler.postTask`, else a `MessageChannel` post, at most 8 in flight). No URL matching, no
 * state machine, no bufferedAmount, no validation.
 */
function taskFloorSocket() {
  // One FIFO of callbacks with at most 8 posts in flight, as wsroute queues
  // its tasks (Firefox's postTask slows down with many pending tasks).
  const queue = [];
  let inFlight = 0;
  const postOne = globalThis.scheduler && typeof scheduler.postTask === 'function'
    ? (f) => { scheduler.postTask(f); }
    : (() => {
        const ch = new MessageChannel();
        let run;
        ch.port1.onmessage = () => run();
        return (f) => { run = f; ch.port2.postMessage(undefined); };
      })();
  const runOne = () => {
    inFlight--;
    const f = queue.shift();
    topUp();
    f();
  };
  const topUp = () => {
    while (inFlight < Math.min(queue.length, 8)) {
      inFlight++;
      postOne(runOne);
    }
  };
  const post = (f) => {
    queue.push(f);
    topUp();
  };
  return class FloorSocket extends EventTarget {
    constructor(url) {
      super();
      this.url = url;
      this.readyState = 0;
      this.binaryType = 'blob';
      this.bufferedAmount = 0;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      post(() => {
        this.readyState = 1;
        this.#fire(new Event('open'));
      });
    }
    #fire(e) {
      const h = this['on' + e.type];
      if (typeof h === 'function') h.call(this, e);
      this.dispatchEvent(e);
    }
    send(data) {
      const copy = typeof data === 'string' ? data : data.slice(0);
      post(() => post(() => this.#fire(new MessageEvent('message', { data: copy }))));
    }
    close() {
      if (this.readyState > 1) return;
      this.readyState = 2;
      post(() => {
        this.readyState = 3;
        this.#fire(new CloseEvent('close', { code: 1005, wasClean: true }));
      });
    }
  };
}
