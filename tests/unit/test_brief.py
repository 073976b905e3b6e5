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
    edition_window,
    expand_section,
    finish_brief,
    finished_edition,
    selection_brief,
    unfinish_brief,
    window_for,
)
from briefterm.config import BriefConfig, Config, FeedConfig, SectionConfig
from briefterm.errors import UsageError
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
    sections=(SectionConfig(name="Policy", keywords=("export controls", "监管"), override=True),),
    brief=BriefConfig(key_stories=2, title="Test brief", title_similarity=0.25),
)


def parsed(
    key: str, title: str, *, hour: float | None, summary: str = "", link: str = ""
) -> ParsedEntry:
    """An entry published ``hour`` hours from NOON (None: undated), linked on its own site."""
    site = key.rstrip("0123456789")
    return ParsedEntry(
        entry_id=key,
        title=title,
        summary=summary,
        link=link or f"https://{site}.news.example/{key}",
        published=None if hour is None else datetime.fromtimestamp(NOON + hour * 3600, UTC),
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
    assert dst.start is not None and dst.end - dst.start == 23 * 3600


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
    assert w.late_from is None  # a first edition reaches back 24 hours, no further
    assert w.label == "Tuesday 10 March 2026 · last 24 hours"
    assert EditionWindow.since_last_brief(store, now=NOON, hours=6).start == NOON - 6 * 3600
    finish_brief(store, now=NOON - 600)
    assert float(store.get_meta(LAST_BRIEF_META) or 0) == NOON - 600
    w = EditionWindow.since_last_brief(store, now=NOON, tz=BERLIN)
    assert w.start == NOON - 600 and w.late_from == NOON - 600 - 86400
    assert w.label == "Tuesday 10 March 2026 · since Tue 10 Mar 11:50"
    store.set_meta(LAST_BRIEF_META, "garbage")
    assert EditionWindow.since_last_brief(store, now=NOON).start == NOON - 86400


def test_editions_hold_what_was_published_not_what_was_fetched() -> None:
    s = Store(":memory:")
    feed = s.ensure_feed(WIRE, "Wire")
    # One first poll brings years of history: only the last day is the brief.
    history = [parsed(f"h{n}", f"Archive post {n}", hour=-24 * 400 * n - 30) for n in range(1, 6)]
    recent = [parsed("r1", "Fresh news this morning", hour=-2)]
    s.upsert_entries(feed, [*history, *recent], now=NOON)
    brief = build_brief(s, CONFIG, EditionWindow.since_last_brief(s, now=NOON))
    assert [c.lead.entry_key for c in brief.clusters] == ["r1"]
    # Older stories stay in the cache and in their own day's edition.
    assert s.entry_count() == 6
    day = datetime.fromtimestamp(NOON - (24 * 400 + 30) * 3600, BERLIN).date()
    old = build_brief(s, CONFIG, EditionWindow.for_date(day, tz=BERLIN))
    assert [c.lead.entry_key for c in old.clusters] == ["h1"]
    # --since counts publication time too.
    since = build_brief(s, CONFIG, EditionWindow.since(NOON - 12 * 3600, now=NOON))
    assert [c.lead.entry_key for c in since.clusters] == ["r1"]


def test_dates_that_cannot_be_true_make_an_entry_undated() -> None:
    s = Store(":memory:")
    feed = s.ensure_feed(WIRE, "Wire")
    s.upsert_entries(
        feed,
        [
            parsed("epoch", "Posted on 1 January 1970", hour=(0 - NOON) / 3600),
            parsed("future", "Dated next week", hour=7 * 24),
            parsed("skew", "Dated five minutes ahead", hour=5 / 60),
            parsed("none", "No date at all", hour=None),
        ],
        now=NOON,
    )
    by_key = {e.entry_key: e for e in s.list_entries()}
    assert by_key["epoch"].undated and by_key["future"].undated and by_key["none"].undated
    assert by_key["future"].time == NOON  # labelled and filed by when it was seen
    assert not by_key["skew"].undated  # clock skew is not a wrong date
    # Undated entries sort after the dated ones of their day.
    order = [e.entry_key for e in s.list_entries()]
    assert order[0] == "skew" and set(order[1:]) == {"epoch", "future", "none"}
    # They belong to the edition in which they were first seen.
    brief = build_brief(s, CONFIG, EditionWindow.since_last_brief(s, now=NOON + 60))
    assert {c.lead.entry_key for c in brief.clusters} == {"epoch", "future", "none", "skew"}


def test_a_late_arrival_joins_the_next_edition_but_not_an_old_backlog(store: Store) -> None:
    finish_brief(store, now=NOON)
    late = store.ensure_feed("https://late.example/rss", "Late")
    store.upsert_entries(
        late,
        [
            parsed("late1", "Published an hour before the finish", hour=-1),
            parsed("late2", "Published two days before", hour=-48),
        ],
        now=NOON + 1800,
    )
    live = build_brief(store, CONFIG, EditionWindow.since_last_brief(store, now=NOON + 3600))
    assert [c.lead.entry_key for c in live.clusters] == ["late1"]
    finished = finished_edition(store)
    assert finished is not None and finished.kind == "finished"
    held = build_brief(store, CONFIG, finished)
    assert "late1" not in {e.entry_key for c in held.clusters for e in c.members}
    assert held.entry_count == 6  # what the edition held when it was finished


def test_build_brief_sections_clusters_and_key_stories(store: Store) -> None:
    window = EditionWindow.for_date(date(2026, 3, 10), tz=BERLIN)
    brief = build_brief(store, CONFIG, window)
    assert brief.title == "Test brief" and brief.label == "Tuesday 10 March 2026"
    names = [s.name for s in brief.sections]
    assert names == ["Policy", "Companies", "Gadgets"]  # Policy overrides the feeds' sections
    assert brief.entry_count == 6  # yesterday's entry is in yesterday's edition

    orbitel = next(c for c in brief.clusters if "Orbitel" in c.lead.title)
    assert sorted(e.entry_key for e in orbitel.members) == ["l1", "w2"]
    assert orbitel.lead.entry_key == "w2"  # Wire has the higher priority
    chips = next(c for c in brief.clusters if "export" in c.lead.title)
    assert chips.source_count == 2

    # Multi-outlet stories rank first; key stories stay in their sections.
    assert len(brief.key_stories) == 2
    assert {c.lead.entry_key for c in brief.key_stories} == {"w1", "w2"}
    assert [c.source_count for c in brief.key_stories] == [2, 2]
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
    # The "N more" are kept, in rank order, for the reader to open.
    assert [c.lead.entry_key for c in section.hidden] == ["c2"]
    opened = expand_section(brief, "gadgets")
    assert opened is not None and [c.lead.entry_key for c in opened.clusters] == ["c1", "c2"]
    assert expand_section(brief, "nothing") is None

    small = build_brief(store, CONFIG, window, max_entries=3)
    assert small.entry_count == 3
    assert small.label.endswith("(newest 3 entries)")


def test_brief_from_entries_over_a_selection(store: Store) -> None:
    entries = store.list_entries(EntryFilter(feed_ids=(1,)))
    brief = brief_from_entries(entries, CONFIG, title="Starred", label="2 entries")
    assert brief.title == "Starred" and brief.label == "2 entries"
    assert brief.start is None and brief.excerpt
    assert brief.entry_count == 2
    assert brief.key_stories == []  # two stories: a key list would only repeat them
    assert brief_from_entries([], CONFIG).clusters == []


def test_a_selection_keeps_the_stories_of_its_brief(store: Store) -> None:
    window = EditionWindow.for_date(date(2026, 3, 10), tz=BERLIN)
    edition = build_brief(store, CONFIG, window)
    chips = next(c for c in edition.clusters if "export" in c.lead.title)
    picked = selection_brief(CONFIG, chips.ids, [edition])
    assert len(picked.clusters) == 1 and picked.clusters[0].source_count == 2
    assert picked.title == "1 story from the Test brief"
    assert picked.label == "Tuesday 10 March 2026" and picked.excerpt
    assert picked.key_stories == []
    # One report of the story: the story with that report only.
    one = selection_brief(CONFIG, chips.ids[1:], [edition])
    assert one.clusters[0].ids == chips.ids[1:]
    # Entries no source brief holds are clustered among themselves.
    old = store.list_entries(EntryFilter(feed_ids=(3,)))
    extra = [e for e in old if e.entry_key == "old"]
    later = NOON + 2 * 86400
    mixed = selection_brief(CONFIG, [*chips.ids, extra[0].id], [edition], extra=extra, now=later)
    assert mixed.title == "2 stories from the Test brief"
    # The edition's day, and the day of the export for the story from no edition.
    assert mixed.label == "Tuesday 10 March 2026 – Thursday 12 March 2026"


def test_finish_can_be_undone_and_the_finished_edition_reached(store: Store) -> None:
    assert finished_edition(store) is None and unfinish_brief(store) is None
    with pytest.raises(UsageError, match="no brief has been finished"):
        window_for(store, previous=True, now=NOON)
    finish_brief(store, now=NOON - 3600)
    finish_brief(store, now=NOON)
    finished = finished_edition(store, tz=BERLIN)
    assert finished is not None
    assert (finished.start, finished.end, finished.seen_before) == (NOON - 3600, NOON, NOON)
    assert finished.label == "Tuesday 10 March 2026 · since Tue 10 Mar 11:00, finished 12:00"
    previous = window_for(store, previous=True, now=NOON + 60)
    assert (previous.start, previous.end, previous.kind) == (NOON - 3600, NOON, "finished")
    # [ from the live edition: the one just finished, then the days before.
    assert edition_window(store, -1, NOON + 60) == finished_edition(store)
    assert edition_window(store, -2, NOON + 60).kind == "day"
    assert unfinish_brief(store) == NOON
    assert EditionWindow.since_last_brief(store, now=NOON + 60).start == NOON - 3600
    assert unfinish_brief(store) == NOON - 3600
    assert store.get_meta(LAST_BRIEF_META) is None
    assert EditionWindow.since_last_brief(store, now=NOON).start == NOON - 86400


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
        sections=(SectionConfig(name="Everything", patterns=(".",), limit=1, override=True),),
        brief=BriefConfig(key_stories=0),
    )
    entries = store.list_entries()
    brief = brief_from_entries(entries, capped)
    assert brief.entry_count == len(entries)
    assert all(s.hidden_count == 0 for s in brief.sections)
    edition = build_brief(store, capped, EditionWindow.since(NOON - 10**6, now=NOON))
    assert any(s.hidden_count for s in edition.sections)  # an edition is still capped


def test_a_feed_without_dates_shows_three_stories_and_keeps_the_rest() -> None:
    s = Store(":memory:")
    feed = s.ensure_feed(CIRCUIT, "Circuit")
    backlog = [
        parsed(f"u{n}", f"Undated post number {n} about gardens", hour=None) for n in range(8)
    ]
    s.upsert_entries(feed, [*backlog, parsed("d1", "A dated gadget review", hour=-1)], now=NOON)
    brief = build_brief(s, CONFIG, EditionWindow.since_last_brief(s, now=NOON + 60))
    (gadgets,) = brief.sections
    assert [c.lead.undated for c in gadgets.clusters] == [False, True, True, True]
    assert gadgets.hidden_count == 5 and all(c.lead.undated for c in gadgets.hidden)
    assert [c.lead.entry_key for c in brief.key_stories] == ["d1"]  # never an undated one


def test_counted_nouns_agree_with_their_number() -> None:
    from briefterm.wording import counted

    assert counted(1, "result") == "1 result"
    assert counted(0, "result") == "0 results"
    assert counted(1200, "entry", "entries") == "1,200 entries"
