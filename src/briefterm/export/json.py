"""Entries and briefs as JSON: the one shape of ``list --json``, ``brief`` and ``export``.

Every timestamp is UTC in one style, ``2026-12-02T06:20:00Z``
(:func:`briefterm.timefmt.iso_utc`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence

from briefterm.models import Brief, Cluster, Entry, Section
from briefterm.sanitize import strip_controls
from briefterm.timefmt import iso_utc

JSON_SCHEMA_VERSION = 2
"""Bumped whenever a field of the JSON export changes meaning or goes away.

2: ``source_count`` counts outlets (publishers or sites), not feeds; an
entry's ``published`` is null when the feed gave no plausible date
(``undated``: its ``time`` is when it was first seen)."""


def _clean(value: object) -> object:
    """Strip control characters from every string in a JSON-ready structure."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def entry_to_dict(entry: Entry) -> dict[str, object]:
    """Every field of an entry as JSON-ready data (times as ISO 8601 UTC)."""
    return {
        "id": entry.id,
        "entry_key": entry.entry_key,
        "feed_id": entry.feed_id,
        "feed_url": entry.feed_url,
        "feed": entry.feed_title,
        "publisher": entry.publisher,
        "source_title": entry.source_title,
        "source_url": entry.source_url,
        "title": entry.title,
        "link": entry.link,
        "summary": entry.summary,
        "content_html": entry.content_html,
        "author": entry.author,
        "published": iso_utc(entry.published),
        "updated": iso_utc(entry.updated),
        "first_seen": iso_utc(entry.first_seen),
        "time": iso_utc(entry.time),
        "undated": entry.undated,
        "categories": list(entry.categories),
        "comments": entry.comments,
        "enclosures": [
            {"url": e.url, "type": e.type, "length": e.length} for e in entry.enclosures
        ],
        "related": list(entry.related),
        "read": entry.read,
        "starred": entry.starred,
        "read_at": iso_utc(entry.read_at),
        "starred_at": iso_utc(entry.starred_at),
    }


ContentLoader = Callable[[Sequence[int]], dict[int, Entry]]
"""Entries with their content by id (``Store.entries_by_ids(ids, with_content=True)``)."""

BATCH = 500
"""Stories whose entries a streamed JSON export loads at a time."""


class _Streamed(list[object]):
    """A list the JSON encoder walks element by element: made while it is written.

    ``json`` writes an indented list by iterating it after asking whether it
    is empty, so the text is that of the whole list while only a batch of
    its elements exists at a time.
    """

    def __init__(self, count: int, items: Callable[[], Iterator[object]]) -> None:
        super().__init__()
        self._count = count
        self._items = items

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[object]:
        return self._items()


def _streamed_clusters(clusters: list[Cluster], section: str, load: ContentLoader) -> object:
    """The JSON of ``clusters``, their entries' content loaded :data:`BATCH` stories at a time."""

    def items() -> Iterator[object]:
        for start in range(0, len(clusters), BATCH):
            batch = clusters[start : start + BATCH]
            full = load([e.id for c in batch for e in c.members])
            for cluster in batch:
                members = [full.get(e.id, e) for e in cluster.members]
                whole = Cluster(lead=members[0], others=members[1:])
                yield _clean(_cluster_to_dict(whole, section))

    return _Streamed(len(clusters), items)


def _cluster_to_dict(cluster: Cluster, section: str) -> dict[str, object]:
    return {
        "lead": cluster.lead.id,
        "ids": cluster.ids,
        "source_count": cluster.source_count,
        "also_reported_by": [e.id for e in cluster.also_reported_by],
        "entries": [
            {**entry_to_dict(e), "section": section, "cluster_lead": cluster.lead.id}
            for e in cluster.members
        ],
    }


def _section_to_dict(section: Section) -> dict[str, object]:
    return {
        "name": section.name,
        "hidden_count": section.hidden_count,
        "clusters": [_cluster_to_dict(c, section.name) for c in section.clusters],
        "hidden": [_cluster_to_dict(c, section.name) for c in section.hidden],
    }


def brief_to_dict(brief: Brief) -> dict[str, object]:
    """The whole brief as JSON-ready data with a schema version.

    Each entry also says which section it is in and which entry leads its
    story (``cluster_lead``, its own id for a lead); a story lists the ids
    of its reports from *other* outlets (``also_reported_by``) and counts
    its outlets (``source_count``). A capped section's "N more" stories are
    in ``hidden``.
    """
    return {
        "schema": "briefterm.brief",
        "schema_version": JSON_SCHEMA_VERSION,
        "title": brief.title,
        "label": brief.label,
        "excerpt": brief.excerpt,
        "start": iso_utc(brief.start),
        "end": iso_utc(brief.end),
        "key_stories": [c.lead.id for c in brief.key_stories],
        "sections": [_section_to_dict(s) for s in brief.sections],
    }


def render_json(brief: Brief) -> str:
    """A brief as JSON: every field of every entry, clusters, sections, schema version."""
    text = json.dumps(_clean(brief_to_dict(brief)), ensure_ascii=False, indent=2)
    return strip_controls(text) + "\n"


def iter_json(brief: Brief, load: ContentLoader) -> Iterator[str]:
    """:func:`render_json` of ``brief`` with every entry's content, written as it is made.

    ``load`` gives the entries of a batch of stories with their content, so
    that an export of 100,000 entries holds a batch of them, not all.
    """
    data = _clean(brief_to_dict(_shell(brief)))
    assert isinstance(data, dict)
    data["sections"] = _Streamed(  # the last key, as in brief_to_dict
        len(brief.sections),
        lambda: (
            {
                "name": strip_controls(s.name),
                "hidden_count": s.hidden_count,
                "clusters": _streamed_clusters(s.clusters, s.name, load),
                "hidden": _streamed_clusters(s.hidden, s.name, load),
            }
            for s in brief.sections
        ),
    )
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    # The encoder yields every token on its own: written (and checked) in
    # pieces of about 64 KB, not ten million calls for 100,000 entries.
    pieces: list[str] = []
    size = 0
    for chunk in encoder.iterencode(data):
        pieces.append(chunk)
        size += len(chunk)
        if size >= 65536:
            yield strip_controls("".join(pieces))
            pieces, size = [], 0
    yield strip_controls("".join(pieces)) + "\n"


def _shell(brief: Brief) -> Brief:
    """``brief`` without its sections (what the head of the JSON is made of)."""
    return Brief(
        title=brief.title,
        start=brief.start,
        end=brief.end,
        label=brief.label,
        key_stories=brief.key_stories,
        sections=[],
        excerpt=brief.excerpt,
    )
