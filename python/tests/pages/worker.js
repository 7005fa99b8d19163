// A dedicated worker that opens the socket it is told to, says hello, and
// reports every event to the page.
onmessage = (e) => {
  const ws = new WebSocket(e.data);
  ws.onopen = () => { postMessage('open'); ws.send('hello from the worker'); };
  ws.onmessage = (m) => { postMessage(`text ${m.data}`); ws.close(1000, 'done'); };
  ws.onerror = () => postMessage('error');
  ws.onclose = (c) => postMessage(`close ${c.code} ${c.reason}`);
};
