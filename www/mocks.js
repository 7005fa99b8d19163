// Routes for the demo, registered with the wsroute JS API before the app
// creates any socket. The app itself never mentions wsroute.
(function () {
  'use strict';

  if (!globalThis.wsroute) {
    console.error('wsroute: /pkg/wsroute.global.js did not load; run `cargo xtask demo`.');
    return;
  }

  // The URLs the app connects to. app.js reads them from here.
  const CHAT_URL = 'wss://chat.example.test/ws';
  const ECHO_URL = (globalThis.WSROUTE_ECHO_URL || 'ws://127.0.0.1:9') + '/echo';
  globalThis.DEMO_URLS = { chat: CHAT_URL, echo: ECHO_URL };

  // (1) A fake chat server. There is no chat.example.test: the route never
  // calls connectToServer(), so everything the page sees comes from here.
  wsroute.routeWebSocket(CHAT_URL, (ws) => {
    ws.send('Welcome to the mock chat! Type /help for commands.');

    ws.onMessage((message) => {
      if (typeof message !== 'string') {
        ws.send(`bot: got ${message.byteLength} bytes of binary`);
        return;
      }
      const text = message.trim();
      switch (text) {
        case '/close':
          ws.close({ code: 4000, reason: 'bye' });
          return;
        case '/help':
          ws.send('bot: commands are /help, /time and /close; anything else comes back shouted.');
          return;
        case '/time':
          ws.send(`bot: it is ${new Date().toLocaleTimeString()}`);
          return;
        default:
          ws.send(`bot: ${text.toUpperCase()}`);
      }
    });

    // With an onClose handler, closing is not forwarded automatically (as
    // in Playwright): the page's socket stays CLOSING until we answer, the
    // way a real server answers a close frame with its own.
    ws.onClose((code, reason) => {
      console.log('mock chat: the page closed the socket', code, reason);
      ws.close({ code, reason });
    });
  });

  // (2) The real echo server, through a route. connectToServer() opens the
  // real connection; because the route handles page->server messages with
  // onMessage, it must forward them itself (here with a prefix).
  // Server->page messages are not intercepted, so they flow through as-is.
  wsroute.routeWebSocket(ECHO_URL, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      server.send(typeof message === 'string' ? `[via route] ${message}` : message);
    });
  });
})();
