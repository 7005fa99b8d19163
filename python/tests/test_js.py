"""The JavaScript the helpers write, and how page errors come back."""

from __future__ import annotations

import re

import pytest

from wsroute import _js


def test_url_filters() -> None:
    assert _js.url_matcher(None) is None
    assert _js.url_matcher("**/chat") == '"**/chat"'
    assert _js.url_matcher(re.compile(r"a\.b/c", re.I | re.S)) == r'new RegExp("a\\.b/c", "is")'
    with pytest.raises(TypeError, match="glob string or a compiled re.Pattern"):
        _js.url_matcher(3)  # type: ignore[arg-type]


def test_conditions_pass_only_what_is_given() -> None:
    assert (
        _js.set_network_conditions(None, 20, None, 1000, None)
        == "wsroute.setNetworkConditions({latency: 20, uploadThroughput: 1000}, {});"
    )
    assert "latency: NaN" in _js.set_network_conditions(None, float("nan"), None, None, None)
    assert "{url: \"**/x\"}" in _js.clear_network_conditions("**/x")


def test_a_page_type_error_becomes_a_wsroute_error() -> None:
    e = _js.page_error("Page.evaluate: TypeError: latency must be a number\n    at eval (x:1:2)")
    assert isinstance(e, _js.WsrouteError) and isinstance(e, ValueError)
    assert str(e) == "latency must be a number"
    assert _js.page_error("Target closed") is None


def test_hars_of_several_documents_merge_in_start_order() -> None:
    a = {"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-01-01T00:00:02Z"}]}}
    b = {"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-01-01T00:00:01Z"}]}}
    merged = _js.merge_hars([a, b])
    assert [e["startedDateTime"][-3:] for e in merged["log"]["entries"]] == ["01Z", "02Z"]
    assert merged["log"]["version"] == "1.2"


def test_a_handler_must_be_source() -> None:
    with pytest.raises(TypeError, match="JavaScript source"):
        _js.route_web_socket("**", "  ")
