"""The reader's view-model: a compact row index per view.

A view is a flat sequence of rows — group headers, entries, or clusters
(stories told by several entries in a brief). Rows are stored as three
parallel compact arrays (kind, value, flags) rather than objects, so a view
over 100,000 entries costs about a megabyte and can be scanned at C speed
(``bytearray.find``/``count``) for "next unread" and unread counts.

Nothing here imports Textual: the widgets only read a :class:`RowModel`.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import compress

from briefterm.config import Config
from briefterm.models import Brief, Cluster
from briefterm.store import Store
from briefterm.timefmt import relative_day_label
from briefterm.tui.story_text import StoryText, lede, story_text
from briefterm.wording import counted

# Row kinds.
HEADER = 0
ENTRY = 1
CLUSTER = 2

# Row flags. Headers carry HEADER_FLAG only, so searches for unread rows
# (flags 0 or STAR) never stop on a header.
READ = 1
STAR = 2
HEADER_FLAG = 0x80

FlagChanges = dict[int, tuple[bool, bool]]
"""New (read, starred) flags by entry id."""


class View(StrEnum):
    """The reader's views; the first five in the order `v` cycles and `1`-`5` select."""

    BRIEF = "brief"
    UNREAD = "unread"
    STARRED = "starred"
    ALL = "all"
    FEEDS = "feeds"
    SEARCH = "search"


VIEWS = (View.BRIEF, View.UNREAD, View.STARRED, View.ALL, View.FEEDS)
VIEW_TITLES = {  # the names the title bar shows
    View.BRIEF: "Brief",
    View.UNREAD: "Unread",
    View.STARRED: "Starred",
    View.ALL: "All",
    View.FEEDS: "By feed",
    View.SEARCH: "Search",
}


@dataclass(slots=True)
class Group:
    """A section, day or feed: a header row followed by its rows."""

    name: str
    header_row: int
    end_row: int  # one past the group's last row
    hidden: int = 0  # items beyond a section cap ("N more")
    numbered: bool = False  # key stories are shown with their rank

    @property
    def size(self) -> int:
        """Number of item rows (excluding the header)."""
        return self.end_row - self.header_row - 1


