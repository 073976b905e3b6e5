"""Briefs: an edition's entries in sections, grouped into stories, key stories on top.

``editions.py`` says which entries an edition holds, ``sections.py`` where
each entry goes, ``cluster.py`` (over ``_tokens.py``) which reports tell
one story, and ``rank.py`` which stories lead. This module builds a brief
from the cache or from a chosen list of entries.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from briefterm.brief.editions import (
    DEFAULT_SINCE_HOURS,
    LAST_BRIEF_META,
    EditionKind,
    EditionWindow,
    edition_window,
    finish_brief,
    parse_day,
    parse_since,
    window_for,
)
from briefterm.brief.rank import assemble, cluster_score
from briefterm.brief.sections import OTHER, SectionRules, resolve_section_name
from briefterm.config.types import Config
from briefterm.models import Brief, Entry
from briefterm.store import EntryFilter, Store

__all__ = [
    "DEFAULT_SINCE_HOURS",
    "LAST_BRIEF_META",
    "OTHER",
    "EditionKind",
    "EditionWindow",
    "SectionRules",
    "assemble",
    "brief_from_entries",
    "build_brief",
    "cluster_score",
    "edition_window",
    "finish_brief",
    "parse_day",
    "parse_since",
    "resolve_section_name",
    "window_for",
]


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
