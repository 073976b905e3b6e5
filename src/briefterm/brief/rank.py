"""Ranking and assembly: entries → sections, story clusters, key stories.

Stories are ranked by, in this order (the one place the rule is decided,
:func:`cluster_score`):

1. how many distinct **outlets** told the story (:mod:`.outlets`: the same
   site subscribed twice, or a wire copy of a subscribed publisher, is one);
2. the highest feed priority among its reports (``[[feeds]] priority``);
3. recency within the edition: its newest dated report.

Undated stories (no report with a plausible date) rank after every dated
one in their section and are never key stories; a dated report leads a
story that also has undated ones. A feed without dates brings its whole
backlog as "seen today" on its first poll, so a section shows at most
:data:`UNDATED_PER_FEED` undated stories of one feed; the rest wait in
"N more" with the stories beyond the section's ``limit``.

Sections list their clusters in that order, and the top
``brief.key_stories`` dated clusters of the whole edition become the
numbered key stories. A key story also stays in its section, as in
hand-written briefs: the key list is a table of contents of the day, the
section carries the full item. A section's ``limit`` keeps the rest in
``Section.hidden`` ("N more").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from briefterm.brief._order import canonical_order
from briefterm.brief.cluster import cluster_entries
from briefterm.brief.features import Features
from briefterm.brief.sections import SectionRules
from briefterm.config.types import Config
from briefterm.models import Brief, Cluster, Entry, Section

FeatureSource = Mapping[int, Features] | Callable[[Sequence[Entry]], Mapping[int, Features]]
"""Stored cluster features: a mapping (entry id → features), or a loader called per chunk.

A loader keeps only one chunk's features in memory: 100,000 entries' features
take about 180 MB, one chunk's 9 MB."""

UNDATED_PER_FEED = 3
"""Undated stories of one feed a section shows before the rest go to "N more"."""


def _priorities(config: Config) -> dict[str, int]:
    return {f.url: f.priority for f in config.feeds if f.priority}


def cluster_score(cluster: Cluster, priorities: dict[str, int]) -> tuple[int, int, int, float]:
    """The rank of a story, higher first: (dated, outlets, feed priority, newest time).

    ``dated`` is 0 for a story with no dated report, so undated stories sort
    last; the time is that of the newest dated report (first seen, for an
    undated story).
    """
    members = cluster.members
    dated = [e.time for e in members if not e.undated]
    newest = max(dated) if dated else max(e.time for e in members)
    priority = max(priorities.get(e.feed_url, 0) for e in members)
    return (1 if dated else 0, cluster.source_count, priority, newest)


def _dated_lead(cluster: Cluster) -> None:
    """Let the first dated report lead a story whose lead is undated."""
    if not cluster.lead.undated:
        return
    for index, other in enumerate(cluster.others):
        if not other.undated:
            cluster.others[index] = cluster.lead
            cluster.lead = other
            # Keep the remaining reports in their order, the old lead first.
            cluster.others.insert(0, cluster.others.pop(index))
            return


def _cap(
    items: list[Cluster], limit: int | None, key_ids: set[int]
) -> tuple[list[Cluster], list[Cluster]]:
    """Split a section's ranked clusters into shown and hidden ("N more").

    Undated stories beyond :data:`UNDATED_PER_FEED` per feed are hidden,
    then everything beyond ``limit``, except key stories, which stay visible.
    """
    per_feed: dict[int, int] = {}
    kept: list[Cluster] = []
    overflow: list[Cluster] = []
    for cluster in items:
        if cluster.lead.undated:
            seen = per_feed.get(cluster.lead.feed_id, 0)
            per_feed[cluster.lead.feed_id] = seen + 1
            if seen >= UNDATED_PER_FEED:
                overflow.append(cluster)
                continue
        kept.append(cluster)
    if limit is None or len(kept) <= limit:
        return kept, overflow
    shown = kept[:limit] + [c for c in kept[limit:] if id(c) in key_ids]
    hidden = [c for c in kept[limit:] if id(c) not in key_ids]
    return shown, hidden + overflow


