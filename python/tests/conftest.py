"""Fixtures of the Python tests: Debian's Chromium for pytest-playwright,
the test pages over HTTP on 127.0.0.1, and the project's WebSocket echo
server (which a test can stop)."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).with_name("pages")
CHROMIUM = os.environ.get("WSROUTE_CHROMIUM", "/usr/bin/chromium")


def chromium_args() -> list[str]:
    """The flags every Playwright run of the project starts Chromium with
    (tests/e2e/chromium-args.mjs): no background traffic, and made-up hosts
    never leave the machine."""
    text = (ROOT / "tests" / "e2e" / "chromium-args.mjs").read_text(encoding="utf-8")
    body = text[text.index("CHROMIUM_ARGS") :]
    return re.findall(r"'([^']*)'", body[: body.index("];")])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": chromium_args()}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The base URL of tests/pages/ served on 127.0.0.1."""
    handler = functools.partial(_Quiet, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Echo:
    """The project's echo server (`xtask echo-server`) in a child process."""

    def __init__(self) -> None:
        xtask = os.environ.get("WSROUTE_XTASK")
        command = [xtask] if xtask else ["cargo", "run", "-q", "-p", "xtask", "--"]
        self._process = subprocess.Popen(
            [*command, "echo-server"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        match = re.search(r"(ws://127\.0\.0\.1:\d+)/echo", line)
        if match is None:
            self.stop()
            raise RuntimeError(f"the echo server did not print its URL: {line!r}")
        self.base = match.group(1)
        self.url = f"{self.base}/echo"

    def stop(self) -> None:
        """Stops the server: later connections are refused."""
        self._process.kill()
        self._process.wait()


@pytest.fixture
def echo() -> Iterator[Echo]:
    """A running echo server, stopped at the end of the test."""
    server = Echo()
    yield server
    server.stop()
