"""A selection as a brief: what the reader shows is what an export copies.

A story the reader shows as one item "(3 sources)" must be one story when
its reports are copied (``y``) or exported (``export --ids``), so a
selection is cut out of the briefs it was picked from instead of being
clustered again on its own:

* every story of a source brief with a selected report is kept, with the
  selected reports only (all of them: the reader's row);
* selected entries no source brief holds (picked in All, By feed or a
  search) are clustered among themselves.

The result is an *excerpt*: titled by what it holds ("3 stories from the
Morning brief", dateline "Wednesday 2 December 2026": the day of the edition
the stories come from, or of the export for stories from no edition, never
a range of item dates), no section caps, and no "Key stories" list unless it
holds more than :data:`KEY_STORIES_FACTOR` × ``brief.key_stories`` stories
(a short selection's key list would only repeat it).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import date

from briefterm.brief.editions import EditionWindow
from briefterm.brief.rank import FeatureSource, assemble
from briefterm.config.types import Config
from briefterm.models import Brief, Cluster, Entry
from briefterm.store import Store
from briefterm.timefmt import day_label, local_datetime
from briefterm.wording import stories

KEY_STORIES_FACTOR = 2
"""A selection lists key stories only with more than this × ``key_stories`` stories."""
MAX_SOURCE_DAYS = 14
"""Day editions rebuilt at most to find the stories of a CLI selection."""


def selection_key_stories(story_count: int, config: Config) -> int:
    """How many key stories a selection of ``story_count`` stories lists (0 for a short one)."""
    n_key = max(0, config.brief.key_stories)
    return n_key if story_count > KEY_STORIES_FACTOR * n_key else 0


def edition_day(brief: Brief) -> date:
    """The local day an edition is dated: the day its window ends on."""
    return local_datetime(brief.end - 1e-3).date()


def dateline(days: Iterable[date]) -> str:
    """ "Wednesday 2 December 2026", or "first – last" for several days."""
    ordered = sorted(set(days))
    if not ordered:
        return day_label(local_datetime(time.time()).date())
    if len(ordered) == 1:
        return day_label(ordered[0])
    return f"{day_label(ordered[0])} – {day_label(ordered[-1])}"


def _source_clusters(source: Brief) -> Iterable[Cluster]:
    yield from source.key_stories
    for section in source.sections:
        yield from section.uncapped()


def cut_clusters(
    ids: Iterable[int], sources: Sequence[Brief]
) -> tuple[list[Cluster], list[date], set[int]]:
    """The stories of ``sources`` with selected reports, each cut to those reports.

    Returns the clusters, the edition day of each source that gave one, and
    the selected ids no source holds.
    """
    wanted = set(ids)
    left = set(wanted)
    clusters: list[Cluster] = []
    days: list[date] = []
    for source in sources:
        seen: set[int] = set()
        for cluster in _source_clusters(source):
            if id(cluster) in seen:  # a key story is also in its section
                continue
            seen.add(id(cluster))
            picked = [e for e in cluster.members if e.id in left]
            if not picked:
                continue
            left.difference_update(e.id for e in picked)
            clusters.append(Cluster(lead=picked[0], others=picked[1:]))
            days.append(edition_day(source))
    return clusters, days, left


def selection_brief(
    config: Config,
    ids: Sequence[int],
    sources: Sequence[Brief],
    *,
    extra: Sequence[Entry] = (),
    what: str = "",
    now: float | None = None,
    features: FeatureSource | None = None,
) -> Brief:
    """The brief of a selection: the reader's stories for ``ids``, cut from ``sources``.

    ``sources`` are the briefs the selection was picked from (the reader
    passes the brief on screen); ``extra`` are loaded entries for selected
    ids no source holds. ``what`` names the kind of selection in the
    title ("starred": "12 starred stories"); by default the title is
    "3 stories from the <brief title>". ``features`` are the stored cluster
    features of ``extra`` (see :func:`~briefterm.brief.rank.assemble`).
    """
    now = time.time() if now is None else now
    clusters, days, left = cut_clusters(ids, sources)
    loose = [e for e in extra if e.id in left]
    if loose:  # picked outside any edition: dated by the day of the export
        days.append(local_datetime(now).date())
    brief = assemble(
        loose,
        config,
        title="",
        label="",
        start=None,
        end=now,
        cap_sections=False,
        clusters=clusters,
        key_stories=0,
        excerpt=True,
        features=features,
    )
    count = len(brief.clusters)
    n_key = selection_key_stories(count, config)
    if n_key:
        brief = assemble(
            [],
            config,
            title="",
            label="",
            start=None,
            end=brief.end,
            cap_sections=False,
            clusters=brief.clusters,
            key_stories=n_key,
            excerpt=True,
        )
    if what:
        brief.title = stories(count, what)
    else:
        brief.title = f"{stories(count)} from the {config.brief.title}"
    brief.label = dateline(days)
    return brief


def with_content(brief: Brief, store: Store) -> Brief:
    """``brief`` with every entry's full content loaded (for a JSON export)."""
    ids = [e.id for c in brief.clusters for e in c.members]
    full = {e.id: e for e in store.entries_by_ids(ids, with_content=True)}

    def fill(cluster: Cluster) -> None:
        cluster.lead = full.get(cluster.lead.id, cluster.lead)
        cluster.others = [full.get(e.id, e) for e in cluster.others]

    for section in brief.sections:
        for cluster in section.uncapped():
            fill(cluster)
    return brief


def sources_for(store: Store, config: Config, entries: Sequence[Entry], live: Brief) -> list[Brief]:
    """The briefs a selection made outside the reader comes from (``export --ids``).

    The live edition first; for entries it does not hold, the day edition
    of the day each was published (at most :data:`MAX_SOURCE_DAYS` days;
    the rest are clustered among themselves).
    """
    from briefterm.brief import build_brief

    held = {e.id for c in _source_clusters(live) for e in c.members}
    days = sorted(
        {local_datetime(e.time).date() for e in entries if e.id not in held}, reverse=True
    )
    out = [live]
    for day in days[:MAX_SOURCE_DAYS]:
        out.append(build_brief(store, config, EditionWindow.for_date(day)))
    return out
