"""Pure renderers: a brief (or a selection of stories) → Markdown, text, links, JSON.

Nothing here does I/O; the CLI prints the strings and the reader copies them.
Every renderer runs :func:`briefterm.sanitize.strip_controls` over its final
output, so whatever a feed put in its text, the result has no escape
sequences or other control characters (only newlines) and cannot end a
terminal's bracketed paste early.

Markdown treats feed text as text: characters that would start a link,
image, emphasis, code span, HTML tag or heading are backslash-escaped, and
link targets are only ever http(s) URLs that passed ``safe_url``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import tzinfo

from briefterm.models import Brief, Cluster, Entry, Section
from briefterm.sanitize import strip_controls
from briefterm.timefmt import clock_label, iso_utc
from briefterm.urls import host_of, safe_url

JSON_SCHEMA_VERSION = 1
"""Bumped whenever a field of the JSON export changes meaning or goes away."""

FORMATS = ("md", "text", "links", "json")
SUMMARY_CHARS = 320  # an item's summary: one or two sentences, at most this long
TEXT_WIDTH = 78

BriefLike = Brief | Sequence[Cluster]


# -- helpers -------------------------------------------------------------------


def _as_brief(source: BriefLike) -> Brief:
    """Wrap a bare selection of clusters as an untitled one-section brief."""
    if isinstance(source, Brief):
        return source
    clusters = list(source)
    end = max((e.time for c in clusters for e in c.members), default=0.0)
    return Brief(
        title="Selected stories",
        start=None,
        end=end,
        label="",
        sections=[Section(name="", clusters=clusters)] if clusters else [],
    )


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


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


def _headline(entry: Entry) -> str:
    return " ".join(entry.title.split()) or short_summary(entry.summary, 100) or "(untitled)"


def _attribution_parts(entry: Entry, tz: tzinfo | None) -> list[str]:
    """Feed, original publisher ("via"), author and local time, as plain strings."""
    parts = [entry.outlet]
    if entry.author:
        parts.append(f"by {entry.author}")
    parts.append(clock_label(entry.time, tz))
    return [" ".join(p.split()) for p in parts]


def _top_line(brief: Brief) -> str:
    """One line naming the top three stories, like the opening of a hand-written brief."""
    top = brief.key_stories[:3] or brief.clusters[:3]
    return "; ".join(_headline(c.lead).rstrip(".;") for c in top)


def _heading(brief: Brief) -> str:
    return f"{brief.title} — {brief.label}" if brief.label else brief.title


# -- Markdown ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#+=>-]|\d+[.)])")


def md_escape(text: str) -> str:
    """Escape feed text so Markdown shows it literally.

    Backslash-escapes everything that could open a link or image (``[``,
    ``]``), emphasis (``*``, ``_``, ``~``), code (backtick), raw HTML or an
    autolink (``<``, ``>``), a table cell (``|``), an entity (``&x;``), and
    a heading, quote or list marker at the start of the text. Newlines
    become spaces: an item's text is one paragraph.
    """
    # Controls go first: removing an escape sequence after escaping could
    # take a backslash with it and expose a bare "[".
    text = " ".join(strip_controls(text).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_LINE_START.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    """``# x`` → ``\\# x``; ``1. x`` → ``1\\. x`` (a backslash before a digit is literal)."""
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def md_url(url: str) -> str:
    """A link target safe inside ``(...)``: http(s) only, brackets and spaces encoded."""
    url = safe_url(url)
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        url = url.replace(char, code)
    return url


def _md_link(text: str, url: str) -> str:
    target = md_url(url)
    return f"[{md_escape(text)}]({target})" if target else md_escape(text)


def _md_item(cluster: Cluster, tz: tzinfo | None) -> list[str]:
    lead = cluster.lead
    lines = [f"- **{md_escape(_headline(lead))}**"]
    summary = short_summary(lead.summary)
    if summary:
        lines.append(f"  {md_escape(summary)}")
    attribution = " · ".join(md_escape(p) for p in _attribution_parts(lead, tz))
    target = md_url(lead.link)
    if target:
        attribution += f" · [link]({target})"
    lines.append(f"  *{attribution}*")
    related = [u for u in (md_url(r) for r in lead.related) if u][:3]
    if related:
        links = ", ".join(f"[{md_escape(host_of(u) or u)}]({u})" for u in related)
        lines.append(f"  *Related: {links}*")
    if cluster.others:
        others = ", ".join(_md_link(e.outlet, e.link) for e in cluster.others)
        lines.append(f"  *Also reported by: {others}*")
    return lines


def render_markdown(source: BriefLike, *, tz: tzinfo | None = None) -> str:
    """A brief as Markdown that reads like a hand-written morning brief."""
    brief = _as_brief(source)
    out = [f"# {md_escape(_heading(brief))}", ""]
    top = _top_line(brief)
    if top:
        out += [md_escape(top) + ".", ""]
    if brief.key_stories:
        out += ["## Key stories", ""]
        for n, cluster in enumerate(brief.key_stories, 1):
            line = f"{n}. {_md_link(_headline(cluster.lead), cluster.lead.link)}"
            if cluster.source_count > 1:
                line += f" ({cluster.source_count} sources)"
            out.append(line)
        out.append("")
    for section in brief.sections:
        if section.name:
            out += [f"## {md_escape(section.name)}", ""]
        for cluster in section.clusters:
            out += _md_item(cluster, tz)
        if section.hidden_count:
            out.append(f"- *…and {section.hidden_count} more*")
        out.append("")
    if not brief.sections:
        out += ["*No stories in this edition.*", ""]
    return strip_controls("\n".join(out).rstrip() + "\n")


