"""A mock route answering the page's socket, set up as Playwright's docs show
a route: before the page loads, with the ``wsroute`` fixture."""

from __future__ import annotations

import asyncio
import concurrent.futures

from playwright.async_api import async_playwright
from playwright.sync_api import Page

from conftest import CHROMIUM, chromium_args
from wsroute import AsyncWSRoute, WSRoute

ECHO_MOCK = "ws => ws.onMessage(m => ws.send('echo: ' + m))"


def test_a_mock_route_answers_the_pages_socket(page: Page, wsroute: WSRoute, site: str) -> None:
    wsroute.route_web_socket("wss://example.test/chat", ECHO_MOCK)
    page.goto(f"{site}/index.html")
    log = page.evaluate("talk('wss://example.test/chat', ['hi', 'there'], ['chat'])")
    assert log == [
        "open protocol=chat",
        "text echo: hi",
        "text echo: there",
        "close 1000 bye clean=true",
    ]


def test_a_route_added_after_load_applies_now_and_after_a_reload(page: Page, wsroute: WSRoute, site: str) -> None:
    page.goto(f"{site}/index.html")
    wsroute.route_web_socket("**/later", "ws => ws.send('routed')")
    first = page.evaluate("talk('wss://example.test/later', [])")
    page.reload()
    second = page.evaluate("talk('wss://example.test/later', [])")
    assert first == second == ["open protocol=", "text routed", "close 1000 bye clean=true"]


def test_a_regex_url_and_unroute_all(page: Page, wsroute: WSRoute, site: str) -> None:
    import re

    wsroute.route_web_socket(re.compile(r"EXAMPLE\.test/r", re.IGNORECASE), "ws => ws.send('by regex')")
    page.goto(f"{site}/index.html")
    assert page.evaluate("talk('wss://example.test/r', [])")[1] == "text by regex"
    wsroute.unroute_all()
    # Unrouted, the made-up host cannot be reached: the socket fails as native.
    assert page.evaluate("talk('wss://example.test/r', [])") == ["error", "close 1006  clean=false"]


def test_the_async_api(site: str) -> None:
    async def run() -> list[str]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=chromium_args())
            page = await browser.new_page()
            ws = await AsyncWSRoute(page).install()
            await ws.route_web_socket("wss://example.test/async", ECHO_MOCK)
            await page.goto(f"{site}/index.html")
            log: list[str] = await page.evaluate("talk('wss://example.test/async', ['a'])")
            await browser.close()
            return log

    # pytest-playwright's sync API owns this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        log = pool.submit(asyncio.run, run()).result()
    assert log == ["open protocol=", "text echo: a", "close 1000 bye clean=true"]
