"""Pieces the Markdown and text renderers share: headlines, summaries, attribution, links."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from datetime import tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefterm.models import Brief, Cluster, Entry
from briefterm.sanitize import strip_controls
from briefterm.timefmt import entry_time_label
from briefterm.urls import PLAIN_HTTP_URL, host_of, is_tracking_param, safe_url

SUMMARY_CHARS = 320  # an item's summary: one or two sentences, at most this long

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def resolve_now(now: float | None) -> float:
    """``now``, or the clock once for a whole export (not once per date shown)."""
    return time.time() if now is None else now


def finished_text(groups: Iterable[Iterable[str]]) -> Iterator[str]:
    """Groups of lines as the text of a document, a group at a time.

    The same text as ``strip_controls("\\n".join(lines).rstrip() + "\\n")``
    over every line, without holding it: each group (one story's lines) is
    written as it is made, trailing whitespace is held back until more text
    follows (so the document ends in exactly one newline), and controls are
    stripped from each piece.
    """
    pending = ""
    for group in groups:
        piece = "".join(f"{line}\n" for line in group)
        body = piece.rstrip()
        if not body:
            pending += piece
            continue
        yield strip_controls(pending + body)
        pending = piece[len(body) :]
    yield "\n"


def short_summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first one or two sentences of ``text`` on one line, at most ``limit`` chars."""
    text = " ".join(text.split())
    if not text:
        return ""
    sentences = [s for s in _SENTENCE_END.split(text) if s]
    out = sentences[0]
    # A very short first sentence ("Updated.") says little: add the second.
    if len(sentences) > 1 and len(out) < 80 and len(out) + len(sentences[1]) < limit:
        sep = "" if out[-1] in "。！？" else " "
        out = out + sep + sentences[1]
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


def headline(entry: Entry) -> str:
    """The entry's title on one line; its summary's start, or "(untitled)", without one."""
    return " ".join(entry.title.split()) or short_summary(entry.summary, 100) or "(untitled)"


def item_summary(entry: Entry) -> str:
    """The summary an item shows: '' when it only repeats the headline.

    An untitled post's headline is made from its summary, so printing both
    would say the same thing twice.
    """
    summary = short_summary(entry.summary)
    if not entry.title.strip() or summary == headline(entry):
        return ""
    return summary


def attribution_parts(entry: Entry, tz: tzinfo | None, now: float | None = None) -> list[str]:
    """Feed, original publisher ("via"), author and time ("seen 2 Dec" if undated)."""
    parts = [entry.outlet]
    if entry.author:
        parts.append(f"by {entry.author}")
    parts.append(entry_time_label(entry.published, entry.first_seen, tz, now))
    return [" ".join(p.split()) for p in parts]


def share_url(url: str) -> str:
    """A link fit to share: http(s) only (:func:`safe_url`), tracking parameters dropped."""
    url = safe_url(url)
    if not url or "?" not in url:
        return url
    plain = PLAIN_HTTP_URL.match(url)
    if plain:
        # What urlsplit and urlunsplit do to such a URL, without their cost
        # (every exported link): the fragment is what follows the first "#",
        # the query what lies between the first "?" before it and it.
        rest, _, fragment = url[plain.end() :].partition("#")
        path, _, query = rest.partition("?")
        params = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in params if not is_tracking_param(k)]
        if len(kept) == len(params):
            return url
        out = f"{plain.group(1).lower()}://{plain.group(2)}{path}"
        query = urlencode(kept)
        return out + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    params = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in params if not is_tracking_param(k)]
    if len(kept) == len(params):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def related_label(url: str, urls: list[str]) -> str:
    """How a "Related:" link is named: its site, plus the page when the site repeats."""
    host = host_of(url).removeprefix("www.") or url
    if sum(1 for u in urls if host_of(u).removeprefix("www.") == host) < 2:
        return host
    path = urlsplit(url).path.rstrip("/")
    page = path.rsplit("/", 1)[-1] if path else ""
    if len(page) > 40:
        page = page[:39] + "…"
    return f"{host}/…/{page}" if page and path.count("/") > 1 else f"{host}{path}" or host


def source_note(cluster: Cluster) -> str:
    """ " (3 sources)" when more than one outlet told the story, else ''."""
    count = cluster.source_count
    return f" ({count} sources)" if count > 1 else ""


def top_line(brief: Brief) -> str:
    """One line naming the top three stories, like the opening of a hand-written brief.

    A short selection has none: it would only repeat the selection.
    """
    if brief.excerpt and not brief.key_stories:
        return ""
    top = brief.key_stories[:3] or brief.clusters[:3]
    return "; ".join(headline(c.lead).rstrip(".;") for c in top)


def heading(brief: Brief) -> str:
    """The brief's title and, when it has one, its edition label.

    "Morning brief — Wednesday 2 December 2026 · since 06:34" for an
    edition; "3 stories from the Morning brief, Wednesday 2 December 2026"
    for a selection.
    """
    if not brief.label:
        return brief.title
    return f"{brief.title}, {brief.label}" if brief.excerpt else f"{brief.title} — {brief.label}"
