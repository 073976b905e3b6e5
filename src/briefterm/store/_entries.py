"""Entry rows: the feed data a poll writes, and the reads every view makes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from briefterm.models import Enclosure, Entry, ParsedEntry, plausible_published
from briefterm.store._base import StoreBase, chunked, marks
from briefterm.store._feeds import update_feed_row
from briefterm.store._search import index_text
from briefterm.timefmt import local_datetime, midnight

UNDATED_REACH = 26 * 3600
"""An undated entry's ``sort_time`` is at most this long before its
``first_seen`` (local midnight of that day, with room for a DST change)."""

_FEED_DATA = (
    "title",
    "link",
    "summary",
    "content",
    "author",
    "published",
    "updated",
    "source_title",
    "source_url",
    "categories",
    "comments",
    "enclosures",
    "related",
    "content_hash",
)
"""The columns a re-poll may rewrite: every key of :func:`_entry_params`."""

_INSERT = (
    f"INSERT INTO entries (feed_id, entry_key, first_seen, sort_time, {', '.join(_FEED_DATA)})"
    " VALUES (:feed_id, :entry_key, :first_seen, :sort_time, "
    + ", ".join(f":{name}" for name in _FEED_DATA)
    + ")"
)
_UPDATE = (
    "UPDATE entries SET "
    + ", ".join(f"{name} = :{name}" for name in _FEED_DATA)
    + ", sort_time = :sort_time WHERE id = :id"
)


def sort_time(published: float | None, first_seen: float, now: float) -> float:
    """Where an entry files and sorts: the one rule behind ``entries.sort_time``.

    A dated entry sorts at its publication time (a date up to
    ``FUTURE_TOLERANCE`` ahead is clock skew: it files at ``now``). An
    undated one (``published`` NULL, see :func:`plausible_published`) sorts
    at local midnight of the day it was first seen: after every dated entry
    of that day, and within that day's group in the list views. Edition
    windows still select undated entries by ``first_seen`` (:class:`TimeWindow`).
    """
    if published is not None:
        return min(published, now)
    return midnight(local_datetime(first_seen).date())


_LISTED = (
    "id",
    "feed_id",
    "entry_key",
    "first_seen",
    *(name for name in _FEED_DATA if name not in ("content", "content_hash")),
    "read",
    "starred",
    "read_at",
    "starred_at",
)
"""Entry columns a list query reads under their own name: ids, feed data
(minus the body, loaded only for the detail pane, and the hash) and user state."""


def _select_entries(with_content: bool) -> str:
    columns = [f"e.{name} AS {name}" for name in _LISTED]
    columns += ["f.url AS feed_url", "f.title AS feed_title"]
    columns.append(("e.content" if with_content else "''") + " AS content_html")
    return f"SELECT {', '.join(columns)} FROM entries e JOIN feeds f ON f.id = e.feed_id"


@dataclass(slots=True)
class UpsertResult:
    """What one upsert did: counts of new and changed entries."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries a list query returns; fields combine with AND."""

    unread: bool | None = None
    """True: only unread; False: only read; None: both."""
    starred: bool | None = None
    feed_ids: tuple[int, ...] | None = None
    ids: tuple[int, ...] | None = None
    since: float | None = None
    """Only entries first seen at or after this time."""
    until: float | None = None
    """Only entries first seen before this time."""
    window: TimeWindow | None = None
    """Only the entries of an edition (publication time; see :class:`TimeWindow`)."""
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The entries of one edition, by publication time.

    A dated entry belongs when its ``sort_time`` (publication time) is in
    ``[start, end)``, or, when ``late_from`` is set, when it was published
    in ``[late_from, start)`` but first seen at or after ``start``: a late
    arrival nobody saw in the edition before. An undated entry belongs when
    it was *first seen* in ``[start, end)``. ``seen_before`` drops entries
    first seen at or after it (a finished edition keeps what it held).
    ``start`` None means from the beginning.
    """

    start: float | None
    end: float
    late_from: float | None = None
    seen_before: float | None = None


def _content_hash(entry: ParsedEntry) -> str:
    """Hash of the fields a re-poll may change, to skip no-op updates cheaply."""
    h = hashlib.blake2b(digest_size=16)
    for part in (
        entry.title,
        entry.link,
        entry.summary,
        entry.content_html,
        entry.author,
        repr(entry.published),
        repr(entry.updated),
        entry.source_title,
        entry.source_url,
        "\x1f".join(entry.categories),
        entry.comments,
        repr(entry.enclosures),
        "\x1f".join(entry.related),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


class PreparedEntry(NamedTuple):
    """What storing one entry computes from it alone, made ahead (in the parse worker).

    The poller prepares every entry where it parses it (:func:`prepare_entry`),
    so the single writer thread only runs SQL: hashing, JSON and the
    search-index text were about a third of its Python time.
    """

    digest: str
    """:func:`_content_hash` of the entry."""
    categories: str
    enclosures: str
    related: str
    """The three list columns, as stored (JSON)."""
    fts_title: str
    fts_summary: str
    fts_author: str
    """The search-index text of each field (``_search.index_text``)."""
    features: bytes = b""
    """Cluster features blob (``brief/features.py``), or empty: computed later."""


def prepare_entry(entry: ParsedEntry, features: bytes = b"") -> PreparedEntry:
    """The :class:`PreparedEntry` of ``entry`` (``features``: its blob, when known)."""
    return PreparedEntry(
        _content_hash(entry),
        json.dumps(list(entry.categories), ensure_ascii=False) if entry.categories else "[]",
        json.dumps([[e.url, e.type, e.length] for e in entry.enclosures], ensure_ascii=False)
        if entry.enclosures
        else "[]",
        json.dumps(list(entry.related), ensure_ascii=False) if entry.related else "[]",
        index_text(entry.title),
        index_text(entry.summary),
        index_text(entry.author),
        features,
    )


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _entry_params(
    entry: ParsedEntry, prep: PreparedEntry, now: float, first_seen: float
) -> dict[str, object]:
    """The feed-data columns of one entry (:data:`_FEED_DATA`) and its ``sort_time``.

    Only a plausible publication date is stored (a date from 1970 or next
    week is a feed bug: the entry counts as undated).
    """
    published = plausible_published(_ts(entry.published), now)
    return {
        "sort_time": sort_time(published, first_seen, now),
        "title": entry.title,
        "link": entry.link,
        "summary": entry.summary,
        "content": entry.content_html,
        "author": entry.author,
        "published": published,
        "updated": _ts(entry.updated),
        "source_title": entry.source_title,
        "source_url": entry.source_url,
        "categories": prep.categories,
        "comments": entry.comments,
        "enclosures": prep.enclosures,
        "related": prep.related,
        "content_hash": prep.digest,
    }


def _index_fts(db: sqlite3.Connection, rowid: int, prep: PreparedEntry, *, new: bool) -> None:
    """Write the search-index row of entry ``rowid`` (see ``_search.index_text``)."""
    if new:
        db.execute(
            "INSERT INTO entries_fts (rowid, title, summary, author) VALUES (?, ?, ?, ?)",
            (rowid, prep.fts_title, prep.fts_summary, prep.fts_author),
        )
    else:
        db.execute(
            "UPDATE entries_fts SET title = ?, summary = ?, author = ? WHERE rowid = ?",
            (prep.fts_title, prep.fts_summary, prep.fts_author, rowid),
        )


def _entry_rows() -> Callable[[list[tuple[Any, ...]]], list[Entry]]:
    """A converter of rows of :func:`_select_entries` (columns in that order) to entries.

    Rows are unpacked by position, and the values many entries repeat (a
    feed's URL and title, the JSON lists of categories, enclosures, related
    links: mostly the same few, or empty) are decoded once per query and
    shared: 100,000 entries load in about half the time and 80 % of the memory.
    """
    strings: dict[str, str] = {}
    lists: dict[str, tuple[Any, ...]] = {}
    attachments: dict[str, tuple[Enclosure, ...]] = {}

    def one(value: str) -> str:
        return strings.setdefault(value, value)

    def listed(raw: str) -> tuple[Any, ...]:
        found = lists.get(raw)
        if found is None:
            found = lists[raw] = tuple(json.loads(raw))
        return found

    def enclosures(raw: str) -> tuple[Enclosure, ...]:
        found = attachments.get(raw)
        if found is None:
            found = attachments[raw] = tuple(Enclosure(u, t, n) for u, t, n in json.loads(raw))
        return found

    def convert(rows: list[tuple[Any, ...]]) -> list[Entry]:
        out = []
        for (
            eid,
            feed_id,
            entry_key,
            first_seen,
            title,
            link,
            summary,
            author,
            published,
            updated,
            source_title,
            source_url,
            categories,
            comments,
            enclosures_json,
            related,
            read,
            starred,
            read_at,
            starred_at,
            feed_url,
            feed_title,
            content_html,
        ) in rows:
            feed_url = one(feed_url)
            out.append(
                Entry(
                    id=eid,
                    feed_id=feed_id,
                    feed_url=feed_url,
                    feed_title=one(feed_title or feed_url),
                    entry_key=entry_key,
                    title=title,
                    link=link,
                    summary=summary,
                    author=author,
                    published=published,
                    updated=updated,
                    first_seen=first_seen,
                    source_title=source_title,
                    source_url=source_url,
                    categories=listed(categories),
                    comments=comments,
                    enclosures=enclosures(enclosures_json),
                    related=listed(related),
                    content_html=content_html,
                    read=bool(read),
                    starred=bool(starred),
                    read_at=read_at,
                    starred_at=starred_at,
                )
            )
        return out

    return convert


def _where(flt: EntryFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if flt.unread is not None:
        clauses.append("e.read = ?")
        params.append(0 if flt.unread else 1)
    if flt.starred is not None:
        clauses.append("e.starred = ?")
        params.append(1 if flt.starred else 0)
    if flt.feed_ids is not None:
        clauses.append(f"e.feed_id IN ({marks(len(flt.feed_ids))})")
        params.extend(flt.feed_ids)
    if flt.ids is not None:
        clauses.append(f"e.id IN ({marks(len(flt.ids))})")
        params.extend(flt.ids)
    if flt.since is not None:
        clauses.append("e.first_seen >= ?")
        params.append(flt.since)
    if flt.until is not None:
        clauses.append("e.first_seen < ?")
        params.append(flt.until)
    if flt.window is not None:
        clause, values = _window_clause(flt.window)
        clauses.append(clause)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _window_clause(window: TimeWindow) -> tuple[str, list[object]]:
    """SQL for :class:`TimeWindow` membership.

    The outer ``sort_time`` range is what the ``entries_by_time`` index
    scans (newest first, so ``LIMIT`` stops early); it reaches
    :data:`UNDATED_REACH` further back than the window so that undated
    entries, filed at midnight of the day they were seen, are found by
    their ``first_seen``.
    """
    end = window.end
    params: list[object] = []
    if window.start is None:
        sql = "e.sort_time < ? AND (e.published IS NOT NULL OR e.first_seen < ?)"
        params += [end, end]
    else:
        start = window.start
        late = window.late_from if window.late_from is not None else start
        dated = "e.sort_time >= ?"
        params_dated: list[object] = [start]
        if window.late_from is not None:
            dated = "(e.sort_time >= ? OR (e.first_seen >= ? AND e.sort_time >= ?))"
            params_dated = [start, start, late]
        sql = (
            "e.sort_time >= ? AND e.sort_time < ? AND CASE WHEN e.published IS NULL"
            f" THEN e.first_seen >= ? AND e.first_seen < ? ELSE {dated} END"
        )
        params += [min(start, late) - UNDATED_REACH, end, start, end, *params_dated]
    if window.seen_before is not None:
        sql += " AND e.first_seen < ?"
        params.append(window.seen_before)
    return sql, params


def _order(flt: EntryFilter) -> str:
    """Newest first (ties by id), with the filter's limit."""
    limit = f" LIMIT {int(flt.limit)}" if flt.limit is not None else ""
    return f" ORDER BY e.sort_time DESC, e.id DESC{limit}"


