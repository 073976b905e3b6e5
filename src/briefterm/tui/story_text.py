"""The words a Brief row prints: headline, dek, attribution, and the edition's lede.

The rules are the exports' (``briefterm.export._parts``): the same headline
fallback, the same one-or-two-sentence summary and the same "top three
stories" lede, so the reader's front page and a pasted brief say the same
thing. This module only cleans them for a terminal (``sanitize``) and
measures them once, when the row model is built, so that laying the rows
out at a new width needs no text work.

Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from briefterm.export._parts import headline, short_summary, top_line
from briefterm.models import Brief, Cluster, Entry
from briefterm.sanitize import clean_line
from briefterm.timefmt import long_age

TITLE_MAX = 400  # characters kept of a headline: two lines of any terminal
DEK_MAX = 320  # the exports' summary length


DATELINE_SEPARATOR = " — "


@dataclass(frozen=True, slots=True)
class StoryText:
    """What a Brief row shows of a story, cleaned and measured.

    Under the headline the story's dateline leads its dek, as a brief
    writes "According to …, …": "The Morning Ledger +2 — Pomelo unveiled…".
    """

    headline: str
    dek: str
    outlet: str
    others: int  # other outlets that reported it ("+2")
    headline_cells: int
    dek_cells: int
    outlet_cells: int

    def dateline(self, outlet: str) -> str:
        """The dateline with ``outlet`` (perhaps abbreviated): "Outlet +2"."""
        return f"{outlet} +{self.others}" if self.others else outlet

    def dek_line_cells(self, outlet_cells: int) -> int:
        """Cells of dateline and dek together, with the outlet in ``outlet_cells`` cells."""
        cells = outlet_cells + (len(str(self.others)) + 2 if self.others else 0)
        return cells + (len(DATELINE_SEPARATOR) + self.dek_cells if self.dek else 0)


def row_headline(entry: Entry) -> str:
    """The headline as a row shows it: one clean line (the exports' fallback when untitled)."""
    text = headline(entry)[: TITLE_MAX * 2]
    return clean_line(text, max_length=TITLE_MAX) or "(untitled)"


def dek(entry: Entry) -> str:
    """The line or two under a headline: the exports' short summary, never the headline again.

    Posts without a title get one made from their text (by the parser, or
    by :func:`headline`), so their summary starts with it; the dek is then
    what follows, or nothing.
    """
    text = clean_line(short_summary(entry.summary, DEK_MAX), max_length=DEK_MAX)
    title = " ".join(entry.title.split()).rstrip("…. ")
    if not title:
        return ""  # the headline already is the summary's start
    if text.casefold().startswith(title.casefold()):
        text = text[len(title) :].lstrip(" .…:;,-—!?。！？、，")
    return text


def others_count(cluster: Cluster) -> int:
    """How many other outlets reported the story: the "+N" of its row."""
    return max(0, cluster.source_count - 1)


def story_text(cluster: Cluster) -> StoryText:
    """The cleaned, measured text of a story's row."""
    lead = cluster.lead
    title = row_headline(lead)
    line = dek(lead)
    outlet = clean_line(lead.outlet, max_length=120) or "?"
    cells = cell_len(title), cell_len(line), cell_len(outlet)
    return StoryText(title, line, outlet, others_count(cluster), *cells)


def lede(brief: Brief) -> str:
    """The edition's opening line: its top stories' headlines (as the Markdown export opens)."""
    top = clean_line(top_line(brief), max_length=600)
    return f"{top}." if top else ""


def compact_attribution(entry: Entry, others: int, now: float) -> str:
    """One line of who and when: "Outlet · by Author · 7 h ago · +2 outlets"."""
    parts = [clean_line(entry.outlet, max_length=120)]
    if entry.author:
        parts.append(f"by {clean_line(entry.author, max_length=80)}")
    age = long_age(entry.time, now)
    parts.append(age if entry.published is not None else f"seen {age}")
    if others:
        parts.append(f"+{others} outlet{'s' if others > 1 else ''}")
    return " · ".join(p for p in parts if p)
