// The app: a plain WebSocket to a server that does not exist yet. In `vite` (dev) the route in
// dev-routes.js answers; a production build would connect for real.
const log = (globalThis.__log = []);
const show = (line) => {
  log.push(line);
  const li = document.createElement('li');
  li.textContent = line;
  document.getElementById('log').append(li);
};

const ws = new WebSocket('wss://api.example.test/live');
ws.onopen = () => {
  show('open');
  ws.send('hello from vite');
};
ws.onmessage = (e) => show(e.data);
ws.onclose = (e) => show(`close ${e.code}`);
