"""A brief as plain text for chat or email: no markup, numbered, wrapped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import tzinfo

from briefterm.export._parts import (
    attribution_parts,
    finished_text,
    heading,
    headline,
    item_summary,
    resolve_now,
    share_url,
    source_note,
    top_line,
)
from briefterm.models import Brief, Cluster

TEXT_WIDTH = 78
# CJK punctuation that may not start a line (kinsoku): it stays on the line
# of the character before it.
_NO_LINE_START = frozenset("，。、；：？！）」』】〉》”’・…%")


def _cell_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _width(piece: str) -> int:
    """Terminal cells of ``piece``: its length for ASCII (never wide), else summed."""
    return len(piece) if piece.isascii() else sum(map(_cell_width, piece))


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "") -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells, breaking CJK runs between characters.

    URLs and other long words are never broken (a broken URL does not work).
    """
    units: list[tuple[str, bool]] = []  # (piece, space before it)
    for word in text.split():
        space = True
        if not word.isascii() and any(_cell_width(c) == 2 for c in word):
            # Wide characters may break anywhere; keep ASCII runs inside whole,
            # and closing punctuation with the character before it.
            for piece in re.findall(r"[\x21-\x7e]+|.", word):
                if piece in _NO_LINE_START and units and not space:
                    units[-1] = (units[-1][0] + piece, units[-1][1])
                    continue
                units.append((piece, space))
                space = False
        else:
            units.append((word, True))
    lines: list[str] = []
    current = indent
    current_w = len(indent)
    for piece, space in units:
        pw = _width(piece)
        sep = " " if space and current_w > len(indent) else ""
        if current_w > len(indent) and current_w + len(sep) + pw > width:
            lines.append(current)
            current, current_w, sep = indent, len(indent), ""
        current += sep + piece
        current_w += len(sep) + pw
    if current_w > len(indent):
        lines.append(current)
    return lines


def _numbered(number: int, text: str, width: int) -> list[str]:
    """``text`` wrapped under a right-aligned ``NN.`` in a four-cell margin."""
    lines = wrap(text, width, " " * 4)
    lines[0] = f"{number:>2}. " + lines[0][4:]
    return lines


def render_text(
    brief: Brief, *, tz: tzinfo | None = None, width: int = TEXT_WIDTH, now: float | None = None
) -> str:
    """A brief as plain text for chat or email: no markup, numbered, wrapped.

    ``now`` decides which dates are in the current year (default: the clock).
    """
    return "".join(iter_text(brief, tz=tz, width=width, now=now))


def iter_text(
    brief: Brief, *, tz: tzinfo | None = None, width: int = TEXT_WIDTH, now: float | None = None
) -> Iterator[str]:
    """:func:`render_text` a story at a time, for writing as it is made."""
    return finished_text(_text_groups(brief, tz, width, resolve_now(now)))


def _text_groups(brief: Brief, tz: tzinfo | None, width: int, now: float) -> Iterator[list[str]]:
    """The lines of the text brief: the head, then one story at a time."""
    title = heading(brief)
    out = [title, "=" * min(width, len(title)), ""]
    top = top_line(brief)
    if top:
        out += [*wrap(f"In brief: {top}.", width), ""]
    if brief.key_stories:
        out += ["KEY STORIES", ""]
        for n, cluster in enumerate(brief.key_stories, 1):
            out += _numbered(n, headline(cluster.lead) + source_note(cluster), width)
        out.append("")
    yield out
    number = 0
    for section in brief.sections:
        if section.name:
            yield [section.name.upper(), "-" * min(width, len(section.name)), ""]
        for cluster in section.clusters:
            number += 1
            yield _text_item(number, cluster, tz, width, now)
        if section.hidden_count:
            yield [f"    …and {section.hidden_count} more", ""]
    if not brief.sections:
        yield ["No stories in this edition.", ""]


def _text_item(
    number: int, cluster: Cluster, tz: tzinfo | None, width: int, now: float
) -> list[str]:
    lead = cluster.lead
    out = _numbered(number, headline(lead) + source_note(cluster), width)
    summary = item_summary(lead)
    if summary:
        out += wrap(summary, width, " " * 4)
    out += wrap(", ".join(attribution_parts(lead, tz, now)), width, " " * 4)
    link = share_url(lead.link)
    if link:
        out.append(f"    {link}")
    others = cluster.also_reported_by
    if others:
        links = [share_url(e.link) for e in others]
        listed = ", ".join(
            f"{e.outlet} ({url})" if url else e.outlet for e, url in zip(others, links, strict=True)
        )
        out += wrap(f"Also reported by: {listed}", width, " " * 4)
    out.append("")
    return out
