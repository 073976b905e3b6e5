"""The last assembled edition, kept so the reader can paint it at once on start.

Assembling a brief (window query, clustering, ranking) takes a few hundred
milliseconds on a large cache; the reader shows the saved one first and
rebuilds behind it. Only the structure is saved — titles, sections and the
entry ids of each story, in order — never entry text or flags: those are
read fresh from ``entries`` when the brief is restored, so a restored brief
shows current read/starred state, and an entry deleted meanwhile is dropped.
"""

from __future__ import annotations

import json
import time
from typing import Any

from briefterm.models import Brief, Cluster, Entry, Section
from briefterm.store._entries import EntriesMixin

_FORMAT = 1
"""Version of the saved body; a body of another version is ignored."""


def _ids(cluster: Cluster) -> list[int]:
    return [cluster.lead.id, *(e.id for e in cluster.others)]


def brief_body(brief: Brief) -> str:
    """The JSON a brief is saved as (see the module docstring)."""
    return json.dumps(
        {
            "format": _FORMAT,
            "title": brief.title,
            "start": brief.start,
            "end": brief.end,
            "label": brief.label,
            "key": [_ids(c) for c in brief.key_stories],
            "sections": [
                {
                    "name": s.name,
                    "shown": [_ids(c) for c in s.clusters],
                    "hidden": [_ids(c) for c in s.hidden],
                    "hidden_count": s.hidden_count,
                }
                for s in brief.sections
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _all_ids(body: dict[str, Any], hidden: bool = True) -> list[int]:
    ids: list[int] = [i for c in body["key"] for i in c]
    for section in body["sections"]:
        ids += [i for c in section["shown"] for i in c]
        if hidden:
            ids += [i for c in section["hidden"] for i in c]
    return list(dict.fromkeys(ids))


def _clusters(groups: list[list[int]], entries: dict[int, Entry]) -> list[Cluster]:
    """Clusters from saved id lists; missing entries dropped (a story with none left goes)."""
    out = []
    for group in groups:
        members = [entries[i] for i in group if i in entries]
        if members:
            out.append(Cluster(members[0], members[1:]))
    return out


class SavedBriefMixin(EntriesMixin):
    """Save the last brief of an edition; restore it with fresh entries."""

    def save_brief(self, edition: str, brief: Brief, now: float | None = None) -> None:
        """Keep ``brief`` as the last one of ``edition`` (one row per edition key)."""
        now = time.time() if now is None else now
        body = brief_body(brief)
        with self.write() as db:
            db.execute(
                "INSERT INTO saved_briefs (edition, saved_at, body) VALUES (?, ?, ?)"
                " ON CONFLICT (edition) DO UPDATE SET saved_at = excluded.saved_at,"
                " body = excluded.body",
                (edition, now, body),
            )
            # Only the newest edition is worth a row: older keys are stale.
            db.execute("DELETE FROM saved_briefs WHERE edition != ?", (edition,))

    def saved_brief(self, edition: str, *, hidden: bool = True) -> Brief | None:
        """The saved brief of ``edition`` with its entries read now, or None.

        None when nothing is saved for that key, or the saved body is from
        another format or unreadable (the caller then builds the brief).
        ``hidden=False`` leaves out the stories behind each section's "N
        more" (``Section.hidden`` is empty, ``hidden_count`` kept): most of
        the entries of a large brief, which its first paint does not show.
        """
        raw = self._scalar("SELECT body FROM saved_briefs WHERE edition = ?", (edition,))
        if raw is None:
            return None
        try:
            body = json.loads(raw)
            if not isinstance(body, dict) or body.get("format") != _FORMAT:
                return None
            ids = _all_ids(body, hidden)
        except (ValueError, TypeError, KeyError):
            return None
        by_id = {e.id: e for e in self.entries_by_ids(ids)}
        sections = []
        for saved in body["sections"]:
            shown = _clusters(saved["shown"], by_id)
            more = _clusters(saved["hidden"], by_id) if hidden else []
            count = int(saved["hidden_count"])
            section = Section(str(saved["name"]), shown, count, more)
            if shown or more or (count and not hidden):
                sections.append(section)
        return Brief(
            title=str(body["title"]),
            start=body["start"],
            end=float(body["end"]),
            label=str(body["label"]),
            key_stories=_clusters(body["key"], by_id),
            sections=sections,
        )
