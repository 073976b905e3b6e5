"""The one place untrusted text is made safe for a terminal.

Every string that comes from a feed passes through :func:`clean_text` (or
:func:`clean_line` for single-line fields) before it is stored. The result
contains no C0/C1 control characters except tab and newline, no ESC (so no
CSI/OSC/DCS sequences can reach the terminal), no bidi override/isolate
characters (which can disguise text), and no lone surrogates.

Every function here costs time linear in its input, whatever the input: a
flood of combining marks (which Unicode normalization sorts with a
quadratic insertion sort) is cut to a few marks per letter first, and a long
text that will be truncated anyway is cleaned from its head.

Markup safety is a separate concern handled at display time: feed text is
always put into ``rich.text.Text`` / Textual ``Content`` objects, never parsed
as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from briefterm._combining import COMBINING_CLASS

# C0 controls except \t and \n, DEL, C1 controls (U+0080-U+009F), bidi
# embeddings/overrides/isolates, line/paragraph separators (which some
# terminals treat as newlines), BOM/ZWNBSP, and surrogates (invalid in UTF-8
# and a crash source when encoding for output), and the noncharacters
# U+FFFE/U+FFFF (never text; XML forbids them).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u2028\u2029\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\ud800-\udfff]"
)
# A whole escape sequence is dropped with its ESC, so "\x1b]0;title\x07"
# leaves no "]0;title" debris behind. Covers CSI, OSC (BEL or ST ended), and
# DCS/SOS/PM/APC strings; a lone ESC is removed by _UNSAFE afterwards.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC/DCS/SOS/PM/APC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    # 8-bit OSC only when terminated: in mis-decoded text (cp1252 read as
    # Latin-1) a lone 0x9D is common and must not swallow the rest.
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"  # two/three-byte escapes (ESC c, ESC ( B ...)
)
# Long runs of zero-width characters are a spoofing/width-confusion vector;
# keep at most one of them in a row (a single ZWJ is legitimate in emoji).
_ZERO_WIDTH_RUN = re.compile("([\u200b\u200c\u200d\u2060\u180e])[\u200b\u200c\u200d\u2060\u180e]+")
# Real text stacks at most three or four marks on a letter (Vietnamese,
# Hebrew cantillation, Tibetan); "Zalgo" text stacks hundreds, and NFC sorts
# a run of marks in quadratic time (40,000 alternating marks: 1 s). Keep
# MAX_MARKS of each run.
MAX_MARKS = 8
_MARK_RUN = re.compile(f"([{COMBINING_CLASS}]{{{MAX_MARKS}}})[{COMBINING_CLASS}]+")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a]+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def strip_controls(text: str) -> str:
    """Remove escape sequences and unsafe characters; keep tab and newline."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        return text  # no control, no escape, no bidi or zero-width character
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = _UNSAFE.sub("", text)
    return _ZERO_WIDTH_RUN.sub(r"\1", text)


# What strip_controls removes that JSON leaves as it is: C0 controls are
# always escaped by ``json.dumps``, these are not (with ensure_ascii=False).
_RAW_IN_JSON = re.compile(
    "[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u2028\u2029\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)


def escape_json_text(text: str) -> str:
    """JSON text (from ``json.dumps``) with every unsafe character written as ``\\uXXXX``.

    JSON output is data: a script that reads it gets every character back,
    but C1 controls, bidi overrides, line separators and lone surrogates
    appear as ASCII escapes, so the text piped to a terminal cannot
    control it or reorder what it shows. Outside strings JSON is ASCII, so
    only string contents change.
    """
    if text.isascii():
        return text
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def cap_marks(text: str) -> str:
    """``text`` with every run of combining marks cut to :data:`MAX_MARKS`."""
    return _MARK_RUN.sub(r"\1", text)


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, with runs of combining marks cut to :data:`MAX_MARKS` first."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _MARK_RUN.sub(r"\1", text))


def _from_head(clean: Callable[[str], str], text: str, max_length: int | None) -> str | None:
    """``clean(text)`` cut to ``max_length`` when its head alone fills that, else None.

    Cleaning only removes characters and collapses spaces, so when the
    cleaned head of a long text is already longer than ``max_length``, the
    rest cannot change the result: a 10 MB title costs what its first few KB
    cost.
    """
    if max_length is None:
        return None
    cleaned = clean(text[: 4 * max_length])
    return truncate(cleaned, max_length) if len(cleaned) > max_length else None


def clean_text(text: str | None, *, max_length: int | None = None) -> str:
    """Make multi-line feed text safe: controls removed, blank runs squeezed.

    ``max_length`` truncates (with an ellipsis) so that a 20,000-character
    field cannot bloat the cache or the screen.
    """
    if not text:
        return ""
    if max_length is not None and len(text) > 4 * max_length + 400:
        head = _from_head(clean_text, text, max_length)
        if head is not None:
            return head
    text = strip_controls(text)
    text = nfc(text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return truncate(text, max_length)


def clean_line(text: str | None, *, max_length: int | None = 1000) -> str:
    """Make single-line feed text safe: like :func:`clean_text`, newlines become spaces."""
    if not text:
        return ""
    if max_length is not None and len(text) > 4 * max_length + 400:
        head = _from_head(lambda t: clean_line(t, max_length=None), text, max_length)
        if head is not None:
            return head
    if text.isascii() and text.isprintable():
        # Fast path (a poll calls this ~10 times per entry): printable ASCII
        # has no controls, no Unicode spaces and is already NFC, so only
        # space collapsing remains.
        return truncate(" ".join(text.split()), max_length)
    text = strip_controls(text)
    text = nfc(text)
    text = _SPACES.sub(" ", text.replace("\n", " ").replace("\t", " ")).strip()
    return truncate(text, max_length)


def truncate(text: str, max_length: int | None) -> str:
    """Cut ``text`` to ``max_length`` characters, ending with an ellipsis if cut."""
    if max_length is None or len(text) <= max_length:
        return text
    return text[: max_length - 1].rstrip() + "…"
