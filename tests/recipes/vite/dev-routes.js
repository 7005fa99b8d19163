// Routes for the dev server (a classic script the wsroute plugin injects after wsroute.global.js).
wsroute.routeWebSocket('wss://api.example.test/live', (ws) => {
  ws.onMessage((message) => ws.send(`mocked: ${message}`));
});
