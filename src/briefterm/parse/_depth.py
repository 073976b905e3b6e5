"""Feeds nested too deeply for the parser: the deep tags go, their text stays.

libxml2 stops at 256 levels of nesting (briefterm never asks for
``XML_PARSE_HUGE``), so a feed with a 100,000-deep run of elements is not
well-formed to it, and the lenient path (feedparser) then walked every
level in Python: seconds per hundred thousand elements. No feed needs that
depth; :func:`flatten` drops every tag deeper than :data:`MAX_DEPTH` in one
linear scan, keeps the text between them, and leaves a well-formed feed
well-formed, so the fast path reads it, entries after the deep part included.
"""

from __future__ import annotations

import re

MAX_DEPTH = 128
"""Levels of elements kept; tags deeper than this are dropped, their text kept."""

# Markup in document order: comments, CDATA, processing instructions and
# declarations are skipped whole (a "<div>" inside CDATA is text), then
# start, end and empty tags (attribute values may hold ">"). A tag that never
# closes (an unterminated quote) can only fail at the end of the text, so the
# last alternative takes the rest as one broken tag: without it, every later
# "<" would scan to the end again (quadratic: 8,000 `<a "` took 3.8 s).
# Possessive quantifiers: a tag is scanned once, never re-tried in pieces.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<\?.*?(?:\?>|\Z)"
    r"|<![^>]*+>?"
    r"|<(/?)[A-Za-z_][^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+>"
    r"|<[/A-Za-z_].*",
    re.DOTALL,
)


def flatten(text: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """``text`` without the tags nested deeper than ``max_depth``; (text, tags dropped)."""
    out: list[str] = []
    depth = dropped = last = 0
    for match in _MARKUP.finditer(text):
        closing = match.group(1)
        if closing is None:
            continue  # a comment, CDATA section, instruction or declaration
        if closing:
            depth -= 1
            deep = depth >= max_depth
        else:
            deep = depth >= max_depth
            if not match.group(0).endswith("/>"):
                depth += 1
        if deep:
            out.append(text[last : match.start()])
            last = match.end()
            dropped += 1
    if not dropped:
        return text, 0
    out.append(text[last:])
    return "".join(out), dropped
