"""Reader test setup: the filled store, the config and one app factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from briefterm.config import Config
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from tests.support.tui_data import clock, fill_store, fixture_brief, make_config

AppFactory = Callable[..., BriefApp]
"""``make_app(config=None, **BriefApp keyword arguments)``."""


class FakeNative:
    """Stands in for the system copy tool: records what it was given."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.texts: list[str] = []

    def __call__(self, text: str) -> str:
        from briefterm.clipboard import NO_TOOL

        self.texts.append(text)
        return "" if self.works else NO_TOOL


@pytest.fixture
def store(store: Store) -> Store:
    """The in-memory cache filled with the reader's fixture feeds and entries."""
    fill_store(store)
    return store


@pytest.fixture
def reader_config() -> Config:
    """The config ``make_app`` uses when a test passes none."""
    return make_config()


@pytest.fixture
def make_app(store: Store, reader_config: Config) -> AppFactory:
    """Build the reader over ``store`` with the frozen clock and the fixture brief."""

    def make(config: Config | None = None, **kwargs: Any) -> BriefApp:
        kwargs.setdefault("brief_loader", fixture_brief)
        kwargs.setdefault("native_copier", FakeNative())
        kwargs.setdefault("clock", clock)
        return BriefApp(config or reader_config, store, **kwargs)

    return make
