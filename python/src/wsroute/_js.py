"""The JavaScript that the sync and async APIs run in the page.

Everything here is pure: it turns Python arguments into JavaScript source
(each a statement that calls ``globalThis.wsroute``) and the page's answers
back into Python values. The page's own checks stay the only rules: a bad
value is refused by wsroute in the page, and :func:`page_error` turns that
refusal into a :class:`~wsroute.WsrouteError`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Union

#: A URL filter, as Playwright for Python takes one: a glob or a compiled
#: regular expression (JavaScript syntax; ``re.IGNORECASE``, ``re.MULTILINE``
#: and ``re.DOTALL`` become the flags ``i``, ``m`` and ``s``).
UrlMatcher = Union[str, "re.Pattern[str]"]

#: A HAR: a path to a ``.har`` file, or the log already parsed (a dict).
HarSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]

NotFound = Literal["abort", "fallback"]
Timing = Literal["none", "recorded"]

SCRIPT_NAME = "wsroute.global.js"


class WsrouteError(ValueError):
    """wsroute refused an argument (a HAR, a network condition, a URL filter).

    The message is the page's own: it names the field or the HAR entry that
    is wrong. Nothing was applied.
    """


def script_path() -> Path:
    """The path of ``wsroute.global.js`` shipped in this package."""
    path = Path(__file__).with_name(SCRIPT_NAME)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: this is a source checkout without the built script; "
            "run `cargo xtask build` in the wsroute repository (it copies the script here)"
        )
    return path


def js(value: Any) -> str:
    """A JavaScript literal for a JSON value."""
    return json.dumps(value, ensure_ascii=False)


def url_matcher(url: Optional[UrlMatcher]) -> Optional[str]:
    """The JavaScript for a URL filter, or None when there is none."""
    if url is None:
        return None
    if isinstance(url, str):
        return js(url)
    if isinstance(url, re.Pattern):
        flags = "".join(
            f for bit, f in ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s")) if url.flags & bit
        )
        return f"new RegExp({js(url.pattern)}, {js(flags)})"
    raise TypeError(f"url must be a glob string or a compiled re.Pattern, not {type(url).__name__}")


def options(**fields: Optional[str]) -> str:
    """A JavaScript object literal of the fields whose value is not None."""
    body = ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
    return "{" + body + "}"


def guarded(statement: str) -> str:
    """``statement`` as a script that runs only where wsroute is loaded."""
    return f"if (globalThis.wsroute) {{ {statement} }}"


def route_web_socket(url: UrlMatcher, handler: str) -> str:
    """``wsroute.routeWebSocket(url, handler)``; ``handler`` is JavaScript source."""
    matcher = url_matcher(url)
    if matcher is None:
        raise TypeError("url must not be None")
    if not isinstance(handler, str) or not handler.strip():
        raise TypeError("handler must be the JavaScript source of a function, e.g. 'ws => ws.onMessage(m => ws.send(m))'")
    return f"wsroute.routeWebSocket({matcher}, ({handler}));"


def unroute_all() -> str:
    """``wsroute.unrouteAll()``."""
    return "wsroute.unrouteAll();"


def read_har(har: HarSource) -> str:
    """The HAR's JSON text. A path is read here (a missing file raises
    ``FileNotFoundError``); a mapping is serialised."""
    if isinstance(har, Mapping):
        return json.dumps(har)
    if isinstance(har, (str, os.PathLike)):
        path = Path(har)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FileNotFoundError(f"HAR file not found: {path}") from None
    raise TypeError(f"har must be a path or a dict, not {type(har).__name__}")


def route_from_har(
    text: str,
    url: Optional[UrlMatcher],
    not_found: NotFound,
    timing: Timing,
) -> str:
    """``wsroute.routeFromHAR(text, {url, notFound, timing})``."""
    opts = options(url=url_matcher(url), notFound=js(not_found), timing=js(timing))
    return f"wsroute.routeFromHAR({js(text)}, {opts});"


def set_network_conditions(
    offline: Optional[bool],
    latency: Optional[float],
    download_throughput: Optional[float],
    upload_throughput: Optional[float],
    url: Optional[UrlMatcher],
) -> str:
    """``wsroute.setNetworkConditions({...}, {url})`` with the fields given."""
    conditions = options(
        offline=_number_or_bool(offline),
        latency=_number_or_bool(latency),
        downloadThroughput=_number_or_bool(download_throughput),
        uploadThroughput=_number_or_bool(upload_throughput),
    )
    return f"wsroute.setNetworkConditions({conditions}, {options(url=url_matcher(url))});"


def clear_network_conditions(url: Optional[UrlMatcher]) -> str:
    """``wsroute.setNetworkConditions(null, {url})``."""
    return f"wsroute.setNetworkConditions(null, {options(url=url_matcher(url))});"


def set_offline(offline: bool) -> str:
    """``wsroute.setOffline(offline)``."""
    return f"wsroute.setOffline({_number_or_bool(offline)});"


def _number_or_bool(value: Any) -> Optional[str]:
    """A condition's value as JavaScript, None when absent. NaN and the
    infinities have no JSON form: they pass as JavaScript, so that the page's
    own check refuses them with its message."""
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return None if value is None else js(value)


RECORDERS = "globalThis.__wsrouteRecorders"


def _store(key: str) -> str:
    """The ``sessionStorage`` key (a JavaScript literal) of recording ``key``."""
    return js(f"wsroute-har:{key}")


def start_recording(key: str, url: Optional[UrlMatcher]) -> str:
    """Starts a recorder under ``key`` in this document (top-level documents
    only). When the document goes away its HAR is kept in the tab's
    ``sessionStorage`` (so a navigation within the origin loses nothing),
    where :func:`stop_recording` finds it."""
    return (
        "if (typeof window !== 'undefined' && window === window.top) {"
        f" const all = ({RECORDERS} ||= new Map());"
        f" if (!all.has({js(key)})) {{"
        f"  const r = wsroute.recordHAR({options(url=url_matcher(url))});"
        f"  all.set({js(key)}, r);"
        "   addEventListener('pagehide', () => {"
        f"   if (all.get({js(key)}) !== r) return;"
        f"   all.delete({js(key)});"
        "    const har = r.stop();"
        "    if (!har.log.entries.length) return;"
        "    try {"
        f"    const kept = JSON.parse(sessionStorage.getItem({_store(key)}) || '[]');"
        "     kept.push(har);"
        f"    sessionStorage.setItem({_store(key)}, JSON.stringify(kept));"
        "    } catch (e) { console.error('wsroute: the HAR recording of ' + location.href + ' is lost: ' + e); }"
        "  });"
        " }"
        "}"
    )


def stop_recording(key: str) -> str:
    """Stops the recorder ``key`` of this document: a JSON list of the HARs of
    this document and of the earlier ones it kept."""
    return (
        f"(() => {{ let parts = [];"
        f" try {{ parts = JSON.parse(sessionStorage.getItem({_store(key)}) || '[]');"
        f" sessionStorage.removeItem({_store(key)}); }} catch (e) {{}}"
        f" const all = {RECORDERS}; const r = all && all.get({js(key)});"
        f" if (r) {{ all.delete({js(key)}); parts.push(r.stop()); }}"
        " return JSON.stringify(parts); })()"
    )


def discard_recording(key: str) -> str:
    """For documents loaded after the recording stopped: ends the recorder
    that :func:`start_recording` (an earlier init script) just started."""
    return (
        f"{{ const all = {RECORDERS}; const r = all && all.get({js(key)});"
        f" if (r) {{ all.delete({js(key)}); r.stop(); }} }}"
    )


def merge_hars(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One HAR log from the logs of several documents: the first log's
    header, every entry, in the order the sockets started."""
    if not parts:
        raise ValueError("no HAR recorded")
    merged = dict(parts[0])
    log = dict(merged.get("log", {}))
    entries = [e for part in parts for e in part.get("log", {}).get("entries", [])]
    entries.sort(key=lambda e: str(e.get("startedDateTime", "")))
    log["entries"] = entries
    pages = [p for part in parts for p in part.get("log", {}).get("pages", [])]
    if pages:
        log["pages"] = pages
    merged["log"] = log
    return merged


def page_error(message: str) -> Optional[WsrouteError]:
    """The :class:`WsrouteError` for a Playwright error whose message is a
    ``TypeError`` or ``RangeError`` thrown by the page, else None."""
    match = re.search(r"\b(TypeError|RangeError|SyntaxError): (.*)", message)
    if match is None:
        return None
    return WsrouteError(match.group(2).strip())
