"""The raw model → sanitized :class:`~briefterm.models.ParsedFeed`: field limits, dates, ids.

Every string leaves here through :mod:`briefterm.sanitize` (directly or via
:mod:`briefterm.htmltext`), cut to a limit that is generous for real feeds
and small enough that a hostile feed cannot bloat the cache or the screen.
The choice among a feed's fields is made here too: which text is the
summary (never the title again, never a bare "Comments" link), which title
an untitled post gets, whose name is the author.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from briefterm.htmltext import html_to_text
from briefterm.models import Enclosure, ParsedEntry, ParsedFeed, Person
from briefterm.parse._dates import parse_date
from briefterm.parse._raw import MAX_ENTRIES, RawEntry, RawFeed, RawPerson
from briefterm.sanitize import clean_line, strip_controls, truncate
from briefterm.urls import safe_url

MAX_TITLE = 500
MAX_AUTHOR = 300
MAX_CATEGORY = 100
MAX_CATEGORIES = 20
MAX_LINKS = 20
MAX_SUMMARY = 600
MAX_FEED_DESCRIPTION = 1000
MAX_CONTENT = 200_000
MAX_ID = 1000
# html_to_text only needs enough HTML to yield a 600-character blurb.
_SUMMARY_INPUT = 8_000
_DERIVED_TITLE = 80

_LOOKS_HTML = re.compile(r"<[A-Za-z/!]|&#?\w+;")
_EMAIL_NAME = re.compile(r"^\s*(\S+@\S+)\s*\((.+)\)\s*$")
# Link texts that stand in for a description and say nothing (Hacker News
# puts `<a href="…">Comments</a>` in every item's description).
_BOILERPLATE = frozenset({"comments", "comment", "read more", "continue reading", "permalink"})
_BOILERPLATE_LENGTH = max(map(len, _BOILERPLATE))
# The same link after a real description ("… a real bug. Comments",
# "… the harbour. Continue reading →"): cut from the end of a summary, but
# only after a sentence ends ("there were many comments" keeps its word).
_TRAILING_BOILERPLATE = re.compile(
    r"(?<=[.!?…)\]\"”»])\s*(?:\[\s*)?(?:comments|read more|continue reading|permalink)"
    r"(?:\s*\])?[\s.…:→»>]*$",
    re.IGNORECASE,
)


def _without_trailing_boilerplate(text: str) -> str:
    tail = text[-40:]
    lowered = tail.lower()
    # Substring tests cost a tenth of the regex; most summaries pass them.
    if not ("omment" in lowered or "read" in lowered or "permalink" in lowered):
        return text
    match = _TRAILING_BOILERPLATE.search(tail)
    if match is None:
        return text
    return (text[: len(text) - len(tail)] + tail[: match.start()]).rstrip() or text


def _clean_title(value: str, is_html: bool | None) -> str:
    # RSS says nothing about markup in titles; feeds use both escaped HTML and
    # plain text, so guess (as feedparser does). Atom declares the type.
    if is_html or (is_html is None and _LOOKS_HTML.search(value)):
        return html_to_text(value, max_length=MAX_TITLE)
    return clean_line(value, max_length=MAX_TITLE)


def _person(raw: RawPerson) -> Person:
    name, email, uri = raw
    # RSS "jane@example.com (Jane Doe)"; the length check bounds regex work.
    match = _EMAIL_NAME.match(name) if len(name) < 400 and "@" in name else None
    if match:
        email, name = email or match.group(1), match.group(2)
    elif not email and "@" in name and " " not in name.strip():
        email, name = name, ""  # a bare address is no name
    return Person(
        name=clean_line(name, max_length=MAX_AUTHOR),
        email=clean_line(email, max_length=MAX_AUTHOR),
        uri=safe_url(uri),
    )


def _people(raw: RawEntry) -> tuple[Person, ...]:
    """Each named author once: the entry's own, else the extensions' (``itunes:author``)."""
    out: dict[str, Person] = {}
    for source in (raw.authors, raw.alt_authors):
        for item in source:
            person = _person(item)
            shown = person.name or person.email
            if shown and shown not in out:
                out[shown] = person
                if len(out) >= 20:
                    break
        if out:
            break
    return tuple(out.values())


def _unique(values: Iterable[str], limit: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
            if len(seen) >= limit:
                break
    return tuple(seen)


def _enclosures(items: list[tuple[str, str, str]]) -> tuple[Enclosure, ...]:
    out: dict[str, Enclosure] = {}
    for href, kind, length in items:
        url = safe_url(href)
        if not url or url in out:
            continue
        size = int(length) if length.isdigit() and len(length) < 16 else None
        out[url] = Enclosure(url=url, type=clean_line(kind, max_length=100), length=size)
        if len(out) >= MAX_LINKS:
            break
    return tuple(out.values())


def _hash_id(*parts: str) -> str:
    digest = hashlib.sha1("\n".join(parts).encode("utf-8", "replace"), usedforsecurity=False)
    return "hash:" + digest.hexdigest()


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .…:-–—|")


def _summary(raw: RawEntry, title: str) -> str:
    """The first description, content or extension text that says more than the title."""
    title_key = ""
    for source in (raw.summary_html, raw.content_html, raw.alt_summary_html):
        if not source:
            continue
        text = html_to_text(source[:_SUMMARY_INPUT], max_length=MAX_SUMMARY)
        # Comparing costs a casefold; only short texts can equal a title or a stock phrase.
        if len(text) <= max(len(title), _BOILERPLATE_LENGTH) + 4:
            key = _comparable(text)
            title_key = title_key or _comparable(title)
            if key in _BOILERPLATE or key == title_key:
                continue
        if text:
            return _without_trailing_boilerplate(text)
    return ""


def _derive_title(summary: str) -> tuple[str, str]:
    """(title, summary) for an untitled entry: the text's first words, and what follows them.

    The summary then never repeats the title: it is empty when the title
    took the whole text, and starts with "…" where the title stopped.
    """
    if not summary:
        return "(untitled)", ""
    if len(summary) <= _DERIVED_TITLE:
        return summary, ""
    cut = summary[:_DERIVED_TITLE]
    space = cut.rfind(" ")
    if space > _DERIVED_TITLE // 2:
        cut = cut[:space]
    rest = summary[len(cut) :].strip()
    return cut.rstrip(" ,.;:-") + "…", ("…" + rest if rest else "")


def _content(raw: RawEntry) -> str:
    content = raw.content_html or raw.summary_html or raw.alt_summary_html
    if len(content) > MAX_CONTENT:
        content = content[:MAX_CONTENT]
    # strip_controls costs ~10 µs per KB; a body that is printable apart from
    # newlines and tabs has nothing for it to remove (see _line).
    if not content.replace("\n", "").replace("\t", "").isprintable():
        content = strip_controls(content)
    return content


def _entry_id(raw: RawEntry, link: str, title: str, published: str, text: str) -> str:
    """The entry's id: its own, else its link, else a hash of what it says; '' for nothing."""
    entry_id = clean_line(raw.id, max_length=None)
    if len(entry_id) > MAX_ID:
        entry_id = _hash_id(entry_id)
    if not entry_id:
        entry_id = link
    if not entry_id:
        if title or published:
            entry_id = _hash_id(title, published)
        elif text:
            entry_id = _hash_id(title, published, text)
    return entry_id


