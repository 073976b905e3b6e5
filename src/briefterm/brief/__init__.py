"""Briefs: an edition's entries in sections, grouped into stories, key stories on top.

``editions.py`` says which entries an edition holds, ``sections.py`` where
each entry goes, ``cluster.py`` (over ``_tokens.py``) which reports tell
one story, ``outlets.py`` who told it, ``rank.py`` which stories lead, and
``selection.py`` how a selection keeps the stories it was picked from. This
module builds a brief from the cache or from a chosen list of entries.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable

from briefterm.brief.editions import (
    DEFAULT_SINCE_HOURS,
    FINISHED_META,
    LAST_BRIEF_META,
    EditionKind,
    EditionWindow,
    edition_window,
    finish_brief,
    finished_edition,
    last_finish,
    parse_day,
    parse_since,
    unfinish_brief,
    window_for,
)
from briefterm.brief.features import stored_features
from briefterm.brief.outlets import other_outlets, outlet_count, outlet_key, site_key
from briefterm.brief.rank import assemble, cluster_score
from briefterm.brief.sections import OTHER, SectionRules, resolve_section_name
from briefterm.brief.selection import (
    KEY_STORIES_FACTOR,
    selection_brief,
    selection_key_stories,
    sources_for,
    with_content,
)
from briefterm.config.types import Config
from briefterm.models import Brief, Entry, Section
from briefterm.store import EntryFilter, Store
from briefterm.wording import stories

__all__ = [
    "DEFAULT_SINCE_HOURS",
    "FINISHED_META",
    "KEY_STORIES_FACTOR",
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
    "expand_section",
    "expand_sections",
    "finish_brief",
    "finished_edition",
    "last_finish",
    "live_window",
    "other_outlets",
    "outlet_count",
    "outlet_key",
    "parse_day",
    "parse_since",
    "resolve_section_name",
    "selection_brief",
    "selection_key_stories",
    "site_key",
    "sources_for",
    "stories",
    "unfinish_brief",
    "window_for",
    "with_content",
]


def live_window(store: Store, config: Config, now: float | None = None) -> EditionWindow:
    """The live edition with the config's ``first_edition_hours``."""
    return EditionWindow.since_last_brief(store, now, hours=config.brief.first_edition_hours)


def build_brief(
    store: Store,
    config: Config,
    window: EditionWindow | None = None,
    *,
    section: str | None = None,
    max_entries: int = 5000,
) -> Brief:
    """The brief of one edition from the cache (the live edition without ``window``).

    Loads the entries published in ``window`` (undated ones: first seen;
    newest first, at most ``max_entries``; when more exist the label says
    "newest N entries"), then assigns sections, clusters stories, ranks
    them and picks key stories. ``section`` restricts the brief to one section.
    """
    window = window if window is not None else live_window(store, config)
    flt = EntryFilter(window=window.time_window(), limit=max_entries + 1)
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
        features=stored_features(store, entries),
    )


def brief_from_entries(
    entries: Iterable[Entry], config: Config, *, title: str | None = None, label: str = ""
) -> Brief:
    """A brief over an explicit list of entries, clustered among themselves.

    Section caps do not apply: every entry given ends up in the brief, and
    a short list gets no key stories (:func:`selection_key_stories`). To
    keep the stories a reader showed, use :func:`selection_brief`.
    """
    entries = list(entries)
    end = max((e.time for e in entries), default=time.time())
    brief = assemble(
        entries,
        config,
        title=title if title is not None else config.brief.title,
        label=label,
        start=None,
        end=end,
        cap_sections=False,
        key_stories=0,
        excerpt=True,
    )
    n_key = selection_key_stories(len(brief.clusters), config)
    if n_key:  # ranked again over the stories formed, not clustered again
        brief = assemble(
            [],
            config,
            title=brief.title,
            label=label,
            start=None,
            end=end,
            cap_sections=False,
            clusters=brief.clusters,
            key_stories=n_key,
            excerpt=True,
        )
    return brief


def expand_section(brief: Brief, name: str) -> Section | None:
    """The section ``name`` of ``brief`` with its "N more" shown: every cluster, uncapped."""
    section = brief.section(name)
    if section is None:
        return None
    return Section(name=section.name, clusters=section.uncapped())


def expand_sections(brief: Brief, names: Iterable[str]) -> Brief:
    """``brief`` with the "N more" of the sections ``names`` shown (a copy; the rest as is).

    The reader's "show the N more" of a capped section (``+``).
    """
    wanted = set(names)
    if not wanted & {s.name for s in brief.sections if s.hidden}:
        return brief
    sections = [
        Section(name=s.name, clusters=s.uncapped()) if s.name in wanted and s.hidden else s
        for s in brief.sections
    ]
    return dataclasses.replace(brief, sections=sections)
