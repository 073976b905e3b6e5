"""Editions and brief assembly: entries → sections, story clusters, key stories.

An edition is a time window over entries' ``first_seen`` (when briefterm
first saw them, not when the feed claims they were published), so a past
edition shows what arrived that day and stays browsable later.

Ranking. Each story cluster gets a score from

* distinct sources (the strongest signal: a story several outlets carry
  matters more),
* the highest feed priority among its reports (``[[feeds]] priority``),
* whether any report is starred,
* recency within the edition (newer stories rank higher).

Sections list their clusters by that score, and the top
``brief.key_stories`` clusters of the whole edition become the numbered key
stories. A key story also stays in its section, as in hand-written briefs:
the key list is a table of contents of the day, the section carries the full
item.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from briefterm.cluster import cluster_entries
from briefterm.config_types import Config
from briefterm.models import Brief, Cluster, Entry, Section
from briefterm.sections import SectionRules
from briefterm.store import EntryFilter, Store
from briefterm.timefmt import day_label, local_datetime, midnight, next_midnight, short_time_label

LAST_BRIEF_META = "last_brief_finished"
"""Meta key holding the POSIX time the reader last finished a brief."""

DEFAULT_SINCE_HOURS = 24.0
"""A first "since last brief" edition covers this many hours."""


# Score weights (see the module docstring). A second source is worth more
# than the full recency range, so multi-outlet stories lead the key list.
_W_SOURCES = 3.0
_W_PRIORITY = 1.0
_W_STARRED = 2.0
_W_RECENCY = 1.5


@dataclass(frozen=True, slots=True)
class EditionWindow:
    """The time span of one edition: entries first seen in [start, end).

    ``kind`` is "day" (a calendar day), "since-last" (since the last finished
    brief) or "since" (since a given time). ``day`` and ``tz`` are kept for
    day navigation.
    """

    start: float | None
    end: float
    label: str
    kind: str
    day: date | None = None
    tz: tzinfo | None = field(default=None, compare=False)

    # -- constructors --------------------------------------------------------

    @classmethod
    def since_last_brief(
        cls, store: Store, now: float | None = None, tz: tzinfo | None = None
    ) -> EditionWindow:
        """Everything since the last finished brief (the last 24 hours if none)."""
        now = time.time() if now is None else now
        raw = store.get_meta(LAST_BRIEF_META)
        start: float | None = None
        if raw:
            try:
                start = float(raw)
            except ValueError:  # a corrupt value must not break the reader
                start = None
        if start is None or start >= now:
            start = now - DEFAULT_SINCE_HOURS * 3600
        return cls(start, now, f"since {short_time_label(start, tz)}", "since-last", tz=tz)

    @classmethod
    def today(cls, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Today's edition: local midnight to the next midnight."""
        now = time.time() if now is None else now
        return cls.for_date(local_datetime(now, tz).date(), tz)

    @classmethod
    def for_date(cls, d: date, tz: tzinfo | None = None) -> EditionWindow:
        """The edition of calendar day ``d``: local midnight to midnight."""
        start = midnight(d, tz)
        end = next_midnight(d, tz)
        return cls(start, end, day_label(d), "day", day=d, tz=tz)

    @classmethod
    def since(cls, ts: float, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Everything first seen from ``ts`` until now."""
        now = time.time() if now is None else now
        return cls(ts, max(now, ts), f"since {short_time_label(ts, tz)}", "since", tz=tz)

    # -- navigation ----------------------------------------------------------

    def _anchor(self) -> date:
        if self.day is not None:
            return self.day
        return local_datetime(self.end - 1e-3, self.tz).date()

    def previous(self) -> EditionWindow:
        """The day edition before this one.

        For a "since" window that is the day before the one it ends on, so
        pressing "previous" on the live edition shows yesterday.
        """
        return EditionWindow.for_date(self._anchor() - timedelta(days=1), self.tz)

    def next(self, now: float | None = None) -> EditionWindow:
        """The day edition after this one; ``self`` when that day has not begun."""
        if self.kind != "day":
            return self
        now = time.time() if now is None else now
        following = EditionWindow.for_date(self._anchor() + timedelta(days=1), self.tz)
        if following.start is not None and following.start > now:
            return self
        return following


def finish_brief(store: Store, now: float | None = None) -> float:
    """Record that the reader finished a brief; the next "since" edition starts here."""
    now = time.time() if now is None else now
    store.set_meta(LAST_BRIEF_META, repr(now))
    return now


# -- assembly -----------------------------------------------------------------


def _priorities(config: Config) -> dict[str, int]:
    return {f.url: f.priority for f in config.feeds if f.priority}


def cluster_score(cluster: Cluster, priorities: dict[str, int], start: float, end: float) -> float:
    """Ranking score of a story (higher first); see the module docstring."""
    newest = max(e.time for e in cluster.members)
    span = end - start
    recency = min(1.0, max(0.0, (newest - start) / span)) if span > 0 else 1.0
    priority = max(priorities.get(e.feed_url, 0) for e in cluster.members)
    return (
        _W_SOURCES * (cluster.source_count - 1)
        + _W_PRIORITY * priority
        + _W_STARRED * cluster.starred
        + _W_RECENCY * recency
    )


def assemble(
    entries: Sequence[Entry],
    config: Config,
    *,
    title: str,
    label: str,
    start: float | None,
    end: float,
    section: str | None = None,
    rules: SectionRules | None = None,
    cap_sections: bool = True,
) -> Brief:
    """Sections, clusters, ranking and key stories over ``entries``.

    ``cap_sections=False`` ignores the sections' ``limit``: an export of what
    the user picked must contain every picked story.
    """
    rules = rules or SectionRules.from_config(config)
    priorities = _priorities(config)
    clusters = cluster_entries(
        entries,
        window_hours=config.brief.cluster_window_hours,
        threshold=config.brief.title_similarity,
        priorities=priorities,
    )
    times = [e.time for e in entries]
    rank_start = start if start is not None else (min(times) if times else end)
    rank_end = max([end, *times]) if start is not None else (max(times) if times else end)
    scored = sorted(
        clusters,
        key=lambda c: (
            -cluster_score(c, priorities, rank_start, rank_end),
            -c.lead.time,
            c.lead.id,
        ),
    )

    by_section: dict[str, list[Cluster]] = {}
    for cluster in scored:
        name = rules.assign(cluster.lead)
        by_section.setdefault(name, []).append(cluster)
    if section is not None:
        wanted = section.casefold()
        by_section = {k: v for k, v in by_section.items() if k.casefold() == wanted}

    n_key = max(0, config.brief.key_stories)
    if section is None:
        key_stories = scored[:n_key]
    else:
        key_stories = [c for items in by_section.values() for c in items][:n_key]
    key_ids = {id(c) for c in key_stories}

    sections = []
    for name in rules.order(by_section):
        items = by_section[name]
        limit = rules.limit(name)
        hidden = 0
        if cap_sections and limit is not None and len(items) > limit:
            # Key stories stay visible even beyond the cap.
            shown = items[:limit] + [c for c in items[limit:] if id(c) in key_ids]
            hidden = len(items) - len(shown)
            items = shown
        sections.append(Section(name=name, clusters=items, hidden_count=hidden))
    return Brief(
        title=title,
        start=start,
        end=end,
        label=label,
        key_stories=key_stories,
        sections=sections,
    )


def build_brief(
    store: Store,
    config: Config,
    window: EditionWindow,
    *,
    section: str | None = None,
    max_entries: int = 5000,
) -> Brief:
    """The brief of one edition from the cache.

    Loads entries first seen in ``window`` (newest first, at most
    ``max_entries``; when more exist the label says "newest N entries"),
    then assigns sections, clusters stories, ranks them and picks key
    stories. ``section`` restricts the brief to one section.
    """
    flt = EntryFilter(since=window.start, until=window.end, limit=max_entries + 1)
    entries = store.list_entries(flt)
    label = window.label
    if len(entries) > max_entries:
        entries = entries[:max_entries]
        label = f"{label} (newest {max_entries:,} entries)"
    return assemble(
        entries,
        config,
        title=config.brief.title,
        label=label,
        start=window.start,
        end=window.end,
        section=section,
    )


def brief_from_entries(
    entries: Iterable[Entry], config: Config, *, title: str | None = None, label: str = ""
) -> Brief:
    """A brief over an explicit list of entries (e.g. an exported selection).

    Section caps do not apply: every entry given ends up in the brief.
    """
    entries = list(entries)
    end = max((e.time for e in entries), default=time.time())
    return assemble(
        entries,
        config,
        title=title if title is not None else config.brief.title,
        label=label,
        start=None,
        end=end,
        cap_sections=False,
    )
