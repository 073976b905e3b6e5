"""Ranking and assembly: entries → sections, story clusters, key stories.

Each story cluster gets a score from

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

from collections.abc import Sequence

from briefterm.brief.cluster import cluster_entries
from briefterm.brief.sections import SectionRules
from briefterm.config.types import Config
from briefterm.models import Brief, Cluster, Entry, Section

# Score weights (see the module docstring). A second source is worth more
# than the full recency range, so multi-outlet stories lead the key list.
_W_SOURCES = 3.0
_W_PRIORITY = 1.0
_W_STARRED = 2.0
_W_RECENCY = 1.5


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
