"""What the sync and async classes share: the target and the statements
kept for later documents and workers."""

from __future__ import annotations

import itertools
import json
from typing import Any, Generic, Optional, Sequence, TypeVar

from . import _js
from ._js import UrlMatcher

T = TypeVar("T")

_ids = itertools.count()


def new_id(prefix: str) -> str:
    """A name no other call in this process returns."""
    return f"{prefix}{next(_ids)}"


class Base(Generic[T]):
    """State of a ``WSRoute`` over a target of type ``T`` (a page or a context)."""

    def __init__(self, target: T, *, workers: Optional[UrlMatcher] = None) -> None:
        self._target = target
        self._workers = workers
        self._scripts: list[str] = []
        self._installed = False

    def _keep(self, statement: str) -> str:
        """Keeps ``statement`` for later documents and workers; returns the
        init script that runs it."""
        self._scripts.append(statement)
        return _js.guarded(statement)

    @staticmethod
    def _merge(texts: Sequence[Optional[str]]) -> dict[str, Any]:
        """One HAR from what each page's :func:`_js.stop_recording` returned."""
        return _js.merge_hars([har for t in texts if t is not None for har in json.loads(t)])

    def _worker_body(self, text: str) -> str:
        """A worker script with wsroute and every statement kept so far on top."""
        source = _js.script_path().read_text(encoding="utf-8")
        return "\n".join([source, *(_js.guarded(s) for s in self._scripts), text])
