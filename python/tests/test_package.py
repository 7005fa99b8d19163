"""The package itself: its version is the crate's, it ships the script
`cargo xtask build` wrote, the wheel carries both, and its type hints check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import wsroute
from conftest import ROOT


def crate_version() -> str:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    assert match, "Cargo.toml has a version"
    return match.group(1)


def test_the_version_is_the_crates() -> None:
    assert metadata.version("wsroute") == crate_version()
    assert wsroute.__version__ == crate_version()


def test_it_ships_the_built_script() -> None:
    built = ROOT / "pkg" / "wsroute.global.js"
    assert wsroute.script_path().read_bytes() == built.read_bytes()


def test_the_wheel_has_the_crates_version_and_the_script() -> None:
    wheel = Path(os.environ.get("WSROUTE_WHEEL", ""))
    if not wheel.is_file():
        pytest.fail("WSROUTE_WHEEL names no wheel: `cargo xtask test` builds one and sets it")
    assert wheel.name.startswith(f"wsroute-{crate_version()}-py3-none-any"), wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "wsroute/wsroute.global.js" in names
        assert "wsroute/py.typed" in names
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "wsroute = wsroute.pytest_plugin" in z.read(entry_points).decode()


def test_the_type_hints_check_with_mypy_strict() -> None:
    python = ROOT / "python"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(python / "pyproject.toml")],
        cwd=python,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
