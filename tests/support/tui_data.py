"""Realistic fixture data for the reader tests: a store, a config, a fixed clock.

Titles include markup look-alikes (``[/]``, ``[@click=app.quit]``), CJK,
emoji and a 20,000-character title, so every rendering path meets them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerFailed

from briefterm.config import Config, FeedConfig, UIConfig
from briefterm.models import Brief, Cluster, Enclosure, ParsedEntry, Section
from briefterm.store import EntryFilter, Store
from briefterm.tui._marking import Marking
from briefterm.tui.app import BriefApp
from briefterm.tui.view_model import RowModel, View
from tests.support.sql import entry_ids, raw_write

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC).timestamp()
DEMO_NOW = datetime(2026, 12, 2, 6, 20, tzinfo=UTC).timestamp()
"""The demo's frozen "now": its stories are dated relative to it (a Wednesday morning)."""

TECH = "https://tech.example.org/feed.xml"
POLICY = "https://policy.example.org/rss"
MARKETS = "https://markets.example.net/atom"

LONG_TITLE = "Very long headline " * 1053  # about 20,000 characters


async def settle(app: BriefApp, pilot: Pilot[int]) -> None:
    """Wait until no worker runs and every message they posted is handled.

    One round is not always enough: a finished worker's message can start
    another (a search's pause posts the query, which loads the view).
    """
    for _ in range(100):
        # A worker that failed is the app's to report (one sentence, through
        # Worker.StateChanged); waiting for it must not raise in the test.
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not len(app.workers):
            return
    raise AssertionError(f"workers never settled: {list(app.workers)}")