def _finish_entry(raw: RawEntry) -> ParsedEntry | None:
    title = _clean_title(raw.title, raw.title_is_html) if raw.title else ""
    if not title and raw.alt_title:
        title = _clean_title(raw.alt_title, raw.alt_title_is_html)
    summary = _summary(raw, title)
    content = _content(raw)
    link = safe_url(raw.link)
    published = parse_date(raw.published)
    updated = parse_date(raw.updated)
    # Many Atom entries carry only <updated>; it is the best publication time we have.
    if published is None:
        published = updated
    date_key = published.isoformat() if published else clean_line(raw.published, max_length=100)
    entry_id = _entry_id(raw, link, title, date_key, summary or content)
    if not entry_id:
        return None  # nothing to show and nothing to identify it by
    if not title:
        title, summary = _derive_title(summary)
    people = _people(raw)
    return ParsedEntry(
        entry_id=entry_id,
        title=title,
        link=link,
        summary=summary,
        content_html=content,
        author=truncate(", ".join(p.name or p.email for p in people), MAX_AUTHOR),
        authors=people,
        published=published,
        updated=updated,
        source_title=clean_line(raw.source_title, max_length=MAX_AUTHOR),
        source_url=safe_url(raw.source_url),
        categories=_unique(
            (clean_line(c, max_length=MAX_CATEGORY) for c in raw.categories), MAX_CATEGORIES
        ),
        comments=safe_url(raw.comments),
        enclosures=_enclosures(raw.enclosures),
        related=_unique(map(safe_url, raw.related), MAX_LINKS),
        image=safe_url(raw.image),
    )


def finish(raw_feed: RawFeed, warnings: list[str], keep: int | None = None) -> ParsedFeed:
    """The sanitized feed: its first ``keep`` entries (all for None), each id once.

    ``warnings`` are what reading found so far; skipped and cut entries add theirs.
    """
    feed = ParsedFeed(
        title=_clean_title(raw_feed.title, raw_feed.title_is_html) if raw_feed.title else "",
        link=safe_url(raw_feed.link),
        description=html_to_text(raw_feed.description_html, max_length=MAX_FEED_DESCRIPTION),
        language=clean_line(raw_feed.language, max_length=35),
        warnings=list(warnings),
        image=safe_url(raw_feed.image),
    )
    raws = raw_feed.entries if keep is None else raw_feed.entries[:keep]
    seen: set[str] = set()
    duplicates = empty = 0
    for raw in raws:
        entry = _finish_entry(raw)
        if entry is None:
            empty += 1
        elif entry.entry_id in seen:
            duplicates += 1  # same id twice in one document: the first wins
        else:
            seen.add(entry.entry_id)
            feed.entries.append(entry)
    if duplicates:
        feed.warnings.append(
            f"{duplicates} entries repeated an earlier entry's id and were skipped"
        )
    if empty:
        feed.warnings.append(f"{empty} empty entries were skipped")
    total = max(raw_feed.total_entries, len(raw_feed.entries))
    if total > MAX_ENTRIES:
        feed.warnings.append(
            f"the feed has {total:,} entries; only the first {MAX_ENTRIES:,} were read"
        )
    return feed
