"""An article's links as a numbered list (as newsboat shows them), and how URLs read.

The story pane numbers every link of a story: [1] is the story itself,
then each link and image of the body in the order they appear, then
attachments, comments, related links and the other outlets' reports.
The body keeps its links (clickable) with the number after them
("spec sheet[2]"), and images become ``[image: alt]`` links, so the number
keys and ``o`` open what the reader sees. This is post-processing of
``htmltext.html_to_markdown``'s output: its links are ``[text](url)`` with
every bracket of feed text backslash-escaped and URLs free of spaces and
parentheses, so one scanner finds them exactly (skipping code).

URLs are shown decoded (an IRI's percent-escaped UTF-8 reads as the
characters it stands for; ASCII escapes such as ``%20`` and ``%2F`` stay,
they change meaning) and wrapped after ``/ ? & = #`` rather than inside a
word. Only the shown text changes: the URL opened is the real one.

Nothing here imports Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells

from briefterm.models import Entry
from briefterm.sanitize import clean_line
from briefterm.urls import display_host_url, safe_url

MAX_URL = 4000  # characters of a URL shown; longer ones are cut


@dataclass(frozen=True, slots=True)
class Link:
    """One numbered link of a story: what it is, the URL opened, the URL shown."""

    number: int
    label: str
    url: str
    shown: str


# Fenced code, code spans and escapes are skipped so that only real links match.
_TOKENS = re.compile(
    r"(?P<fence>^(?P<ticks>`{3,})[^\n]*\n.*?^(?P=ticks)[ \t]*$)"
    r"|(?P<code>(?P<bt>`+).+?(?P=bt))"
    r"|(?P<escape>\\.)"
    r"|(?P<link>\[(?P<text>(?:\\.|[^\\\]\n])*)\]\((?P<url>[^)\s]+)\))",
    re.MULTILINE | re.DOTALL,
)
_IMAGE_TEXT = re.compile(r"^image(?::\s*(?P<alt>.*))?$", re.DOTALL)
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_MD_ESCAPED = re.compile(r"\\(.)")


def display_url(url: str) -> str:
    """``url`` as a person reads it: percent-escaped UTF-8 decoded, never controls.

    Only escapes that stand for non-ASCII characters are decoded; ASCII ones
    (``%20``, ``%2F``, ``%3F``) would change what the URL says, so they stay.
    """

    def decode(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            text = bytes.fromhex(run.replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return run
        # Re-encode the ASCII (and anything unprintable) that the run held.
        out = []
        for char in text:
            if ord(char) < 0x80 or not char.isprintable():
                out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
            else:
                out.append(char)
        return "".join(out)

    url = display_host_url(url)  # a mixed-script (homograph) host as xn--
    shown = _PERCENT_RUN.sub(decode, url[:MAX_URL]) if "%" in url else url[:MAX_URL]
    # Whatever the decoding made, it is shown as one clean line (no bidi tricks).
    return clean_line(shown, max_length=MAX_URL)


_BREAK_AFTER = "/?&=#"
_SOFT_BREAK_AFTER = "-._~,;+"


def wrap_url(url: str, width: int) -> list[str]:
    """``url`` in lines of ``width`` cells, broken after ``/ ? & = #`` where it can be.

    A part with none of those wider than the line is broken after ``- . _``
    and the like, and only then between two characters.
    """
    if width <= 0:
        return []
    if cell_len(url) <= width:
        return [url]
    lines: list[str] = []
    current = ""
    for part in _parts(url, _BREAK_AFTER):
        if cell_len(current + part) <= width:
            current += part
            continue
        if current:
            lines.append(current)
            current = ""
        if cell_len(part) <= width:
            current = part
            continue
        for piece in _split_long(part, width):
            if cell_len(current + piece) <= width:
                current += piece
            else:
                if current:
                    lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def _parts(text: str, breaks: str) -> list[str]:
    """``text`` cut after each character of ``breaks`` (the character stays with its part)."""
    parts: list[str] = []
    start = 0
    for index, char in enumerate(text):
        if char in breaks:
            parts.append(text[start : index + 1])
            start = index + 1
    if start < len(text):
        parts.append(text[start:])
    return parts


def _split_long(part: str, width: int) -> list[str]:
    """A part wider than the line: at soft breaks, else into cells."""
    pieces: list[str] = []
    for piece in _parts(part, _SOFT_BREAK_AFTER):
        if cell_len(piece) <= width:
            pieces.append(piece)
        else:
            pieces.extend(chop_cells(piece, width))
    return pieces


class _Numbering:
    """Numbers links in the order first seen; the same URL keeps its number."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self._numbers: dict[str, int] = {}

    def number(self, url: str, label: str) -> int:
        """The number of ``url``, adding it to the list when new."""
        known = self._numbers.get(url)
        if known is not None:
            return known
        number = len(self.links) + 1
        self._numbers[url] = number
        self.links.append(Link(number, clean_line(label, max_length=200), url, display_url(url)))
        return number


def _unescape(text: str) -> str:
    return _MD_ESCAPED.sub(r"\1", text)


def _mark_links(markdown: str, numbering: _Numbering) -> str:
    """The body with every link numbered ("text[2]") and images as "[image: alt]"."""

    def replace(match: re.Match[str]) -> str:
        if match.group("link") is None:
            return match.group(0)
        text, url = match.group("text"), match.group("url")
        image = _IMAGE_TEXT.match(_unescape(text).strip())
        if image is not None:
            alt = (image.group("alt") or "").strip()
            label = f"image: {alt}" if alt else "image"
            number = numbering.number(url, label)
            shown = f"\\[image: {text.split(':', 1)[1].strip()}\\]" if alt else "\\[image\\]"
            return f"[{shown}]({url})\\[{number}\\]"
        label = _unescape(text).strip()
        if label == url or _unescape(text) == url:
            # A bare URL as its own text reads better decoded.
            text = display_url(url).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        number = numbering.number(url, label or url)
        return f"[{text}]({url})\\[{number}\\]"

    return _TOKENS.sub(replace, markdown)


def number_links(
    entry: Entry, body: str, others: list[Entry] | None = None
) -> tuple[str, list[Link]]:
    """The body with numbered links, and the story's links: [1] the story, then the rest."""
    numbering = _Numbering()
    link = safe_url(entry.link)
    if link:
        numbering.number(link, "This story")
    body = _mark_links(body, numbering)
    for enclosure in entry.enclosures:
        url = safe_url(enclosure.url)
        if url:
            details = ", ".join(p for p in (enclosure.type, file_size(enclosure.length)) if p)
            numbering.number(url, f"Attachment ({details})" if details else "Attachment")
    comments = safe_url(entry.comments)
    if comments:
        numbering.number(comments, "Comments")
    for related in entry.related:
        url = safe_url(related)
        if url:
            numbering.number(url, "Related")
    for other in others or []:
        url = safe_url(other.link)
        if url:
            numbering.number(url, f"Also reported by {other.outlet}")
    return body, numbering.links


def file_size(length: int | None) -> str:
    """ "2.0 MB" for an attachment's length in bytes ("" when unknown)."""
    if not length:
        return ""
    if length < 1024:
        return f"{length} B"
    size = length / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
