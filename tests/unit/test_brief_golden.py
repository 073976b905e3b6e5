"""Golden briefs over real-shaped feeds (tests/data/briefs/), at a fixed clock.

The fixtures are what real subscriptions look like on a first poll: a
business site with twelve years of history, the same blog subscribed twice
(RSS and Atom), a wire that copies a subscribed publisher's story (with
``utm_*`` on the link) and an AMP copy of another's, and a regional site
whose items have no date or the Unix epoch for one. The brief is compared
with the golden Markdown and text; set ``BRIEFTERM_REGEN_GOLDEN=1`` to
rewrite them after a deliberate change (and read the diff).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefterm import parse
from briefterm.brief import (
    EditionWindow,
    build_brief,
    selection_brief,
    sources_for,
)
from briefterm.config import BriefConfig, Config, FeedConfig
from briefterm.export import render
from briefterm.models import Brief
from briefterm.store import Store
from tests import support

GOLDEN = support.DATA / "briefs"
UTC0 = ZoneInfo("UTC")
NOW = datetime(2026, 12, 2, 6, 20, tzinfo=UTC).timestamp()  # Wednesday 2 December 2026
BASE = "https://feeds.test"

# As `import-opml subscriptions.opml` subscribes them: OPML folders become sections.
FEEDS = (
    ("harbor-ledger.xml", "Harbor Ledger", "Business"),
    ("capitol-report.xml", "Capitol Report", "World / Americas"),
    ("correio-regional.xml", "Correio Regional", "World / Americas"),
    ("fieldnotes.rss", "Field Notes", "Blogs"),
    ("fieldnotes.atom", "Field Notes (Atom)", "Blogs"),
    ("newsdesk-wire.xml", "Newsdesk Wire", ""),
)
CONFIG = Config(
    feeds=tuple(FeedConfig(f"{BASE}/{file}", name, section) for file, name, section in FEEDS),
    brief=BriefConfig(title="Morning brief"),
)


def fill(store: Store, now: float = NOW) -> None:
    """One first poll of every fixture feed at ``now``."""
    for file, name, _section in FEEDS:
        url = f"{BASE}/{file}"
        parsed = parse.parse_feed((GOLDEN / file).read_bytes(), url=url)
        store.upsert_entries(store.ensure_feed(url, name), parsed.entries, now=now)


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    fill(s)
    return s


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BRIEFTERM_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def first_edition(store: Store) -> Brief:
    return build_brief(store, CONFIG, EditionWindow.since_last_brief(store, now=NOW, tz=UTC0))


def story(brief: Brief, words: str) -> list[int]:
    return next(c.ids for c in brief.clusters if words in c.lead.title)


def test_first_brief_is_the_last_day_in_markdown_and_text(store: Store) -> None:
    brief = first_edition(store)
    golden("first-brief.md", render(brief, "md", tz=UTC0, now=NOW))
    golden("first-brief.txt", render(brief, "text", tz=UTC0, now=NOW))


def test_first_brief_holds_only_the_last_day(store: Store) -> None:
    brief = first_edition(store)
    assert store.entry_count() == 24  # the whole history is in the cache...
    day_ago = NOW - 86400
    for cluster in brief.clusters:  # ...and the brief is the last day
        for entry in cluster.members:
            assert entry.time >= day_ago, entry.title
    titles = {c.lead.title for c in brief.clusters}
    assert "Harbor Ledger launches its daily business page" not in titles
    assert "Shipyard in Orrin Bay wins dredger contract" not in titles  # two days old


def test_outlets_not_subscriptions(store: Store) -> None:
    brief = first_edition(store)
    port = next(c for c in brief.clusters if "Port of Calder" in c.lead.title)
    # Harbor Ledger, its wire copy (utm_ link, <source>) and Capitol Report: two outlets.
    assert len(port.members) == 3 and port.source_count == 2
    assert [e.feed_title for e in port.also_reported_by] == ["Capitol Report"]
    # The blog subscribed twice is one story from one outlet.
    frost = next(c for c in brief.clusters if "first frost" in c.lead.title)
    assert len(frost.members) == 2 and frost.source_count == 1 and frost.also_reported_by == []
    # The AMP copy on the wire is Capitol Report again.
    budget = next(c for c in brief.clusters if "transit budget" in c.lead.title)
    assert len(budget.members) == 2 and budget.source_count == 1
    assert brief.key_stories[0] is port


def test_undated_items_are_labelled_last_and_never_key(store: Store) -> None:
    brief = first_edition(store)
    undated = [c for c in brief.clusters if c.lead.undated]
    assert {c.lead.title for c in undated} == {
        "Chuva forte alaga ruas do centro",
        "Prefeitura anuncia novo horário de ônibus",
        "Feira do livro começa no sábado",  # dated 1 January 1970: implausible
    }
    assert not any(c.lead.undated for c in brief.key_stories)
    world = brief.section("World / Americas")
    assert world is not None
    flags = [c.lead.undated for c in world.clusters]
    assert flags == sorted(flags)  # dated first, then undated
    md = render(brief, "md", tz=UTC0, now=NOW)
    assert md.count("· seen 2 Dec*") + md.count("· seen 2 Dec · [link]") == 3


def test_a_cluster_exported_by_ids_is_one_story(store: Store) -> None:
    live = first_edition(store)
    ids = story(live, "Port of Calder")
    entries = store.entries_by_ids(ids)
    picked = selection_brief(CONFIG, ids, sources_for(store, CONFIG, entries, live))
    assert len(picked.clusters) == 1 and picked.key_stories == []
    golden("selection.md", render(picked, "md", tz=UTC0, now=NOW))
    text = render(picked, "text", tz=UTC0, now=NOW)
    assert text.startswith("1 story from the Morning brief, Wednesday 2 December 2026\n")
    assert "utm_" not in text


def test_an_old_day_shows_years_on_every_date(store: Store) -> None:
    old = build_brief(store, CONFIG, EditionWindow.for_date(date(2025, 12, 1), tz=UTC0))
    md = render(old, "md", tz=UTC0, now=NOW)
    assert [c.lead.title for c in old.clusters] == ["Fish market moves to the old customs hall"]
    assert "1 Dec 2025 09:30" in md
    # A selection over the whole history: every date before 2026 carries its year.
    every = store.list_entries()
    picked = selection_brief(CONFIG, [e.id for e in every], [], extra=every, what="cached")
    md = render(picked, "md", tz=UTC0, now=NOW)
    for line in md.splitlines():
        match = re.search(r"· (\d{1,2} [A-Z][a-z]{2})( \d{4})? \d\d:\d\d", line)
        if match and "2026" not in line and " Dec " not in f" {match.group(1)} ":
            assert match.group(2), line


def test_a_feed_gone_quiet_for_years_has_an_empty_first_brief(tmp_path: Path) -> None:
    s = Store(":memory:")
    url = f"{BASE}/capitol-report.xml"
    parsed = parse.parse_feed((GOLDEN / "capitol-report.xml").read_bytes(), url=url)
    later = NOW + 10 * 86400  # subscribed ten days after its last post
    s.upsert_entries(s.ensure_feed(url, "Capitol Report"), parsed.entries, now=later)
    brief = build_brief(s, CONFIG, EditionWindow.since_last_brief(s, now=later))
    assert brief.clusters == []
    assert "No stories in this edition." in render(brief, "md", now=later)