CLUSTER_CHUNK = 5000
"""Most entries clustered together; the edition's own cap, so a brief is one chunk."""
CUT_SEARCH = CLUSTER_CHUNK // 4
"""A chunk ends at the longest pause in news among its last this many entries."""


def _time_chunks(entries: Sequence[Entry]) -> list[Sequence[Entry]]:
    """``entries`` in runs of at most :data:`CLUSTER_CHUNK`, consecutive in time.

    Clustering costs more than linearly in the entries given, and an export
    of 100,000 unread entries took 67 s and 907 MB in one piece. Reports of
    one story are close in time (clusters only join entries within
    ``cluster_window_hours``), so clustering each run of neighbours in time
    keeps nearly every story whole at a cost linear in the runs; only a story
    straddling a cut is split. So a cut falls where the news paused longest
    among the last :data:`CUT_SEARCH` entries of a run (the night, a quiet
    weekend), not at a fixed count in the middle of a busy hour.
    """
    if len(entries) <= CLUSTER_CHUNK:
        return [entries] if entries else []
    # The clusterer's own order, so that a cut falls in the same place
    # whatever the entries' ids.
    ordered = [entries[i] for i in canonical_order(entries)]
    times = [e.time for e in ordered]
    chunks: list[Sequence[Entry]] = []
    start = 0
    while len(ordered) - start > CLUSTER_CHUNK:
        # Cut before entry ``c``: the longest gap, the later cut among equal ones.
        end = start + CLUSTER_CHUNK
        cut = max(range(end - CUT_SEARCH + 1, end + 1), key=lambda c: (times[c] - times[c - 1], c))
        chunks.append(ordered[start:cut])
        start = cut
    chunks.append(ordered[start:])
    return chunks


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
    clusters: Sequence[Cluster] | None = None,
    key_stories: int | None = None,
    excerpt: bool = False,
    features: FeatureSource | None = None,
) -> Brief:
    """Sections, clusters, ranking and key stories over ``entries``.

    ``cap_sections=False`` ignores the sections' ``limit``: an export of what
    the user picked must contain every picked story. ``clusters`` are
    stories already formed (a selection keeps the reader's); ``entries`` are
    clustered among themselves and added to them. ``key_stories`` overrides
    ``brief.key_stories``; ``excerpt`` marks a selection (see :class:`Brief`).
    ``features`` are the entries' stored cluster features (entry id →
    features, :func:`~briefterm.brief.features.stored_features`), or a
    function that loads them for each chunk of entries clustered together.
    """
    rules = rules or SectionRules.from_config(config)
    priorities = _priorities(config)
    formed = list(clusters or [])
    for chunk in _time_chunks(entries):
        formed += cluster_entries(
            chunk,
            window_hours=config.brief.cluster_window_hours,
            threshold=config.brief.title_similarity,
            priorities=priorities,
            features=features(chunk) if callable(features) else features,
        )
    for cluster in formed:
        _dated_lead(cluster)
    ranks = {id(c): cluster_score(c, priorities) for c in formed}
    scored = sorted(
        formed,
        key=lambda c: (tuple(-v for v in ranks[id(c)]), -c.lead.time, c.lead.id),
    )

    by_section: dict[str, list[Cluster]] = {}
    for cluster in scored:
        name = rules.assign(cluster.lead)
        by_section.setdefault(name, []).append(cluster)
    if section is not None:
        wanted = section.casefold()
        by_section = {k: v for k, v in by_section.items() if k.casefold() == wanted}

    n_key = max(0, config.brief.key_stories if key_stories is None else key_stories)
    pool = scored if section is None else [c for items in by_section.values() for c in items]
    keys = [c for c in pool if not c.lead.undated][:n_key]
    key_ids = {id(c) for c in keys}

    sections = []
    for name in rules.order(by_section):
        items = by_section[name]
        if cap_sections:
            shown, hidden = _cap(items, rules.limit(name), key_ids)
            sections.append(Section(name=name, clusters=shown, hidden=hidden))
        else:
            sections.append(Section(name=name, clusters=items))
    return Brief(
        title=title,
        start=start,
        end=end,
        label=label,
        key_stories=keys,
        sections=sections,
        excerpt=excerpt,
    )
