"""Editions and brief assembly against a real in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from briefterm.brief import (
    LAST_BRIEF_META,
    EditionWindow,
    brief_from_entries,
    build_brief,
    finish_brief,
)
from briefterm.config import BriefConfig, Config, FeedConfig, SectionConfig
from briefterm.models import ParsedEntry
from briefterm.store import EntryFilter, Store

BERLIN = ZoneInfo("Europe/Berlin")
# 10 March 2026, 12:00 in Berlin (UTC+1).
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=BERLIN).timestamp()

WIRE = "https://wire.example/rss"
LEDGER = "https://ledger.example/rss"
CIRCUIT = "https://circuit.example/rss"

CONFIG = Config(
    feeds=(
        FeedConfig(url=WIRE, name="Wire", priority=2, section="Companies"),
        FeedConfig(url=LEDGER, section="Companies"),
        FeedConfig(url=CIRCUIT, section="Gadgets"),
    ),
    sections=(SectionConfig(name="Policy", keywords=("export controls", "监管")),),
    brief=BriefConfig(key_stories=2, title="Test brief", title_similarity=0.25),
)


def parsed(key: str, title: str, *, hour: float, summary: str = "", link: str = "") -> ParsedEntry:
    return ParsedEntry(
        entry_id=key,
        title=title,
        summary=summary,
        link=link or f"https://news.example/{key}",
        published=datetime.fromtimestamp(NOON + hour * 3600, UTC),
    )


@pytest.fixture
def store(store: Store) -> Store:
    """The shared empty store, filled with the 10 March edition."""
    s = store
    wire = s.ensure_feed(WIRE, "Wire")
    ledger = s.ensure_feed(LEDGER, "Ledger")
    circuit = s.ensure_feed(CIRCUIT, "Circuit")
    seen = NOON - 3600  # first seen at 11:00 on 10 March
    s.upsert_entries(
        wire,
        [
            parsed(
                "w1",
                "US tightens export controls on AI chips to China",
                hour=-2,
                summary="The Commerce Department widened the rules. More follows.",
            ),
            parsed(
                "w2",
                "Orbitel third-quarter profit rises 12% on ads",
                hour=-3,
                summary="Orbitel reported profit of $4.2 billion.",
            ),
        ],
        now=seen,
    )
    s.upsert_entries(
        ledger,
        [
            parsed(
                "l1",
                "Orbitel Q3 profit beats estimates as ads recover",
                hour=-2.5,
                summary="Third-quarter profit reached $4.2 billion.",
            ),
            parsed("l2", "Commerce Department expands AI chip export controls on China", hour=-1),
        ],
        now=seen,
    )
    s.upsert_entries(
        circuit,
        [
            parsed("c1", "Lumen Fold 3 hands-on", hour=-0.5),
            parsed("c2", "Review: the Quill color e-reader", hour=-4),
        ],
        now=seen,
    )
    # An entry first seen the day before: it belongs to the 9 March edition.
    s.upsert_entries(
        circuit, [parsed("old", "Yesterday's gadget news", hour=-26)], now=NOON - 26 * 3600
    )
    return s


def test_day_windows_run_local_midnight_to_midnight() -> None:
    w = EditionWindow.for_date(date(2026, 3, 10), tz=BERLIN)
    assert w.start == datetime(2026, 3, 10, tzinfo=BERLIN).timestamp()
    assert w.end == datetime(2026, 3, 11, tzinfo=BERLIN).timestamp()
    assert w.label == "Tuesday 10 March 2026" and w.kind == "day"
    assert EditionWindow.today(now=NOON, tz=BERLIN) == w
    # DST change (29 March 2026 in Berlin) makes a 23-hour day.
    dst = EditionWindow.for_date(date(2026, 3, 29), tz=BERLIN)
    assert dst.end - dst.start == 23 * 3600


def test_day_navigation_stops_at_today() -> None:
    w = EditionWindow.today(now=NOON, tz=BERLIN)
    prev = w.previous()
    assert prev.day == date(2026, 3, 9)
    assert prev.next(now=NOON) == w
    assert w.next(now=NOON) == w  # tomorrow has not begun
    since = EditionWindow.since(NOON - 3600, now=NOON, tz=BERLIN)
    assert since.previous().day == date(2026, 3, 9)


def test_since_last_brief_defaults_to_24_hours_then_follows_finish(store: Store) -> None:
    w = EditionWindow.since_last_brief(store, now=NOON, tz=BERLIN)
    assert (w.start, w.end, w.kind) == (NOON - 86400, NOON, "since-last")
    assert w.label == "since Mon 9 Mar 12:00"
    finish_brief(store, now=NOON - 600)
    assert float(store.get_meta(LAST_BRIEF_META)) == NOON - 600
    w = EditionWindow.since_last_brief(store, now=NOON, tz=BERLIN)
    assert w.start == NOON - 600
    store.set_meta(LAST_BRIEF_META, "garbage")
    assert EditionWindow.since_last_brief(store, now=NOON).start == NOON - 86400


def test_build_brief_sections_clusters_and_key_stories(store: Store) -> None:
    window = EditionWindow.for_date(date(2026, 3, 10), tz=BERLIN)
    brief = build_brief(store, CONFIG, window)
    assert brief.title == "Test brief" and brief.label == "Tuesday 10 March 2026"
    names = [s.name for s in brief.sections]
    assert names == ["Policy", "Companies", "Gadgets"]
    assert brief.entry_count == 6  # yesterday's entry is in yesterday's edition

    orbitel = next(c for c in brief.clusters if "Orbitel" in c.lead.title)
    assert sorted(e.entry_key for e in orbitel.members) == ["l1", "w2"]
    assert orbitel.lead.entry_key == "w2"  # Wire has the higher priority
    chips = next(c for c in brief.clusters if "export" in c.lead.title)
    assert chips.source_count == 2

    # Multi-source stories rank first; key stories stay in their sections.
    assert len(brief.key_stories) == 2
    assert {c.lead.entry_key for c in brief.key_stories} == {"w1", "w2"}
    assert all(any(k is c for c in brief.clusters) for k in brief.key_stories)

    yesterday = build_brief(store, CONFIG, window.previous())
    assert [c.lead.entry_key for c in yesterday.clusters] == ["old"]


def test_section_filter_limit_and_truncation(store: Store) -> None:
    window = EditionWindow.for_date(date(2026, 3, 10), tz=BERLIN)
    gadgets = build_brief(store, CONFIG, window, section="gadgets")
    assert [s.name for s in gadgets.sections] == ["Gadgets"]
    assert [c.lead.entry_key for c in gadgets.key_stories] == ["c1", "c2"]

    capped = Config(
        feeds=CONFIG.feeds,
        sections=(SectionConfig(name="Gadgets", feeds=(CIRCUIT,), limit=1),),
        brief=BriefConfig(key_stories=0),
    )
    brief = build_brief(store, capped, window)
    section = next(s for s in brief.sections if s.name == "Gadgets")
    assert len(section.clusters) == 1 and section.hidden_count == 1

    small = build_brief(store, CONFIG, window, max_entries=3)
    assert small.entry_count == 3
    assert small.label.endswith("(newest 3 entries)")


def test_brief_from_entries_over_a_selection(store: Store) -> None:
    entries = store.list_entries(EntryFilter(feed_ids=(1,)))
    brief = brief_from_entries(entries, CONFIG, title="Starred", label="2 entries")
    assert brief.title == "Starred" and brief.label == "2 entries"
    assert brief.start is None
    assert brief.entry_count == 2
    assert brief_from_entries([], CONFIG).clusters == []


def test_five_thousand_entries_assemble_quickly() -> None:
    import time

    s = Store(":memory:")
    feeds = [s.ensure_feed(f"https://f{i}.example/rss", f"F{i}") for i in range(50)]
    for n, feed in enumerate(feeds):
        s.upsert_entries(
            feed,
            [
                parsed(
                    f"{n}-{k}",
                    f"Story {k} about company {k * 7 + n % 3} and product {k}",
                    hour=-(k % 20),
                    summary="Details were given in a statement.",
                )
                for k in range(100)
            ],
            now=NOON - 60,
        )
    window = EditionWindow.since(NOON - 86400, now=NOON)
    start = time.perf_counter()
    brief = build_brief(s, CONFIG, window)
    elapsed = time.perf_counter() - start
    assert brief.entry_count == 5000
    assert elapsed < 5.0  # generous on a shared machine; bench/bench_brief.py has the figure


def test_a_selection_is_never_cut_by_section_limits(store: Store) -> None:
    # A section capped at one story still exports every selected entry.
    capped = Config(
        feeds=CONFIG.feeds,
        sections=(SectionConfig(name="Everything", patterns=(".",), limit=1),),
        brief=BriefConfig(key_stories=0),
    )
    entries = store.list_entries()
    brief = brief_from_entries(entries, capped)
    assert brief.entry_count == len(entries)
    assert all(s.hidden_count == 0 for s in brief.sections)
    edition = build_brief(store, capped, EditionWindow.since(0, now=NOON + 10**6))
    assert any(s.hidden_count for s in edition.sections)  # an edition is still capped
