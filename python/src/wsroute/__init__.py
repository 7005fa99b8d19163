"""wsroute for Playwright for Python: WebSocket mocks that answer in the page,
HAR replay of WebSocket sessions, network conditions for WebSockets, and
sockets in dedicated workers routed too.

The browser side is wsroute's classic script, shipped in this package
(:func:`script_path`); these helpers load it into a Playwright page or
context and drive its JavaScript API (``globalThis.wsroute``)::

    from wsroute import WSRoute

    def test_chat(page):
        ws = WSRoute(page).install()
        ws.route_web_socket("**/chat", "ws => ws.onMessage(m => ws.send('echo: ' + m))")
        page.goto("http://127.0.0.1:8000/")

With pytest-playwright installed, the ``wsroute`` fixture gives a
:class:`WSRoute` already installed in ``page``.
"""

from importlib import metadata as _metadata

from ._js import HarSource, NotFound, Timing, UrlMatcher, WsrouteError, script_path
from .async_api import AsyncHarRecording, AsyncWSRoute
from .sync_api import HarRecording, WSRoute

__version__ = _metadata.version("wsroute")

__all__ = [
    "AsyncHarRecording",
    "AsyncWSRoute",
    "HarRecording",
    "HarSource",
    "NotFound",
    "Timing",
    "UrlMatcher",
    "WSRoute",
    "WsrouteError",
    "__version__",
    "script_path",
]
