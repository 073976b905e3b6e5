"""Outlets: who told a story. A publisher or site, not a subscription.

A story's weight in a brief is how many *outlets* reported it, so this
module decides when two reports come from the same one. The rule, in order:

1. A wire item's ``<source url="...">`` names its publisher: the outlet is
   that site. ``<source>`` with only a name is matched by name against the
   other reports of the story (a subscribed feed with that title).
2. Otherwise the outlet is the site the entry's link points to.
3. Without a usable link, the site of the feed's own URL, and failing that
   the feed itself.

A *site* is a host without ``www.``/``m.``/``amp.``/``mobile.``, so the
same site subscribed twice (RSS and Atom), its AMP copy (``amp.`` hosts,
``/amp/`` paths, the ``cdn.ampproject.org`` and ``google.com/amp`` caches)
and a wire copy of a subscribed publisher all count once. On shared
platforms the host alone is not an outlet: ``medium.com/@writer``,
``youtube.com/channel/ID`` and a FeedBurner feed's name are; links through
``news.google.com`` or a link shortener say nothing about the publisher
(rule 3 applies).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from briefterm.models import Entry
from briefterm.urls import PLAIN_HTTP_URL

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_FEED_HOST_PREFIXES = ("feeds.", "feed.", "rss.")

# Hosts that carry many publishers; the outlet is in the path (see _platform_key).
_PATH_PLATFORMS = frozenset(
    {
        "medium.com",
        "github.com",
        "gitlab.com",
        "youtube.com",
        "feedproxy.google.com",
        "feeds.feedburner.com",
        "feedburner.com",
        "soundcloud.com",
        "twitter.com",
        "x.com",
        "mastodon.social",
    }
)
# Hosts whose links name no publisher at all: aggregators and shorteners.
_OPAQUE_HOSTS = frozenset(
    {
        "news.google.com",
        "google.com",
        "youtu.be",
        "t.co",
        "bit.ly",
        "ow.ly",
        "buff.ly",
        "tinyurl.com",
        "lnkd.in",
        "dlvr.it",
        "ift.tt",
    }
)


def _strip_host(host: str, prefixes: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                changed = True
    return host


def _platform_key(host: str, path: str, query: str) -> str | None:
    """The outlet on a shared platform, from the path; None when the link names none."""
    parts = [p for p in path.split("/") if p]
    if host == "youtube.com":
        if parts[:1] == ["channel"] and len(parts) > 1:
            return f"youtube.com/channel/{parts[1]}"
        if parts and parts[0].startswith("@"):
            return f"youtube.com/{parts[0].lower()}"
        channel = parse_qs(query).get("channel_id")
        return f"youtube.com/channel/{channel[0]}" if channel else None
    if host in ("feedproxy.google.com", "feeds.feedburner.com", "feedburner.com"):
        # feedproxy.google.com/~r/NAME/~3/... is the FeedBurner feed NAME.
        name = parts[1] if parts[:1] == ["~r"] and len(parts) > 1 else (parts[0] if parts else "")
        return f"feedburner/{name.lower()}" if name and not name.startswith("~") else None
    if not parts:
        return None
    return f"{host}/{parts[0].lower()}"


_NEEDS_PATH = "\0path"  # never a host: the outlet of that host is in the path


@lru_cache(maxsize=4096)
def _host_rule(host: str, feed_url: bool) -> str | None:
    """The outlet of every link to ``host``, or :data:`_NEEDS_PATH` when the path decides."""
    host = host.lower().rstrip(".")
    if not host:
        return None
    if host.endswith(".cdn.ampproject.org") or host in ("google.com", "www.google.com"):
        return _NEEDS_PATH
    host = _strip_host(host, _HOST_PREFIXES)
    if feed_url:
        host = _strip_host(host, _FEED_HOST_PREFIXES)
    if host in _OPAQUE_HOSTS:
        return None
    return _NEEDS_PATH if host in _PATH_PLATFORMS else host


def site_key(url: str, *, feed_url: bool = False) -> str | None:
    """The outlet a URL names (see the module docstring), or None when it names none.

    ``feed_url=True`` also drops ``feeds.``/``feed.``/``rss.`` host prefixes:
    a feed served from ``feeds.example.com`` belongs to ``example.com``.
    """
    # Every report's link is a new URL: decided by its host where the host
    # alone decides (an export of 100,000 entries asks this 500,000 times).
    # For a plain host (PLAIN_HTTP_URL) nothing but the host matters, unless
    # it is a platform or an AMP cache.
    plain = PLAIN_HTTP_URL.match(url)
    if plain:
        rule = _host_rule(plain.group(2), feed_url)
        if rule is not _NEEDS_PATH:
            return rule
    return _site_key(url, feed_url)


@lru_cache(maxsize=65536)
def _site_key(url: str, feed_url: bool) -> str | None:
    """:func:`site_key` of any URL, taken apart by urlsplit."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    path = parts.path
    if host.endswith(".cdn.ampproject.org") or (
        host in ("google.com", "www.google.com") and path.startswith("/amp/")
    ):
        # AMP caches: /c/s/example.com/..., /v/s/example.com/..., /amp/s/example.com/...
        segments = [p for p in path.split("/") if p]
        while segments and segments[0] in ("c", "v", "s", "amp", "i"):
            segments = segments[1:]
        return _site_key("https://" + "/".join(segments), False) if segments else None
    host = _strip_host(host, _HOST_PREFIXES)
    if feed_url:
        host = _strip_host(host, _FEED_HOST_PREFIXES)
    if host in _OPAQUE_HOSTS:
        return None
    if host in _PATH_PLATFORMS:
        return _platform_key(host, path, parts.query)
    return host


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def outlet_key(entry: Entry) -> str:
    """The outlet of one report on its own (a ``name:`` key when only a name is known)."""
    if entry.source_url:
        key = site_key(entry.source_url, feed_url=True)
        if key:
            return key
    if entry.source_title.strip():
        return "name:" + _name_key(entry.source_title)
    if entry.link:
        key = site_key(entry.link)
        if key:
            return key
    return site_key(entry.feed_url, feed_url=True) or f"feed:{entry.feed_url}"


def outlet_keys(entries: Sequence[Entry]) -> list[str]:
    """The outlet of each report of one story, in order.

    A report known only by a publisher name (``<source>`` without a URL)
    joins the report whose own name is that name, if the story has one.
    """
    keys = [outlet_key(e) for e in entries]
    by_name: dict[str, str] = {}
    for entry, key in zip(entries, keys, strict=True):
        if not key.startswith("name:"):
            by_name.setdefault("name:" + _name_key(entry.source_title or entry.feed_title), key)
    return [by_name.get(key, key) if key.startswith("name:") else key for key in keys]


def outlet_count(entries: Sequence[Entry]) -> int:
    """How many distinct outlets the reports ``entries`` come from."""
    if len(entries) < 2:
        return len(entries)
    return len(set(outlet_keys(entries)))


def other_outlets(lead: Entry, others: Sequence[Entry]) -> list[Entry]:
    """The first report of every outlet other than the lead's, in order."""
    if not others:  # most stories: no outlet to work out
        return []
    keys = outlet_keys([lead, *others])
    seen = {keys[0]}
    out: list[Entry] = []
    for entry, key in zip(others, keys[1:], strict=True):
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out