@dataclass(slots=True)
class RowModel:
    """The rows of one view; see the module docstring."""

    view: View
    title: str
    label: str = ""
    kinds: bytearray = field(default_factory=bytearray)
    values: array[int] = field(default_factory=lambda: array("q"))
    flags: bytearray = field(default_factory=bytearray)
    groups: list[Group] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    texts: list[StoryText] = field(default_factory=list)
    """A Brief's rows as they print (by cluster index): headline, dek, attribution."""
    lede: str = ""
    """The edition's opening line, above its first group (Brief only)."""
    brief: Brief | None = None
    """The brief these rows show (Brief only): a copy keeps its stories."""
    quick: bool = False
    """Rows of the saved brief painted first: its ``brief`` lacks the "N more" stories."""
    prefix: bool = False
    """Only the newest days of a longer view, painted while the whole view is built."""
    _header_rows: list[int] = field(default_factory=list)
    _story_of: dict[int, int] | None = None  # entry id → cluster index, made when first needed

    # -- building -----------------------------------------------------------

    def begin_group(self, name: str, *, hidden: int = 0, numbered: bool = False) -> None:
        """Start a new group with its header row."""
        if self.groups:
            self.groups[-1].end_row = len(self.kinds)
        row = len(self.kinds)
        self.groups.append(Group(name, row, row + 1, hidden, numbered))
        self._header_rows.append(row)
        self.kinds.append(HEADER)
        self.values.append(len(self.groups) - 1)
        self.flags.append(HEADER_FLAG)

    def add_entry(self, entry_id: int, read: bool, starred: bool) -> None:
        """Append an entry row to the current group."""
        self.kinds.append(ENTRY)
        self.values.append(entry_id)
        self.flags.append((READ if read else 0) | (STAR if starred else 0))
        self.groups[-1].end_row = len(self.kinds)

    def add_entries(self, ids: array[int], flags: bytes | bytearray) -> None:
        """Append entry rows in bulk: ``flags[i]`` is ``READ | STAR`` bits of ``ids[i]``."""
        self.kinds.extend(bytes([ENTRY]) * len(ids))
        self.values.extend(ids)
        self.flags.extend(flags)
        self.groups[-1].end_row = len(self.kinds)

    def add_cluster(self, cluster: Cluster, text: StoryText | None = None) -> None:
        """Append a cluster row to the current group (``text``: how a Brief prints it)."""
        self.clusters.append(cluster)
        if text is not None:
            self.texts.append(text)
        self.kinds.append(CLUSTER)
        self.values.append(len(self.clusters) - 1)
        self.flags.append(_cluster_flags(cluster))
        self.groups[-1].end_row = len(self.kinds)

    # -- reading ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def multiline(self) -> bool:
        """True when rows print as a brief (headline, dek, attribution), not one line each."""
        return bool(self.texts)

    def count_stories(self, ids: Iterable[int]) -> int:
        """How many stories the entries ``ids`` are, as this view shows them.

        A cluster's reports count once (a key story listed twice, too);
        entries the view does not show count one each.
        """
        if not self.clusters:
            return len(set(ids))
        if self._story_of is None:
            # A story shown twice (key story and section) has one lead.
            first: dict[int, int] = {}
            self._story_of = {}
            for index, cluster in enumerate(self.clusters):
                story = first.setdefault(cluster.lead.id, index)
                for entry_id in cluster.ids:
                    self._story_of.setdefault(entry_id, story)
        story_of = self._story_of
        return len({story_of.get(i, -1 - i) for i in ids})

    def group_index(self, row: int) -> int:
        """Index of the group that ``row`` belongs to (-1 for an empty model)."""
        return bisect_right(self._header_rows, row) - 1

    def is_item(self, row: int) -> bool:
        """True for entry and cluster rows (rows that can be opened)."""
        return 0 <= row < len(self.kinds) and self.kinds[row] != HEADER

    def entry_ids(self, row: int) -> list[int]:
        """Entry ids behind a row; a header stands for its whole group."""
        if not 0 <= row < len(self.kinds):
            return []
        kind = self.kinds[row]
        if kind == ENTRY:
            return [self.values[row]]
        if kind == CLUSTER:
            return self.clusters[self.values[row]].ids
        return self.group_entry_ids(self.values[row])

    def group_entry_ids(self, index: int) -> list[int]:
        """Every entry id in a group (cluster members included)."""
        group = self.groups[index]
        ids: list[int] = []
        for row in range(group.header_row + 1, group.end_row):
            if self.kinds[row] == ENTRY:
                ids.append(self.values[row])
            else:
                ids.extend(self.clusters[self.values[row]].ids)
        return ids

    def item_ids(self, start: int, end: int) -> list[int]:
        """Entry ids of the item rows in ``[start, end)`` (headers skipped)."""
        start, end = max(0, start), min(end, len(self.kinds))
        pairs = zip(self.kinds[start:end], self.values[start:end], strict=True)
        if not self.clusters:  # entry views can be 100,000 rows: one cheap pass
            return [value for kind, value in pairs if kind == ENTRY]
        ids: list[int] = []
        for kind, value in pairs:
            if kind == ENTRY:
                ids.append(value)
            elif kind == CLUSTER:
                ids.extend(self.clusters[value].ids)
        return ids

    def lead_id(self, row: int) -> int | None:
        """The entry to open for a row: the entry itself or a cluster's lead."""
        if not self.is_item(row):
            return None
        if self.kinds[row] == ENTRY:
            return self.values[row]
        return self.clusters[self.values[row]].lead.id

    def cluster_at(self, row: int) -> Cluster | None:
        """The cluster shown on ``row``, if it is a cluster row."""
        if 0 <= row < len(self.kinds) and self.kinds[row] == CLUSTER:
            return self.clusters[self.values[row]]
        return None

    def unread_in_group(self, index: int) -> int:
        """Unread rows in a group (a cluster counts once)."""
        group = self.groups[index]
        part = self.flags[group.header_row + 1 : group.end_row]
        return part.count(0) + part.count(STAR)

    def next_unread(self, row: int, step: int = 1) -> int | None:
        """The nearest unread row after (step 1) or before (step -1) ``row``."""
        flags = self.flags
        if step > 0:
            found = [i for i in (flags.find(0, row + 1), flags.find(STAR, row + 1)) if i >= 0]
            return min(found) if found else None
        if row <= 0:
            return None
        found = [i for i in (flags.rfind(0, 0, row), flags.rfind(STAR, 0, row)) if i >= 0]
        return max(found) if found else None

    def first_item_row(self, start: int = 0, step: int = 1) -> int | None:
        """The first row at or after (before, step -1) ``start`` that is an item."""
        row = start
        while 0 <= row < len(self.kinds):
            if self.kinds[row] != HEADER:
                return row
            row += step
        return None

    def group_first_row(self, index: int) -> int | None:
        """The first item row of group ``index`` (None for an empty group or no such group)."""
        if not 0 <= index < len(self.groups):
            return None
        row = self.first_item_row(self.groups[index].header_row + 1)
        return row if row is not None and self.group_index(row) == index else None

    def next_group(self, row: int) -> int | None:
        """The next group with items after the one holding ``row``."""
        after = range(self.group_index(row) + 1, len(self.groups))
        return next((g for g in after if self.groups[g].size), None)

    def previous_group(self, row: int) -> int | None:
        """Where "previous section" goes from ``row``: the top of its group, else the one before."""
        index = self.group_index(row)
        first = self.group_first_row(index)
        if first is not None and first < row:
            return index
        return next((g for g in range(index - 1, -1, -1) if self.groups[g].size), None)

    def row_of_entry(self, entry_id: int) -> int | None:
        """The row showing ``entry_id`` (as an entry or a cluster member)."""
        if self.clusters:
            for row, kind in enumerate(self.kinds):
                if kind == CLUSTER and entry_id in self.clusters[self.values[row]].ids:
                    return row
            return None
        values, kinds = self.values, self.kinds
        start = 0
        while True:
            try:
                row = values.index(entry_id, start)
            except ValueError:
                return None
            if kinds[row] == ENTRY:
                return row
            start = row + 1

    # -- user state -----------------------------------------------------------

    def apply_flags(self, changes: FlagChanges, rows: Iterable[int] | None = None) -> list[int]:
        """Record new (read, starred) flags of entries; return the rows that changed.

        ``rows`` narrows the scan when the caller knows where the entries are
        (the cursor row, a group); otherwise the whole index is scanned once.
        """
        if not changes:
            return []
        # A brief shows key stories twice (on top and in their section), so
        # cluster views are always scanned whole; they are small.
        candidates = range(len(self.kinds)) if rows is None or self.clusters else rows
        if rows is None and not self.clusters:  # a million-row view: find the rows in C
            candidates = compress(candidates, map(changes.__contains__, self.values))
        touched: list[int] = []
        for row in candidates:
            kind = self.kinds[row]
            if kind == ENTRY:
                value = changes.get(self.values[row])
                if value is None:
                    continue
                new = (READ if value[0] else 0) | (STAR if value[1] else 0)
            elif kind == CLUSTER:
                cluster = self.clusters[self.values[row]]
                hit = False
                for member in cluster.members:
                    value = changes.get(member.id)
                    if value is not None:
                        member.read, member.starred = value
                        hit = True
                if not hit:
                    continue
                new = _cluster_flags(cluster)
            else:
                continue
            if self.flags[row] != new:
                self.flags[row] = new
                touched.append(row)
        return touched