async def until(pilot: Pilot[int], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition()`` holds: waits for events, not for a time."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"this never happened: {what}")


def focus_of(app: BriefApp) -> Widget | None:
    """The focused widget, read afresh (a function call: type checkers do not keep it narrowed)."""
    return app.focused


def shown(widget: Widget) -> bool:
    """True while ``widget`` is displayed, read afresh (type checkers keep no narrowing)."""
    return bool(widget.display)


def view_of(app: BriefApp) -> View:
    """The reader's current view, read afresh."""
    return app.reader.view


def row_of(app: BriefApp, entry_id: int) -> int:
    """The row showing ``entry_id`` in the current view (which must list it)."""
    row = model_of(app).row_of_entry(entry_id)
    assert row is not None, f"entry {entry_id} is not in this view"
    return row


def opened_key(app: BriefApp) -> str:
    """The entry_key of the story in the story pane."""
    entry = app.reader.detail.entry
    assert entry is not None, "no story is open"
    return entry.entry_key


def flags_of(store: Store, key: str) -> tuple[bool, bool]:
    """The (read, starred) flags of the entry with this entry_key."""
    (eid,) = entry_ids(store, key)
    return store.flags([eid])[eid]


def pending(marking: Marking) -> bool:
    """True while a delayed read waits for its timer."""
    return marking.read_timer is not None


def model_of(app: BriefApp) -> RowModel:
    """The rows of the reader's current view (which must have loaded)."""
    model = app.reader.model
    assert model is not None, "the view has not loaded"
    return model


def key_of(app: BriefApp, row: int | None = None) -> str:
    """The entry_key of the lead entry on ``row`` (default: the cursor row)."""
    lead = model_of(app).lead_id(app.reader.entries.cursor if row is None else row)
    assert lead is not None
    entry = app.reader.store.get_entry(lead)
    assert entry is not None
    return entry.entry_key


def clock() -> float:
    """The frozen "now" of every reader test."""
    return NOW


def make_config(**ui: object) -> Config:
    """The fixture config: three feeds, two with sections."""
    return Config(
        feeds=(
            FeedConfig(url=TECH, name="Tech Daily", section="Technology"),
            FeedConfig(url=POLICY, name="Policy Wire", section="Policy"),
            FeedConfig(url=MARKETS, name="Market Watch"),
        ),
        ui=UIConfig(**ui),  # type: ignore[arg-type]
    )


def _entry(key: str, title: str, hours_ago: float, **fields: object) -> ParsedEntry:
    published = datetime.fromtimestamp(NOW, UTC) - timedelta(hours=hours_ago)
    fields.setdefault("summary", f"Summary of {key}.")
    fields.setdefault("link", f"https://news.example.com/{key}")
    return ParsedEntry(
        entry_id=key,
        title=title,
        published=published,
        **fields,  # type: ignore[arg-type]
    )


def fill_store(store: Store) -> dict[str, int]:
    """Insert the fixture feeds and entries; return feed ids by name."""
    tech = store.ensure_feed(TECH, "Tech Daily")
    policy = store.ensure_feed(POLICY, "Policy Wire")
    markets = store.ensure_feed(MARKETS, "Market Watch")
    store.upsert_entries(
        tech,
        [
            _entry(
                "chip",
                "Chipmaker unveils a 2 nm process for phones",
                1,
                author="Dana Reporter",
                source_title="Silicon Gazette",
                categories=("chips", "industry"),
                content_html="<p>The new <b>process</b> cuts power use.</p>"
                "<p><a href='https://chips.example.com/spec'>Spec sheet</a></p>",
                enclosures=(Enclosure("https://cdn.example.com/ep1.mp3", "audio/mpeg", 2048000),),
                related=("https://news.example.com/related-1",),
            ),
            _entry("markup", "Release notes [/] for [@click=app.quit] version 2", 2),
            _entry("cjk", "国产芯片出货量创新高 — 华为发布新机", 3),
            _entry("emoji", "Rocket launch 🚀 succeeds after 👩‍🚀 crew swap", 4),
            _entry(
                "long",
                LONG_TITLE,
                5,
                summary="\n\n".join(f"Paragraph {i} of a long report." for i in range(80)),
            ),
            _entry("js", "A link that is not a web page", 6),
        ],
        now=NOW - 3600,
    )
    store.upsert_entries(
        policy,
        [
            # Each outlet links to its own site: three reports, three outlets.
            _entry(
                "chip-policy",
                "Chipmaker shows 2 nm process for phones",
                1.5,
                link="https://policy.example.org/chip-policy",
            ),
            _entry("budget", "Parliament passes the digital budget", 7),
            _entry("privacy", "Regulator opens privacy inquiry", 30),
        ],
        now=NOW - 3600,
    )
    store.upsert_entries(
        markets,
        [
            _entry(
                "stocks",
                "Chip stocks rally on the 2 nm news",
                2.5,
                link="https://markets.example.net/stocks",
            ),
            _entry("rates", "Central bank holds rates", 8),
        ],
        now=NOW - 3600,
    )
    # The "js" entry gets a javascript: link written raw, as if sanitize had
    # been bypassed, so the opener's own check is exercised.
    with raw_write(store) as db:
        db.execute("UPDATE entries SET link = 'javascript:alert(1)' WHERE entry_key = 'js'")
    return {"tech": tech, "policy": policy, "markets": markets}


def fixture_brief(store: Store, config: Config, offset: int, now: float) -> Brief:
    """A deterministic brief: one three-source story, then sections by feed."""
    entries = {e.entry_key: e for e in store.list_entries(EntryFilter())}
    story = Cluster(entries["chip"], [entries["chip-policy"], entries["stocks"]])
    tech = [Cluster(entries[k]) for k in ("markup", "cjk", "emoji", "long", "js")]
    policy = [Cluster(entries[k]) for k in ("budget", "privacy")]
    markets = [Cluster(entries["rates"])]
    label = "Sunday 22 November 2026" if offset == 0 else f"{-offset} day(s) earlier"
    return Brief(
        title="Morning brief",
        start=None,
        end=now,
        label=label,
        key_stories=[story, tech[0]],
        sections=[
            Section("Technology", [story, *tech]),
            Section("Policy", policy, hidden_count=2),
            Section("Markets", markets),
        ],
    )
