// Runs under a strict CSP (see csp.html): a mocked socket and a socket passed
// through a connectToServer() route to the real echo server.
window.__log = [];
const echo = new URLSearchParams(location.search).get('echo');
wsroute.routeWebSocket('wss://example.test/csp', (ws) => ws.onMessage((m) => ws.send(`mock:${m}`)));
wsroute.routeWebSocket(`${echo}/echo`, (ws) => {
  const server = ws.connectToServer();
  ws.onMessage((m) => server.send(`routed:${m}`));
});
for (const url of ['wss://example.test/csp', `${echo}/echo`]) {
  const ws = new WebSocket(url);
  ws.onopen = () => ws.send('hi');
  ws.onmessage = (e) => {
    window.__log.push(e.data);
    ws.close();
  };
  ws.onerror = () => window.__log.push(`error ${url}`);
}
