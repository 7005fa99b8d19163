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

/**
 * How close the network conditions a page measures come to what was asked
 * (the "network conditions" table of BENCHMARKS.md): `roundTrips` 64 B round
 * trips under `latency` ms, then `frames` x `size` B binary frames echoed with
 * only `uploadThroughput`, then only `downloadThroughput`, set to `throughput`
 * B/s. Times are from the first send to the last echo; every wait is bounded
 * by `timeoutMs`. The conditions are removed before it returns.
 */
globalThis.benchNetwork = async function benchNetwork({ url, latency, throughput, frames, size, roundTrips, timeoutMs }) {
  const now = () => performance.now();
  const within = (promise, what) => {
    let timer;
    return Promise.race([
      promise,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${timeoutMs} ms`)), timeoutMs); }),
    ]).finally(() => clearTimeout(timer));
  };
  const open = () => within(new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => resolve(ws);
    ws.onclose = (e) => reject(new Error(`closed ${e.code} before open`));
  }), 'open');
  const under = async (conditions, measure) => {
    wsroute.setNetworkConditions(conditions);
    try {
      return await measure();
    } finally {
      wsroute.setNetworkConditions(null);
    }
  };

  const delay = await under({ latency }, async () => {
    const t0 = now();
    const ws = await open();
    const openMs = now() - t0;
    const rtts = [];
    for (let i = 0; i < roundTrips; i++) {
      const t = now();
      const echoed = new Promise((resolve) => { ws.onmessage = resolve; });
      ws.send('p'.repeat(64));
      await within(echoed, 'round trip');
      rtts.push(now() - t);
    }
    ws.close();
    return { openMs, rtts };
  });

  const pace = (conditions) => under(conditions, async () => {
    const ws = await open();
    const total = frames * size;
    let got = 0;
    const t0 = now();
    const done = new Promise((resolve) => {
      ws.onmessage = (e) => {
        got += e.data.byteLength;
        if (got >= total) resolve(now() - t0);
      };
    });
    const frame = new Uint8Array(size);
    for (let i = 0; i < frames; i++) ws.send(frame);
    const ms = await within(done, `${total} bytes echoed`);
    ws.close();
    return { bytes: total, ms };
  });
  const upload = await pace({ uploadThroughput: throughput });
  const download = await pace({ downloadThroughput: throughput });
  return { delay, upload, download };
};
