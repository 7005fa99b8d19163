// Development-only routes: the chat server, mocked.
wsroute.routeWebSocket('ws://127.0.0.1:9/chat', (ws) => {
  ws.onMessage((message) => ws.send(`mocked: ${message}`));
});