class EntriesMixin(StoreBase):
    """Write entries from a poll; read them for lists, briefs and the detail pane."""

    def upsert_entries(
        self,
        feed_id: int,
        entries: Sequence[ParsedEntry],
        now: float | None = None,
        feed_fields: Mapping[str, object] | None = None,
        prepared: Sequence[PreparedEntry] | None = None,
        features_version: int | None = None,
    ) -> UpsertResult:
        """Insert new entries and refresh changed ones, in one transaction.

        Never touches read/starred flags or their timestamps, and never
        deletes: entries that drop out of a feed stay. ``feed_fields`` are
        written to the feed row in the same transaction, so a crash cannot
        record a success without its entries (or the reverse).
        ``prepared`` (one per entry, from :func:`prepare_entry`) saves the
        writer that work; with ``features_version`` their feature blobs are
        stored with each new or changed entry.
        """
        if prepared is None or len(prepared) != len(entries):
            prepared = [prepare_entry(entry) for entry in entries]
        now = time.time() if now is None else now
        result = UpsertResult()
        seen: set[str] = set()
        with self.write() as db:
            existing: dict[str, tuple[int, str, float]] = {
                key: (eid, digest, seen)
                for eid, key, digest, seen in db.execute(
                    "SELECT id, entry_key, content_hash, first_seen FROM entries WHERE feed_id = ?",
                    (feed_id,),
                )
            }
            features: list[tuple[int, int, bytes]] = []
            for entry, prep in zip(entries, prepared, strict=True):
                if entry.entry_id in seen:  # duplicate id within one feed: first wins
                    continue
                seen.add(entry.entry_id)
                old = existing.get(entry.entry_id)
                if old is not None and old[1] == prep.digest:
                    result.unchanged += 1
                    continue
                params = _entry_params(entry, prep, now, now if old is None else old[2])
                if old is None:
                    params.update(feed_id=feed_id, entry_key=entry.entry_id, first_seen=now)
                    rowid = int(db.execute(_INSERT, params).lastrowid or 0)
                    _index_fts(db, rowid, prep, new=True)
                    result.new += 1
                else:
                    rowid = old[0]
                    params["id"] = rowid
                    db.execute(_UPDATE, params)  # its trigger drops stale features
                    _index_fts(db, rowid, prep, new=False)
                    result.updated += 1
                if features_version is not None and prep.features:
                    features.append((rowid, features_version, prep.features))
            if features:
                db.executemany(
                    "INSERT OR REPLACE INTO entry_features (entry_id, version, blob)"
                    " VALUES (?, ?, ?)",
                    features,
                )
            if feed_fields:
                update_feed_row(db, feed_id, feed_fields)
        return result

    def entry_ids(self, flt: EntryFilter = EntryFilter()) -> list[int]:
        """Ids of matching entries, newest first: the compact index of a view."""
        where, params = _where(flt)
        rows = self._tuples(f"SELECT e.id FROM entries e{where}{_order(flt)}", params)
        return [eid for (eid,) in rows]

    def list_entries(
        self, flt: EntryFilter = EntryFilter(), *, with_content: bool = False
    ) -> list[Entry]:
        """Matching entries, newest first (content omitted unless asked for)."""
        where, params = _where(flt)
        sql = f"{_select_entries(with_content)}{where}{_order(flt)}"
        return self._mapped(sql, params, _entry_rows())

    def entries_by_ids(self, ids: Sequence[int], *, with_content: bool = False) -> list[Entry]:
        """Entries for ``ids`` in the order given (missing ids are skipped)."""
        found: dict[int, Entry] = {}
        for chunk in chunked(ids):
            for entry in self.list_entries(
                EntryFilter(ids=tuple(chunk)), with_content=with_content
            ):
                found[entry.id] = entry
        return [found[i] for i in ids if i in found]

    def get_entry(self, entry_id: int) -> Entry | None:
        """One entry with its full content, or None."""
        rows = self.entries_by_ids([entry_id], with_content=True)
        return rows[0] if rows else None
