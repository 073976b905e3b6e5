"""Shared test setup: every test runs with private XDG directories.

Tests must never touch the user's real config, cache or data, so the XDG
variables (which platformdirs honours) point into a per-test temporary
directory, and BRIEFTERM_CONFIG is cleared.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_CACHE_HOME into tmp_path."""
    home = tmp_path / "home"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        directory = home / name.lower()
        directory.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(directory))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("BRIEFTERM_CONFIG", raising=False)
    # Keep proxies from the environment away from loopback test servers.
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return home


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC (and tmux is not around) so rendered output is stable."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("TMUX", raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
