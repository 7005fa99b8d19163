"""wsroute for Playwright's async API: :class:`AsyncWSRoute` and :class:`AsyncHarRecording`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional, Union

from playwright.async_api import BrowserContext, Error, Frame, Page, Route

from . import _js
from ._base import Base, new_id
from ._js import HarSource, NotFound, Timing, UrlMatcher


class AsyncWSRoute(Base[Union[Page, BrowserContext]]):
    """wsroute in a Playwright :class:`~playwright.async_api.Page` or
    :class:`~playwright.async_api.BrowserContext`.

    Every method acts on the documents open now and, through an init script,
    on every document loaded later (navigations, new frames, new pages of the
    context), in the order the calls were made: what a test sets up before
    ``page.goto()`` is in place before the page's own scripts run. Values are
    checked by wsroute in the page before anything is kept: a bad one raises
    :class:`~wsroute.WsrouteError` and changes nothing.

    Playwright does not run init scripts in workers. Pass ``workers``, a
    glob or pattern of the dedicated workers' script URLs, and wsroute is
    put at the top of those scripts (with every route and condition set so
    far) as the browser fetches them.

    Example::

        ws = await AsyncWSRoute(page).install()
        await ws.route_web_socket("**/chat", "ws => ws.onMessage(m => ws.send('echo: ' + m))")
        await page.goto(url)
    """

    async def install(self) -> "AsyncWSRoute":
        """Loads wsroute (``wsroute.global.js``) into every open document and,
        as an init script, into every later one. Idempotent; returns ``self``."""
        if self._installed:
            return self
        path = _js.script_path()
        source = path.read_text(encoding="utf-8")
        for frame in self._frames():
            await frame.evaluate("source => { (0, eval)(source); }", source)
        await self._target.add_init_script(path=path)
        if self._workers is not None:
            await self._target.route(self._workers, self._worker_script)
        self._installed = True
        return self

    async def route_web_socket(self, url: UrlMatcher, handler: str) -> None:
        """Routes the sockets whose URL matches ``url`` (newest route first), as
        Playwright's ``page.route_web_socket``; ``handler`` is the JavaScript
        source of the in-page handler, which receives a ``WebSocketRoute``::

            await ws.route_web_socket("wss://example.test/feed", '''ws => {
                ws.onMessage(m => ws.send(JSON.stringify({ echo: m })));
            }''')
        """
        await self._apply(_js.route_web_socket(url, handler))

    async def unroute_all(self) -> None:
        """Removes every route (``wsroute.unrouteAll()``), here and in later documents."""
        await self._apply(_js.unroute_all())

    async def route_from_har(
        self,
        har: HarSource,
        *,
        url: Optional[UrlMatcher] = None,
        not_found: NotFound = "abort",
        timing: Timing = "none",
    ) -> None:
        """Replays the WebSocket sessions of a HAR as mocks (``wsroute.routeFromHAR``).

        ``har`` is a path (Chrome DevTools', Playwright's ``record_har_path``,
        mitmproxy's or wsroute's own HARs) or the parsed log. The k-th socket
        to a URL replays the k-th session recorded for it. ``not_found``:
        ``"abort"`` fails sockets the HAR has no session for, ``"fallback"``
        leaves them to older routes or the network. ``timing="recorded"``
        keeps the recorded gaps. A missing file raises ``FileNotFoundError``;
        a file that is not a HAR raises :class:`~wsroute.WsrouteError` naming
        the entry and field.
        """
        await self._apply(_js.route_from_har(_js.read_har(har), url, not_found, timing))

    async def set_network_conditions(
        self,
        *,
        offline: Optional[bool] = None,
        latency: Optional[float] = None,
        download_throughput: Optional[float] = None,
        upload_throughput: Optional[float] = None,
        url: Optional[UrlMatcher] = None,
    ) -> None:
        """Network conditions for the sockets whose URL matches ``url`` (all
        when None): ``latency`` in ms each way, throughputs in bytes per
        second (None, 0 or -1: unlimited), ``offline`` drops the connections.
        Applies to sockets already open. A negative latency, NaN or a
        non-number raises :class:`~wsroute.WsrouteError` naming the field."""
        await self._apply(_js.set_network_conditions(offline, latency, download_throughput, upload_throughput, url))

    async def clear_network_conditions(self, *, url: Optional[UrlMatcher] = None) -> None:
        """Removes the conditions set with this same ``url``."""
        await self._apply(_js.clear_network_conditions(url))

    async def set_offline(self, offline: bool) -> None:
        """Sets only ``offline`` for every socket, as Playwright's ``set_offline``
        (which leaves WebSockets alone) does for HTTP. Going online repairs
        nothing: clients reconnect themselves."""
        await self._apply(_js.set_offline(offline))

    async def record_har(self, *, url: Optional[UrlMatcher] = None) -> "AsyncHarRecording":
        """Starts recording every socket whose URL matches ``url`` (mocked,
        routed or passed through) in the top-level documents of the page (or
        of every page of the context), this one and those loaded later; a
        document's sessions are kept (in the tab's ``sessionStorage``) when it
        navigates within its origin. Call
        :meth:`AsyncHarRecording.stop` for the HAR."""
        await self.install()
        key = new_id("r")
        await self._apply(_js.start_recording(key, url))
        return AsyncHarRecording(self, key)

    # -- internals ------------------------------------------------------

    async def _stop(self, key: str) -> dict[str, Any]:
        texts = [await p.main_frame.evaluate(_js.stop_recording(key)) for p in self._pages()]
        await self._target.add_init_script(script=_js.guarded(_js.discard_recording(key)))
        return self._merge(texts)

    async def _apply(self, statement: str) -> None:
        """Runs ``statement`` in every open document (any refusal raises
        before anything is kept), then keeps it as an init script."""
        await self.install()
        for frame in self._frames():
            try:
                await frame.evaluate(f"() => {{ {_js.guarded(statement)} }}")
            except Error as e:
                raise (_js.page_error(e.message) or e) from None
        await self._target.add_init_script(script=self._keep(statement))

    def _pages(self) -> list[Page]:
        target = self._target
        return list(target.pages) if isinstance(target, BrowserContext) else [target]

    def _frames(self) -> list[Frame]:
        return [f for p in self._pages() for f in p.frames]

    async def _worker_script(self, route: Route) -> None:
        response = await route.fetch()
        await route.fulfill(response=response, body=self._worker_body(await response.text()))


class AsyncHarRecording:
    """A recording started by :meth:`AsyncWSRoute.record_har`."""

    def __init__(self, owner: AsyncWSRoute, key: str) -> None:
        self._owner = owner
        self._key = key
        self._har: Optional[dict[str, Any]] = None

    async def stop(self) -> dict[str, Any]:
        """Stops recording; the HAR 1.2 log (a dict, one entry per socket,
        frames in ``_webSocketMessages``). Calling it again returns the same log."""
        if self._har is None:
            self._har = await self._owner._stop(self._key)
        return self._har

    async def save(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Stops recording and writes the HAR to ``path`` (JSON); returns the path."""
        out = Path(path)
        out.write_text(json.dumps(await self.stop(), indent=2), encoding="utf-8")
        return out


__all__ = ["WSRoute", "AsyncHarRecording"]