def _cluster_flags(cluster: Cluster) -> int:
    return (READ if cluster.read else 0) | (STAR if cluster.starred else 0)


# -- builders -------------------------------------------------------------------


def build_entry_model(
    store: Store, view: View, now: float | None = None, *, first: int | None = None
) -> RowModel:
    """Rows for the Unread, Starred, All and By-feed views.

    Unread/Starred/All are grouped by local day (newest first); By feed is
    grouped by feed display name. Only ids and flags are loaded (from a
    covering index, into compact arrays; see ``Store.entry_listing``): rows
    fetch their text lazily when they scroll into sight. Day groups are
    counted in SQL, an index range per day, so a million-entry view costs
    no Python work per row. ``first``: only the newest whole days holding at
    least that many rows (Unread/Starred/All); ``prefix`` says if more follow.
    """
    now = time.time() if now is None else now
    flt = {
        "unread": True if view == View.UNREAD else None,
        "starred": True if view == View.STARRED else None,
    }
    model = RowModel(view=view, title=VIEW_TITLES[view])
    if view == View.FEEDS:
        _feed_groups(store, model)
        return model
    days = store.listing_days(**flt)
    if first is None:
        ids, flags = store.entry_listing(**flt)
    else:
        taken: list[tuple[float, float, int]] = []
        while sum(day[2] for day in taken) < first and (day := next(days, None)) is not None:
            taken.append(day)
        model.prefix = next(days, None) is not None
        days = iter(taken)
        ids, flags = store.entry_listing(**flt, since=taken[-1][1] if model.prefix else None)
    today = datetime.fromtimestamp(now)
    start, count = 0, len(ids)
    for newest, _midnight, size in days:
        if start >= count or size <= 0:  # entries changed under the listing: redone next load
            break
        end = min(count, start + size)
        model.begin_group(relative_day_label(datetime.fromtimestamp(newest), today))
        model.add_entries(ids[start:end], flags[start:end])
        start = end
    if start < count:  # rows the day counts missed (a poll landed meanwhile) stay listed
        if not model.groups:
            model.begin_group(relative_day_label(today, today))
        model.add_entries(ids[start:], flags[start:])
    return model


