// The bench workloads, run in the page against whatever `WebSocket` is global
// when they run (native, wsroute's shim, a peer's mock). Every wait is bounded
// by a timer AND by a performance.now() check inside the message handler, so a
// system that delivers synchronously or in microtasks (and so starves timers)
// still ends. Loaded as a classic script by bench.html.
(() => {
  'use strict';
  const now = () => performance.now();

  function fail(what) {
    return new Error(what);
  }

  /** Opens a socket (binaryType arraybuffer) and resolves once it is open. */
  function openSocket(url, timeoutMs) {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(url);
      } catch (e) {
        reject(e);
        return;
      }
      ws.binaryType = 'arraybuffer';
      const timer = setTimeout(() => reject(fail(`open: no open event after ${timeoutMs} ms`)), timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        ws.onopen = ws.onerror = ws.onclose = null;
        resolve(ws);
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(fail('open: error event'));
      };
      ws.onclose = (e) => {
        clearTimeout(timer);
        reject(fail(`open: closed with code ${e.code} before open`));
      };
    });
  }

  function quietClose(ws) {
    ws.onmessage = ws.onerror = ws.onclose = null;
    try { ws.close(); } catch (_) { /* ignore */ }
  }

  /**
   * Sequential round trips of a 64-byte text message for `durationMs`: the
   * next send happens in the message handler of the previous echo, as an
   * application would. A system that delivers the echo synchronously inside
   * send() would recurse: such deliveries are counted and the next send is
   * deferred to a MessageChannel task instead.
   */
  async function pingpong({ url, durationMs, timeoutMs }) {
    const ws = await openSocket(url, Math.min(timeoutMs, 10000));
    const msg = 'p'.repeat(64);
    try {
      return await new Promise((resolve, reject) => {
        let count = 0;
        let depth = 0;
        let syncDeliveries = 0;
        let done = false;
        let t0 = 0;
        const kick = new MessageChannel();
        const finish = (err) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          kick.port1.close();
          if (err) reject(err);
          else {
            const ms = now() - t0;
            resolve({ value: count / (ms / 1000), count, ms, syncDeliveries });
          }
        };
        const timer = setTimeout(
          () => finish(fail(`timed out after ${timeoutMs / 1000} s (${count} round trips)`)),
          timeoutMs,
        );
        const send = () => {
          depth++;
          try {
            ws.send(msg);
          } catch (e) {
            finish(e);
          } finally {
            depth--;
          }
        };
        kick.port1.onmessage = send;
        ws.onmessage = (e) => {
          if (done) return;
          if (typeof e.data !== 'string' || e.data.length !== 64) {
            finish(fail(`ping-pong: unexpected echo ${typeof e.data} ${e.data && e.data.length}`));
            return;
          }
          count++;
          if (now() - t0 >= durationMs) {
            finish();
            return;
          }
          if (depth > 0) {
            syncDeliveries++;
            kick.port2.postMessage(0);
            return;
          }
          send();
        };
        ws.onclose = (e) => finish(fail(`ping-pong: socket closed (${e.code}) after ${count} round trips`));
        t0 = now();
        send();
      });
    } finally {
      quietClose(ws);
    }
  }

  /**
   * Sends `n` copies of `payload` in one task, then waits for all `n` echoes.
   * `value` is messages per second (text) or MB (10^6 bytes of payload, one
   * way) per second (binary). Echoes delivered inside the send loop are counted.
   */
  async function burst({ url, n, kind, size, timeoutMs }) {
    const ws = await openSocket(url, Math.min(timeoutMs, 10000));
    let payload;
    if (kind === 'text') {
      // 1 KB of ASCII (1 byte per char), not a single repeated character.
      const unit = 'abcdefghijklmnopqrstuvwxyz012345';
      payload = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    } else {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31) & 0xff;
      payload = bytes.buffer;
    }
    try {
      let received = 0;
      let badSize = 0;
      let inSendLoop = true;
      let syncDeliveries = 0;
      let done = false;
      let timer;
      const finished = new Promise((resolve, reject) => {
        const finish = (err) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(now());
        };
        // The rate so far goes into the message: a slow system still gets a number.
        const timeoutText = () => {
          const s = (now() - t0) / 1000;
          const rate = kind === 'text' ? `${Math.round(received / s)} msg/s` : `${((received * size) / 1e6 / s).toFixed(1)} MB/s`;
          return `timed out after ${timeoutMs / 1000} s (${received} of ${n} echoes, ${rate} so far)`;
        };
        timer = setTimeout(() => finish(fail(timeoutText())), timeoutMs);
        ws.onmessage = (e) => {
          if (done) return;
          received++;
          if (inSendLoop) syncDeliveries++;
          const d = e.data;
          const len = kind === 'text'
            ? (typeof d === 'string' ? d.length : -1)
            : (d instanceof ArrayBuffer ? d.byteLength : -1);
          if (len !== size) badSize++;
          if (received === n) {
            finish(badSize ? fail(`burst: ${badSize} echoes had the wrong type or size`) : null);
          } else if ((received & 255) === 0 && now() - t0 > timeoutMs) {
            finish(fail(timeoutText()));
          }
        };
        ws.onclose = (e) => finish(fail(`burst: socket closed (${e.code}) after ${received} of ${n} echoes`));
        ws.onerror = () => finish(fail(`burst: error event after ${received} of ${n} echoes`));
      });
      const t0 = now();
      for (let i = 0; i < n; i++) ws.send(payload);
      inSendLoop = false;
      const t1 = await finished;
      const ms = t1 - t0;
      const value = kind === 'text' ? n / (ms / 1000) : (n * size) / 1e6 / (ms / 1000);
      return { value, count: n, ms, syncDeliveries };
    } finally {
      quietClose(ws);
    }
  }

  /**
   * Opens, uses (one 64-byte echo) and closes `n` sockets, `concurrency` at a
   * time, waiting for every close event. For the memory report. Worker `i`
   * uses `urls[i % urls.length]`: Chromium opens one socket at a time per
   * endpoint (and waits ~10 ms before the next), so several servers (ports)
   * keep real sockets from taking minutes.
   */
  async function churn({ url, urls, n, concurrency, timeoutMs }) {
    const endpoints = urls && urls.length ? urls : [url];
    const t0 = now();
    const msg = 'c'.repeat(64);
    const one = (target) => new Promise((resolve, reject) => {
      const ws = new WebSocket(target);
      let echoed = false;
      const timer = setTimeout(() => reject(fail('churn: a socket did not finish in 10 s')), 10000);
      ws.onopen = () => ws.send(msg);
      ws.onmessage = (e) => {
        echoed = e.data === msg;
        ws.close();
      };
      ws.onerror = () => {};
      ws.onclose = () => {
        clearTimeout(timer);
        if (echoed) resolve();
        else reject(fail('churn: closed without the echo'));
      };
    });
    let started = 0;
    let finished = 0;
    let timedOut = false;
    const worker = async (i) => {
      const target = endpoints[i % endpoints.length];
      while (started < n) {
        // Out of time: stop starting sockets; the report says how many were done.
        if (now() - t0 > timeoutMs) {
          timedOut = true;
          return;
        }
        started++;
        await one(target);
        finished++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
    return { count: finished, ms: now() - t0, timedOut };
  }

  const workloads = { pingpong, burst, churn };

  /** Entry point for the runner: `benchRun({ workload, ...args })`. */
  globalThis.benchRun = async ({ workload, warmup, ...args }) => {
    const fn = workloads[workload];
    if (!fn) throw fail(`unknown workload ${workload}`);
    if (warmup) await fn({ ...args, ...warmup });
    return fn(args);
  };
})();
