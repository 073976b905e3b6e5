"""Reader test setup: the filled store, the config and one app factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefterm.config import Config
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from tests.support.sql import raw_write, rows
from tests.support.tui_data import DEMO_NOW, clock, fill_store, fixture_brief, make_config

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


def untie_times(store: Store) -> None:
    """Give entries that share a time distinct times (a millisecond apart, by feed and key).

    The demo polls its feeds concurrently, so which of two stories dated the
    same minute got the lower id varies from run to run, and lists sort ties
    by id. A millisecond changes no label on screen.
    """
    found = rows(
        store,
        "SELECT e.id, f.url, e.entry_key, e.sort_time, e.published FROM entries e"
        " JOIN feeds f ON f.id = e.feed_id",
    )
    seen: dict[float, int] = {}
    updates = []
    for entry_id, _url, _key, sort_time, published in sorted(found, key=lambda r: (r[1], r[2])):
        nth = seen[sort_time] = seen.get(sort_time, -1) + 1
        if nth:
            shift = nth / 1000
            moved = published - shift if published is not None else None
            updates.append((sort_time - shift, moved, entry_id))
    with raw_write(store) as db:
        db.executemany("UPDATE entries SET sort_time = ?, published = ? WHERE id = ?", updates)


DemoFactory = Callable[..., BriefApp]
"""``make_demo(**BriefApp keyword arguments)``: the reader on the bundled demo."""


@pytest.fixture
def make_demo(tmp_path: Path) -> Iterator[DemoFactory]:
    """The reader on the demo's sample feeds, polled from loopback at a fixed time.

    The demo server dates its stories relative to ``DEMO_NOW`` and the cache
    is polled at that time, so with the same frozen clock every screen of
    the demo is the same on every run.
    """
    from briefterm.demo import prepare_demo

    config, demo_store, server = prepare_demo(tmp_path, anchor=DEMO_NOW)
    untie_times(demo_store)

    def make(**kwargs: Any) -> BriefApp:
        kwargs.setdefault("native_copier", FakeNative())
        # The reader opens a minute after the poll (an edition ends before "now").
        kwargs.setdefault("clock", lambda: DEMO_NOW + 60)
        return BriefApp(config, demo_store, **kwargs)

    try:
        yield make
    finally:
        demo_store.close()
        server.close()
