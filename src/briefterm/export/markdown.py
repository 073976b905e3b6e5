"""A brief as Markdown that reads like a hand-written morning brief.

Markdown treats feed text as text: characters that would start a link,
image, emphasis, code span, HTML tag or heading are backslash-escaped, and
link targets are only ever http(s) URLs that passed ``safe_url``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import tzinfo

from briefterm.export._parts import (
    attribution_parts,
    finished_text,
    heading,
    headline,
    item_summary,
    related_label,
    resolve_now,
    share_url,
    source_note,
    top_line,
)
from briefterm.models import Brief, Cluster
from briefterm.sanitize import strip_controls

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
    if "&" in text:
        text = _MD_ENTITY.sub(r"\\&", text)
    # Only the start can be a marker: one match, not a scan of the text.
    marker = _MD_LINE_START.match(text)
    return _escape_marker(marker) + text[marker.end() :] if marker else text


def _escape_marker(match: re.Match[str]) -> str:
    """``# x`` → ``\\# x``; ``1. x`` → ``1\\. x`` (a backslash before a digit is literal)."""
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def md_url(url: str) -> str:
    """A link target safe inside ``(...)``: http(s) only, tracking dropped, brackets encoded."""
    url = share_url(url)
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        url = url.replace(char, code)
    return url


def _md_link(text: str, url: str) -> str:
    target = md_url(url)
    return f"[{md_escape(text)}]({target})" if target else md_escape(text)


def _md_item(cluster: Cluster, tz: tzinfo | None, now: float | None) -> list[str]:
    lead = cluster.lead
    lines = [f"- **{md_escape(headline(lead))}**{source_note(cluster)}"]
    summary = item_summary(lead)
    if summary:
        lines.append(f"  {md_escape(summary)}")
    attribution = " · ".join(md_escape(p) for p in attribution_parts(lead, tz, now))
    target = md_url(lead.link)
    if target:
        attribution += f" · [link]({target})"
    lines.append(f"  *{attribution}*")
    related = list(dict.fromkeys(u for u in (md_url(r) for r in lead.related) if u))[:3]
    if related:
        links = ", ".join(f"[{md_escape(related_label(u, related))}]({u})" for u in related)
        lines.append(f"  *Related: {links}*")
    others = cluster.also_reported_by
    if others:
        listed = ", ".join(_md_link(e.outlet, e.link) for e in others)
        lines.append(f"  *Also reported by: {listed}*")
    return lines


def render_markdown(brief: Brief, *, tz: tzinfo | None = None, now: float | None = None) -> str:
    """A brief as Markdown that reads like a hand-written morning brief.

    ``now`` decides which dates are in the current year (default: the clock).
    """
    return "".join(iter_markdown(brief, tz=tz, now=now))


def iter_markdown(
    brief: Brief, *, tz: tzinfo | None = None, now: float | None = None
) -> Iterator[str]:
    """:func:`render_markdown` a story at a time, for writing as it is made."""
    return finished_text(_md_groups(brief, tz, resolve_now(now)))


def _md_groups(brief: Brief, tz: tzinfo | None, now: float) -> Iterator[list[str]]:
    """The lines of the Markdown brief: the head, then one story at a time."""
    out = [f"# {md_escape(heading(brief))}", ""]
    top = top_line(brief)
    if top:
        out += [md_escape(top) + ".", ""]
    if brief.key_stories:
        out += ["## Key stories", ""]
        for n, cluster in enumerate(brief.key_stories, 1):
            line = f"{n}. {_md_link(headline(cluster.lead), cluster.lead.link)}"
            out.append(line + source_note(cluster))
        out.append("")
    yield out
    for section in brief.sections:
        if section.name:
            yield [f"## {md_escape(section.name)}", ""]
        for cluster in section.clusters:
            yield _md_item(cluster, tz, now)
        tail = [f"- *…and {section.hidden_count} more*"] if section.hidden_count else []
        yield [*tail, ""]
    if not brief.sections:
        yield ["*No stories in this edition.*", ""]
