"""The full-text cache: the article extracted from each story's page, or why there is none.

One row per entry (``full_text``, migration ``_v4_full_text``), deleted with
its entry. A failure is stored too, with its time, so the reader does not
ask the site again on every keypress (``briefterm.fulltext.due`` decides
when it may). The article HTML is untrusted, like feed HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefterm.store._base import StoreBase


@dataclass(frozen=True, slots=True)
class CachedFullText:
    """What the cache holds for one entry."""

    entry_id: int
    fetched_at: float
    """When the page was fetched (epoch seconds)."""
    url: str
    """Where the page was found, after redirects (base for its relative links)."""
    html: str
    """The extracted article ("" when the attempt failed)."""
    error: str | None
    """Why there is no article, or None."""

    @property
    def ok(self) -> bool:
        """True when an article is stored."""
        return self.error is None


class FullTextMixin(StoreBase):
    """Read and write the full-text cache."""

    def full_text(self, entry_id: int) -> CachedFullText | None:
        """The cached attempt for ``entry_id``, or None when it was never fetched."""
        rows = self._tuples(
            "SELECT fetched_at, url, html, error FROM full_text WHERE entry_id = ?", (entry_id,)
        )
        if not rows:
            return None
        fetched_at, url, html, error = rows[0]
        return CachedFullText(entry_id, float(fetched_at), str(url), str(html), error)

    def save_full_text(
        self, entry_id: int, *, fetched_at: float, url: str, html: str, error: str | None
    ) -> bool:
        """Store an attempt (replacing an older one); False if the entry is gone meanwhile.

        A failure never replaces a stored article: what was fetched once stays.
        """
        with self.write() as db:
            if not db.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone():
                return False
            if error is not None:
                kept = db.execute(
                    "SELECT 1 FROM full_text WHERE entry_id = ? AND error IS NULL", (entry_id,)
                ).fetchone()
                if kept:
                    return True
            db.execute(
                "INSERT INTO full_text (entry_id, fetched_at, url, html, error)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (entry_id) DO UPDATE SET"
                " fetched_at = excluded.fetched_at, url = excluded.url,"
                " html = excluded.html, error = excluded.error",
                (entry_id, fetched_at, url, "" if error is not None else html, error),
            )
        return True
