// In-page peers: @mswjs/interceptors' WebSocketInterceptor and mock-socket,
// each as an echo. Imported by bench.html for ?system=msw-mock|msw-pass|mock-socket.

export async function setup(system, url) {
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