def feeds_label(count: int, failing: int) -> str:
    """The By-feed view's label: "6 feeds", "6 feeds · 1 failing"."""
    label = counted(count, "feed")
    return f"{label} · {failing} failing" if failing else label


def _feed_groups(store: Store, model: RowModel) -> None:
    """The By-feed view: failing feeds first, then one group per feed by name, newest first within.

    A failing feed is listed with its error even when it has no entry: a feed
    that never worked is the one to fix. A stable sort of the row positions by
    feed keeps each feed's rows in time order; the sort, the reordering and the
    group boundaries (bisection) run in C, with no Python code per row.
    """
    feeds = store.feeds(with_counts=False)
    names = {f.id: (f.title or f.url) for f in feeds}
    failing = {f.id: f.error_text or f.status for f in feeds if f.failing}
    ids, flags, feed_of_row = store.feed_listing()
    present = sorted(
        dict.fromkeys([*feed_of_row, *failing]),
        key=lambda f: (f not in failing, names.get(f, "?").casefold(), f),
    )
    rank_of = {fid: n for n, fid in enumerate(present)}
    ranks = array("q", map(rank_of.__getitem__, feed_of_row))
    order = sorted(range(len(ids)), key=ranks.__getitem__)
    ids = array("q", map(ids.__getitem__, order))
    flags = bytearray(map(flags.__getitem__, order))
    ranks = array("q", map(ranks.__getitem__, order))
    start = 0
    for rank, feed_id in enumerate(present):
        end = bisect_right(ranks, rank, lo=start)
        name = names.get(feed_id, "?")
        model.begin_group(f"{name} · failing: {failing[feed_id]}" if feed_id in failing else name)
        model.add_entries(ids[start:end], flags[start:end])
        start = end
    model.label = feeds_label(len(present), len(failing))


def build_search_model(store: Store, text: str, limit: int = 500) -> RowModel:
    """Rows for the search results of ``text`` (one group)."""
    ids = store.search(text, limit=limit) if text.strip() else []
    flags = store.flags(ids)
    model = RowModel(view=View.SEARCH, title="Search", label=f"“{text}”")
    model.begin_group(f"{counted(len(ids), 'result')} for “{text}”")
    for eid in ids:
        read, starred = flags.get(eid, (False, False))
        model.add_entry(eid, read, starred)
    return model


def build_brief_model(brief: Brief) -> RowModel:
    """Rows for a brief: the numbered key stories, then each section."""
    model = RowModel(
        view=View.BRIEF, title=brief.title, label=brief.label, lede=lede(brief), brief=brief
    )
    # A story listed twice (key story and section) is cleaned and measured once.
    texts: dict[int, StoryText] = {}

    def text_of(cluster: Cluster) -> StoryText:
        text = texts.get(cluster.lead.id)
        if text is None:
            text = texts[cluster.lead.id] = story_text(cluster)
        return text

    if brief.key_stories:
        model.begin_group("Key stories", numbered=True)
        for cluster in brief.key_stories:
            model.add_cluster(cluster, text_of(cluster))
    for section in brief.sections:
        model.begin_group(section.name, hidden=section.hidden_count)
        for cluster in section.clusters:
            model.add_cluster(cluster, text_of(cluster))
    return model


# -- editions -------------------------------------------------------------------

BriefLoader = Callable[[Store, Config, int, float], Brief]

_LAST_BRIEF_META = "last_brief_finished"
"""``briefterm.brief.editions.LAST_BRIEF_META`` (a test keeps the two equal)."""


def saved_edition_key(store: Store, config: Config, offset: int) -> str | None:
    """Under which key the brief of edition ``offset`` is saved (None: it is not).

    Only the live edition is saved. Its key names the last finished brief
    (the live edition starts there) and the configuration (feeds, sections
    and rules shape the brief), so a finish or a config change starts afresh.
    """
    if offset != 0:
        return None
    # The raw value of ``editions.LAST_BRIEF_META``: importing the brief
    # package (clustering) for it would delay the quick first paint.
    finished = store.get_meta(_LAST_BRIEF_META) or ""
    digest = hashlib.blake2b(repr(config).encode("utf-8", "surrogatepass"), digest_size=8)
    return f"live:{finished}:{digest.hexdigest()}"


def load_brief(store: Store, config: Config, offset: int, now: float) -> Brief:
    """The brief of an edition; the one place the reader builds briefs.

    The brief package (clustering, ranking) is imported here, in the worker
    that builds the first brief, not before the first paint.
    """
    from briefterm.brief import build_brief
    from briefterm.brief.editions import edition_window

    return build_brief(store, config, edition_window(store, offset, now))
