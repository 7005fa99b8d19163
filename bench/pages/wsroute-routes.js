// The wsroute systems' routes, for both browsers: Chromium runs add this file
// as an init script and then call benchRoute(mode, echoURL, mockURL); in
// Firefox bench.html loads it right after the classic script
// (?wsroute=MODE&echo=URL&mock=URL) and it registers the route itself.
globalThis.benchRoute = function benchRoute(mode, echoURL, mockURL) {
  switch (mode) {
    // One route that does not match: unmatched sockets still go through matching.
    case 'pass':
      wsroute.routeWebSocket('ws://unmatched.test/**', (ws) => ws.close());
      break;
    case 'cts':
      wsroute.routeWebSocket(echoURL, (ws) => { ws.connectToServer(); });
      break;
    case 'ctsHandlers':
      wsroute.routeWebSocket(echoURL, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => ws.send(m));
      });
      break;
    case 'mock':
      wsroute.routeWebSocket(mockURL, (ws) => { ws.onMessage((m) => ws.send(m)); });
      break;
    default:
      throw new Error(`benchRoute: unknown mode ${mode}`);
  }
};

(function () {
  const params = new URLSearchParams(location.search);
  const mode = params.get('wsroute');
  if (mode) benchRoute(mode, params.get('echo'), params.get('mock'));
})();