# -- plain text ------------------------------------------------------------------


def _cell_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "") -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells, breaking CJK runs between characters.

    URLs and other long words are never broken (a broken URL does not work).
    """
    units: list[tuple[str, bool]] = []  # (piece, space before it)
    for word in text.split():
        space = True
        if any(_cell_width(c) == 2 for c in word):
            # Wide characters may break anywhere; keep ASCII runs inside whole.
            for piece in re.findall(r"[\x21-\x7e]+|.", word):
                units.append((piece, space))
                space = False
        else:
            units.append((word, True))
    lines: list[str] = []
    current = indent
    current_w = len(indent)
    for piece, space in units:
        pw = sum(_cell_width(c) for c in piece)
        sep = " " if space and current_w > len(indent) else ""
        if current_w > len(indent) and current_w + len(sep) + pw > width:
            lines.append(current)
            current, current_w, sep = indent, len(indent), ""
        current += sep + piece
        current_w += len(sep) + pw
    if current_w > len(indent):
        lines.append(current)
    return lines


def render_text(source: BriefLike, *, tz: tzinfo | None = None, width: int = TEXT_WIDTH) -> str:
    """A brief as plain text for chat or email: no markup, numbered, wrapped."""
    brief = _as_brief(source)
    heading = _heading(brief)
    out = [heading, "=" * min(width, len(heading)), ""]
    top = _top_line(brief)
    if top:
        out += [*wrap(f"In brief: {top}.", width), ""]
    if brief.key_stories:
        out += ["KEY STORIES", ""]
        for n, cluster in enumerate(brief.key_stories, 1):
            text = _headline(cluster.lead)
            if cluster.source_count > 1:
                text += f" ({cluster.source_count} sources)"
            lines = wrap(text, width, " " * 4)
            lines[0] = f"{n:>2}. " + lines[0][4:]
            out += lines
        out.append("")
    number = 0
    for section in brief.sections:
        if section.name:
            out += [section.name.upper(), "-" * min(width, len(section.name)), ""]
        for cluster in section.clusters:
            number += 1
            lead = cluster.lead
            lines = wrap(_headline(lead), width, " " * 4)
            lines[0] = f"{number:>2}. " + lines[0][4:]
            out += lines
            summary = short_summary(lead.summary)
            if summary:
                out += wrap(summary, width, " " * 4)
            out += wrap(", ".join(_attribution_parts(lead, tz)), width, " " * 4)
            link = safe_url(lead.link)
            if link:
                out.append(f"    {link}")
            if cluster.others:
                others = ", ".join(
                    f"{e.outlet} ({safe_url(e.link)})" if safe_url(e.link) else e.outlet
                    for e in cluster.others
                )
                out += wrap(f"Also reported by: {others}", width, " " * 4)
            out.append("")
        if section.hidden_count:
            out += [f"    …and {section.hidden_count} more", ""]
    if not brief.sections:
        out += ["No stories in this edition.", ""]
    return strip_controls("\n".join(out).rstrip() + "\n")


# -- links -----------------------------------------------------------------------


def render_links(source: BriefLike, *, members: bool = False) -> str:
    """One http(s) URL per line: each story's lead, plus other reports if ``members``."""
    brief = _as_brief(source)
    seen: dict[str, None] = {}
    for cluster in brief.clusters:
        for entry in cluster.members if members else [cluster.lead]:
            url = safe_url(entry.link)
            if url:
                seen.setdefault(url, None)
    return strip_controls("".join(f"{u}\n" for u in seen))


# -- JSON ------------------------------------------------------------------------


def _clean(value: object) -> object:
    """Strip control characters from every string in a JSON-ready structure."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def entry_to_dict(entry: Entry, *, section: str = "", cluster_lead: int | None = None) -> dict:
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
        "section": section,
        "cluster_lead": cluster_lead if cluster_lead is not None else entry.id,
    }


def brief_to_dict(source: BriefLike) -> dict:
    """The whole brief as JSON-ready data with a schema version."""
    brief = _as_brief(source)
    return {
        "schema": "briefterm.brief",
        "schema_version": JSON_SCHEMA_VERSION,
        "title": brief.title,
        "label": brief.label,
        "start": iso_utc(brief.start),
        "end": iso_utc(brief.end),
        "key_stories": [c.lead.id for c in brief.key_stories],
        "sections": [
            {
                "name": s.name,
                "hidden_count": s.hidden_count,
                "clusters": [
                    {
                        "lead": c.lead.id,
                        "ids": c.ids,
                        "source_count": c.source_count,
                        "entries": [
                            entry_to_dict(e, section=s.name, cluster_lead=c.lead.id)
                            for e in c.members
                        ],
                    }
                    for c in s.clusters
                ],
            }
            for s in brief.sections
        ],
    }


def render_json(source: BriefLike) -> str:
    """A brief as JSON: every field of every entry, clusters, sections, schema version."""
    text = json.dumps(_clean(brief_to_dict(source)), ensure_ascii=False, indent=2)
    return strip_controls(text) + "\n"


# -- dispatch ---------------------------------------------------------------------


def render(source: BriefLike, fmt: str, *, tz: tzinfo | None = None) -> str:
    """Render in ``fmt``: "md" (or "markdown"), "text", "links" or "json"."""
    fmt = fmt.lower()
    if fmt in ("md", "markdown"):
        return render_markdown(source, tz=tz)
    if fmt in ("text", "txt"):
        return render_text(source, tz=tz)
    if fmt == "links":
        return render_links(source)
    if fmt == "json":
        return render_json(source)
    raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
