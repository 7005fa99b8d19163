// Typings check (`cargo xtask test`, suite "types": `tsc -p tests/types --noEmit`).
//
// Uses every public JS API name of pkg/wsroute.d.ts and pkg/wsroute.global.d.ts with the
// exact types a user relies on; each `// @ts-expect-error` line proves a wrong use is
// rejected (tsc fails if the line below it compiles). Never run, only type-checked.
import init, {
  initSync,
  install,
  off,
  on,
  routeWebSocket,
  setBaseURL,
  uninstall,
  unrouteAll,
  unrouteWebSocket,
  version,
  waitForEvent,
} from 'wsroute';
import type {
  CloseOptions,
  RouteHandler,
  UrlMatcher,
  WaitOptions,
  WebSocketFrame,
  WebSocketObserver,
  WebSocketRoute,
} from 'wsroute';
import type {} from 'wsroute/global';

// ---- exact-type assertions ---------------------------------------------------
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>() {
  return <U>(value: U & (Equal<T, U> extends true ? unknown : never)): U => value;
}
type Payload = string | ArrayBuffer;

export async function esModule(): Promise<void> {
  // init (default export) and initSync, as wasm-bindgen --target web.
  await init();
  await init({ module_or_path: new URL('./wsroute_bg.wasm', import.meta.url) });
  initSync({ module: new Uint8Array([0, 97, 115, 109]) });

  install();
  uninstall();
  expectType<void>()(install());
  expectType<string>()(version);
  // @ts-expect-error version is a string, not a function
  version();

  // ---- routes ----------------------------------------------------------------
  const handler: RouteHandler = (ws) => {
    expectType<WebSocketRoute>()(ws);
    expectType<string>()(ws.url());
    expectType<string[]>()(ws.protocols());
    ws.send('text');
    ws.send(new ArrayBuffer(4));
    ws.send(new Uint8Array([1, 2, 3]));
    ws.send(new DataView(new ArrayBuffer(2)));
    ws.send(new Blob(['blob']));
    // @ts-expect-error send takes string | ArrayBuffer | ArrayBufferView | Blob
    ws.send(5);
    // @ts-expect-error send needs a message
    ws.send();

    ws.onMessage((message) => {
      expectType<Payload>()(message);
      if (typeof message === 'string') ws.send(message.toUpperCase());
      else ws.send(message.slice(0));
    });
    // @ts-expect-error a message is string | ArrayBuffer, not a number
    ws.onMessage((message: number) => message);
    ws.onClose((code, reason) => {
      expectType<number | undefined>()(code);
      expectType<string | undefined>()(reason);
    });
    // @ts-expect-error the close code may be undefined
    ws.onClose((code: number) => code);

    const closed: Promise<void> = ws.close();
    expectType<Promise<void>>()(ws.close({ code: 4000, reason: 'bye' }));
    const options: CloseOptions = { code: 1006 };
    void ws.close(options);
    void ws.close({ reason: 'only a reason' });
    // @ts-expect-error the code is a number
    void ws.close({ code: '1000' });
    // @ts-expect-error close takes an options object, not (code, reason)
    void ws.close(1000, 'bye');
    void closed;

    const server = ws.connectToServer();
    expectType<WebSocketRoute>()(server);
    server.onMessage((m) => ws.send(m));
    server.onClose((code, reason) => void ws.close({ code, reason }));
    return undefined;
  };

  routeWebSocket('wss://example.test/ws', handler);
  routeWebSocket('**/chat', async (ws) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    ws.send('hello');
  });
  routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 1006 }));
  routeWebSocket((url) => {
    expectType<URL>()(url);
    return url.hostname === 'example.test';
  }, handler);
  const matcher: UrlMatcher = /x/;
  routeWebSocket(matcher, handler);
  // @ts-expect-error a matcher is a string, RegExp or predicate
  routeWebSocket(5, handler);
  // @ts-expect-error the handler's argument is a WebSocketRoute
  routeWebSocket('/ws', (ws: WebSocket) => ws.close());
  // @ts-expect-error a handler is required
  routeWebSocket('/ws');

  unrouteWebSocket('wss://example.test/ws', handler);
  unrouteWebSocket(/\/ws$/);
  unrouteWebSocket((url: URL) => url.port === '8080');
  unrouteAll();
  setBaseURL('https://example.test/app/');
  setBaseURL(null);
  // @ts-expect-error a base URL is a string or null
  setBaseURL(new URL('https://example.test/'));

  // ---- the observer ------------------------------------------------------------
  const listener = (ws: WebSocketObserver) => {
    expectType<string>()(ws.url());
    expectType<boolean>()(ws.isClosed());
    const frameListener = (frame: WebSocketFrame) => expectType<Payload>()(frame.payload);
    const chained = ws
      .on('framesent', frameListener)
      .on('framereceived', ({ payload }) => expectType<Payload>()(payload))
      .on('close', (closed) => expectType<WebSocketObserver>()(closed))
      .on('socketerror', (error) => expectType<string>()(error));
    expectType<WebSocketObserver>()(chained);
    ws.off('framesent', frameListener);
    // @ts-expect-error unknown event
    ws.on('nope', () => {});
    // @ts-expect-error a socketerror is a string, not a frame
    ws.on('socketerror', (frame: WebSocketFrame) => frame);
    // @ts-expect-error 'websocket' is an event of the module, not of an observer
    ws.on('websocket', () => {});
  };
  on('websocket', listener);
  off('websocket', listener);
  // @ts-expect-error the only module-level event is 'websocket'
  on('socket', listener);
  // @ts-expect-error the listener receives an observer
  on('websocket', (ws: WebSocketRoute) => ws);

  const ws = await waitForEvent('websocket', {
    predicate: (ws) => ws.url().endsWith('/chat'),
    timeout: 5000,
  });
  expectType<WebSocketObserver>()(ws);
  expectType<Promise<WebSocketObserver>>()(waitForEvent('websocket'));
  expectType<Promise<WebSocketObserver>>()(waitForEvent('websocket', async (ws) => ws.url() !== ''));
  // @ts-expect-error the timeout is a number
  await waitForEvent('websocket', { timeout: '5000' });
  // @ts-expect-error the module waits only for 'websocket'
  await waitForEvent('framesent');

  const sent = await ws.waitForEvent('framesent');
  expectType<WebSocketFrame>()(sent);
  expectType<Payload>()(sent.payload);
  // @ts-expect-error waitForEvent('framesent') resolves with a frame, not a string
  const asString: string = await ws.waitForEvent('framesent');
  void asString;
  const received = await ws.waitForEvent('framereceived', (f) => f.payload === 'pong');
  expectType<WebSocketFrame>()(received);
  const opts: WaitOptions<WebSocketFrame> = { predicate: (f) => typeof f.payload !== 'string', timeout: 0 };
  expectType<Promise<WebSocketFrame>>()(ws.waitForEvent('framereceived', opts));
  expectType<Promise<WebSocketObserver>>()(ws.waitForEvent('close'));
  expectType<Promise<string>>()(ws.waitForEvent('socketerror', { timeout: 100 }));
  // @ts-expect-error a close event carries no payload
  (await ws.waitForEvent('close')).payload;
  // @ts-expect-error unknown event
  await ws.waitForEvent('message');
}

// ---- the classic script's global (wsroute.global.js) ----------------------------
export function classicScript(): void {
  const api = globalThis.wsroute;
  expectType<string>()(api.version);
  api.install();
  api.uninstall();
  api.routeWebSocket('wss://example.test/ws', (ws) => ws.onMessage((m) => ws.send(m)));
  wsroute.unrouteWebSocket('wss://example.test/ws');
  wsroute.unrouteAll();
  wsroute.setBaseURL(null);
  wsroute.on('websocket', (ws) => ws.on('close', () => {}));
  wsroute.off('websocket', () => {});
  expectType<Promise<WebSocketObserver>>()(wsroute.waitForEvent('websocket', { timeout: 1 }));
  // @ts-expect-error the global script is already initialised: no init/initSync
  wsroute.initSync;
  // @ts-expect-error unknown API name
  wsroute.routeWebsocket('/ws', () => {});
}
