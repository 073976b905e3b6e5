"""Rows of the tt-rss API made safe: articles, subscribe codes, error replies."""

from __future__ import annotations

from briefterm.errors import SyncError
from briefterm.sync import clean
from briefterm.sync.models import RemoteEntry


def article(raw: object) -> RemoteEntry | None:
    """A headline or article of the API as a clean :class:`RemoteEntry` (None without an id)."""
    if not isinstance(raw, dict):
        return None
    entry_id = clean.decimal_id(raw.get("id"))
    if entry_id is None or entry_id == "0":
        return None  # an article without an id cannot be synced; skip it
    date = clean.timestamp(raw.get("updated"))
    attachments = raw.get("attachments")
    enclosures = tuple(
        u
        for u in (
            clean.url(a.get("content_url"))
            for a in (attachments if isinstance(attachments, list) else [])[: clean.MAX_ENCLOSURES]
            if isinstance(a, dict)
        )
        if u
    )
    return RemoteEntry(
        id=entry_id,
        feed_id=clean.decimal_id(raw.get("feed_id")) or "0",
        title=clean.line(raw.get("title")),
        link=clean.url(raw.get("link")),
        content_html=clean.html(raw.get("content")),
        author=clean.line(raw.get("author"), clean.MAX_AUTHOR),
        # A headline's "published" is the Published flag, not a date:
        # "updated" is the article's date.
        published=date,
        updated=date,
        read=not clean.flag(raw.get("unread")),
        starred=clean.flag(raw.get("marked")),
        guid=clean.line(raw.get("guid"), clean.MAX_ID * 4),
        feed_title=clean.line(raw.get("feed_title")),
        enclosures=enclosures,
    )


SUBSCRIBE_CODES = {  # subscribeToFeed status codes that are failures
    "2": "not a valid URL",
    "3": "the page has no feed",
    "4": "the page has several feeds; give one of them",
    "5": "the download failed",
    "6": "not a valid feed",
}


def error_code(content: object) -> str:
    """The ``error`` of an API error reply ('' when there is none)."""
    if isinstance(content, dict) and isinstance(content.get("error"), str):
        return str(content["error"])
    return ""


def api_error(content: object, op: str, *, where: str, user: str, level: int) -> SyncError:
    """The one sentence for an API error reply to ``op``."""
    code = error_code(content)
    if code == "LOGIN_ERROR":
        return SyncError(
            f"{where} refused the login for {user!r}: wrong user name or password.",
            "login",
        )
    if code == "API_DISABLED":
        return SyncError(
            f"The API is disabled for {user!r} on {where}; turn on"
            " 'Enable API access' in tt-rss's Preferences.",
            "disabled",
        )
    if code == "NOT_LOGGED_IN":
        return SyncError(f"{where} dropped the session again after a new login.", "login")
    if code == "UNKNOWN_METHOD":
        return SyncError(
            f"{where} does not know the call {op!r} (API level {level}).",
            "reply",
        )
    shown = clean.line(code, 80) or "no error code"
    return SyncError(f"{where} refused {op!r} ({shown}).", "refused")
