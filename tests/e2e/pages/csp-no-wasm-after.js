// The classic script threw where it started: nothing was installed.
window.__after = { native: WebSocket === window.__native, api: typeof wsroute };
