"""The pytest plugin (entry point ``pytest11``): the ``wsroute`` fixture.

It needs pytest-playwright's ``page`` fixture::

    def test_feed(page, wsroute):
        wsroute.route_web_socket("**/feed", "ws => ws.send('hello')")
        page.goto(url)
"""

from __future__ import annotations

from typing import Any

import pytest

from .sync_api import WSRoute


@pytest.fixture
def wsroute(page: Any) -> WSRoute:
    """A :class:`~wsroute.WSRoute` installed in pytest-playwright's ``page``:
    routes, replays and network conditions set through it apply to this
    page's documents now and after every navigation."""
    return WSRoute(page).install()
