// The page's side of the Python tests: sockets whose every event becomes a
// line in a log, so a test compares whole sessions.

/**
 * Opens `url` and sends `messages` one at a time, each after the answer to
 * the one before (the first at `open`); closes after the last answer, or
 * after the first message the server sends when there is nothing to send.
 */
function talk(url, messages, protocols) {
  return new Promise((resolve, reject) => {
    const log = [];
    const ws = new WebSocket(url, protocols || []);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => reject(new Error(`timed out: ${log.join(' | ')}`)), 10000);
    let sent = 0;
    const next = () => {
      const m = messages[sent++];
      if (m === undefined) return ws.close(1000, 'bye');
      ws.send(typeof m === 'string' ? m : new Uint8Array(m));
    };
    ws.onopen = () => {
      log.push(`open protocol=${ws.protocol}`);
      if (messages.length) next();
    };
    ws.onmessage = (e) => {
      log.push(typeof e.data === 'string' ? `text ${e.data}` : `binary ${Array.from(new Uint8Array(e.data))}`);
      next();
    };
    ws.onerror = () => log.push('error');
    ws.onclose = (e) => {
      log.push(`close ${e.code} ${e.reason} clean=${e.wasClean}`);
      clearTimeout(timer);
      resolve(log);
    };
  });
}

/** A client that reconnects 50 ms after every close, as real clients do; its log is `window.client`. */
function keepConnected(url) {
  const client = (window.client = { log: [], socket: null });
  const connect = () => {
    const ws = (client.socket = new WebSocket(url));
    ws.onopen = () => client.log.push('open');
    ws.onerror = () => client.log.push('error');
    ws.onclose = (e) => {
      client.log.push(`close ${e.code}`);
      setTimeout(connect, 50);
    };
  };
  connect();
}
