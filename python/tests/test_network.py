"""Network conditions for WebSockets: a page going offline while its client
reconnects, latency, and bad values."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from conftest import Echo
from wsroute import WSRoute, WsrouteError


def client_log(page: Page) -> list[str]:
    log: list[str] = page.evaluate("window.client.log.slice()")
    return log


def test_a_page_going_offline_and_its_client_reconnecting(
    page: Page, wsroute: WSRoute, site: str, echo: Echo
) -> None:
    page.goto(f"{site}/index.html")
    page.evaluate(f"keepConnected({json.dumps(echo.url)})")
    page.wait_for_function("window.client.log.includes('open')")

    wsroute.set_offline(True)
    # Dropped, then every reconnection fails while offline.
    page.wait_for_function("window.client.log.filter(l => l === 'close 1006').length >= 3")
    wsroute.set_offline(False)
    page.wait_for_function("window.client.log.filter(l => l === 'open').length >= 2")

    log = client_log(page)
    back = log.index("open", 1)
    assert log[:3] == ["open", "error", "close 1006"]
    assert set(log[3:back]) == {"error", "close 1006"}, "offline: no socket opens"
    assert len(log[1:back]) >= 6


def test_latency_delays_a_mocked_round_trip(page: Page, wsroute: WSRoute, site: str) -> None:
    wsroute.route_web_socket("wss://example.test/slow", "ws => ws.onMessage(m => ws.send(m))")
    wsroute.set_network_conditions(latency=300, url="**/slow")
    page.goto(f"{site}/index.html")
    elapsed = page.evaluate(
        """() => new Promise(resolve => {
            const ws = new WebSocket('wss://example.test/slow');
            let sent = 0;
            ws.onopen = () => { sent = performance.now(); ws.send('ping'); };
            ws.onmessage = () => resolve(performance.now() - sent);
        })"""
    )
    # 300 ms each way; a wide margin above, none below.
    assert 600 <= elapsed < 5000
    wsroute.clear_network_conditions(url="**/slow")
    page.reload()
    fast = page.evaluate("talk('wss://example.test/slow', ['x'])")
    assert fast[1] == "text x"


@pytest.mark.parametrize(
    ("conditions", "field"),
    [
        ({"latency": -1}, "latency"),
        ({"latency": float("nan")}, "latency"),
        ({"latency": "fast"}, "latency"),
        ({"download_throughput": -5}, "downloadThroughput"),
        ({"offline": "yes"}, "offline"),
    ],
)
def test_a_bad_condition_value_raises_naming_the_field(
    page: Page, wsroute: WSRoute, site: str, conditions: dict[str, object], field: str
) -> None:
    with pytest.raises(WsrouteError, match=field):
        wsroute.set_network_conditions(**conditions)  # type: ignore[arg-type]
    # Nothing was kept: a socket of a later document opens at once.
    wsroute.route_web_socket("wss://example.test/ok", "ws => ws.send('ok')")
    page.goto(f"{site}/index.html")
    assert page.evaluate("talk('wss://example.test/ok', [])")[1] == "text ok"
