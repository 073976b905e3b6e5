"""Pieces the Markdown and text renderers share: headlines, summaries, attribution."""

from __future__ import annotations

import re
from datetime import tzinfo

from briefterm.models import Brief, Entry
from briefterm.timefmt import clock_label

SUMMARY_CHARS = 320  # an item's summary: one or two sentences, at most this long

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


def headline(entry: Entry) -> str:
    """The entry's title on one line; its summary's start, or "(untitled)", without one."""
    return " ".join(entry.title.split()) or short_summary(entry.summary, 100) or "(untitled)"


def attribution_parts(entry: Entry, tz: tzinfo | None) -> list[str]:
    """Feed, original publisher ("via"), author and local time, as plain strings."""
    parts = [entry.outlet]
    if entry.author:
        parts.append(f"by {entry.author}")
    parts.append(clock_label(entry.time, tz))
    return [" ".join(p.split()) for p in parts]


def top_line(brief: Brief) -> str:
    """One line naming the top three stories, like the opening of a hand-written brief."""
    top = brief.key_stories[:3] or brief.clusters[:3]
    return "; ".join(headline(c.lead).rstrip(".;") for c in top)


def heading(brief: Brief) -> str:
    """The brief's title and, when it has one, its edition label."""
    return f"{brief.title} — {brief.label}" if brief.label else brief.title
