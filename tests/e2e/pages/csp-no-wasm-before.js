window.__native = WebSocket;
