"""A socket in a dedicated worker, routed: wsroute and the routes are put at
the top of the worker scripts named by ``workers``."""

from __future__ import annotations

from playwright.sync_api import Page

from wsroute import WSRoute


def worker_log(page: Page, site: str) -> list[str]:
    page.goto(f"{site}/worker.html")
    page.evaluate("askWorker('wss://example.test/worker')")
    page.wait_for_function("window.workerLog.some(l => l.startsWith('close'))")
    log: list[str] = page.evaluate("window.workerLog.slice()")
    return log


def test_a_socket_in_a_dedicated_worker_is_routed(page: Page, site: str) -> None:
    ws = WSRoute(page, workers="**/worker.js").install()
    ws.route_web_socket("wss://example.test/worker", "ws => ws.onMessage(m => ws.send('mock got: ' + m))")
    assert worker_log(page, site) == ["open", "text mock got: hello from the worker", "close 1000 done"]


def test_without_workers_the_worker_socket_is_native(page: Page, wsroute: WSRoute, site: str) -> None:
    wsroute.route_web_socket("wss://example.test/worker", "ws => ws.send('unreachable')")
    # The made-up host does not resolve: the native socket fails.
    assert worker_log(page, site) == ["error", "close 1006 "]
