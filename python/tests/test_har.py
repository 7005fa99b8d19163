"""HAR replay: a session Playwright for Python records with
``record_har_path`` and one wsroute records replay with the server stopped,
and the page's event log is the live session's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import Echo
from wsroute import WSRoute, WsrouteError

MESSAGES = "['hello', [0, 1, 2, 255]]"


def talk(page: Page, url: str) -> list[str]:
    log: list[str] = page.evaluate(f"talk({json.dumps(url)}, {MESSAGES}, ['chat'])")
    return log


def replay(browser: Browser, site: str, har: object, url: str) -> list[str]:
    context = browser.new_context()
    try:
        page = context.new_page()
        ws = WSRoute(page).install()
        ws.route_from_har(har)  # type: ignore[arg-type]
        page.goto(f"{site}/index.html")
        return talk(page, url)
    finally:
        context.close()


def test_a_har_playwright_for_python_records_replays_with_the_server_stopped(
    browser: Browser, site: str, echo: Echo, tmp_path: Path
) -> None:
    har_path = tmp_path / "playwright.har"
    context = browser.new_context(record_har_path=har_path, record_har_content="embed")
    page = context.new_page()
    page.goto(f"{site}/index.html")
    live = talk(page, echo.url)
    context.close()  # writes the HAR
    echo.stop()

    sessions = [e for e in json.loads(har_path.read_text())["log"]["entries"] if e.get("_resourceType") == "websocket"]
    assert len(sessions) == 1, "Playwright recorded the session"
    assert live == [
        "open protocol=chat",
        "text hello",
        "binary 0,1,2,255",
        "close 1000 bye clean=true",
    ]
    assert replay(browser, site, har_path, echo.url) == live


def test_a_har_wsroute_records_across_a_navigation_replays_the_same(
    browser: Browser, page: Page, wsroute: WSRoute, site: str, echo: Echo, tmp_path: Path
) -> None:
    recording = wsroute.record_har()
    page.goto(f"{site}/index.html")
    first = talk(page, echo.url)
    page.goto(f"{site}/index.html?second")  # the first document hands its sessions over
    second = talk(page, f"{echo.base}/other")
    har_path = recording.save(tmp_path / "wsroute.har")
    echo.stop()

    har = json.loads(har_path.read_text())
    assert [e["request"]["url"] for e in har["log"]["entries"]] == [echo.url, f"{echo.base}/other"]
    assert recording.stop() is recording.stop(), "stop() keeps its log"
    assert replay(browser, site, str(har_path), echo.url) == first
    assert replay(browser, site, har, f"{echo.base}/other") == second


def test_a_missing_har_file_raises_file_not_found(wsroute: WSRoute, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="HAR file not found: .*missing.har"):
        wsroute.route_from_har(tmp_path / "missing.har")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("this is not json", "JSON"),
        ('{"entries": []}', "log"),
        ('{"log": {"entries": [{"_resourceType": "websocket", "request": {}}]}}', r"entries\[0\]"),
    ],
)
def test_an_invalid_har_raises_and_adds_no_route(
    page: Page, wsroute: WSRoute, site: str, echo: Echo, tmp_path: Path, text: str, says: str
) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text(text)
    with pytest.raises(WsrouteError, match=says):
        wsroute.route_from_har(bad)
    # No route was added, now or for later documents: the socket reaches the server.
    page.goto(f"{site}/index.html")
    assert talk(page, echo.url)[1] == "text hello"
