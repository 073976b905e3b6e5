"""Pure renderers: a brief → Markdown, text, links or JSON.

Nothing here does I/O; the CLI prints the strings and the reader copies them.
Every renderer runs :func:`briefterm.sanitize.strip_controls` over its final
output, so whatever a feed put in its text, the result has no escape
sequences or other control characters (only newlines) and cannot end a
terminal's bracketed paste early.

:class:`Format` is the one list of formats; ``markdown.py``, ``text.py``,
``links.py`` and ``json.py`` hold one renderer each, and :func:`render`
picks one by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from briefterm.export.json import ContentLoader
    from briefterm.models import Brief

__all__ = ["FORMATS", "Format", "FormatInfo", "format_info", "iter_render", "render"]


class Format(StrEnum):
    """An export format; a ``str`` (``Format.MD == "md"``), so TOML and argv values compare."""

    MD = "md"
    """Markdown that reads like a hand-written brief."""
    TEXT = "text"
    """Plain text, numbered and wrapped, for chat or email."""
    LINKS = "links"
    """One URL per line."""
    JSON = "json"
    """Every field, for scripts."""


FORMATS: tuple[str, ...] = tuple(fmt.value for fmt in Format)
"""The format names in display order: ``("md", "text", "links", "json")``."""

_ALIASES = {"markdown": Format.MD, "txt": Format.TEXT}


class FormatInfo(NamedTuple):
    """How the interface names a format: chooser title, a noun for messages, a hint."""

    title: str
    noun: str
    hint: str


_INFO = {
    Format.MD: FormatInfo(
        "Markdown brief", "Markdown", "sections, bold headlines, summaries, attribution"
    ),
    Format.TEXT: FormatInfo("Plain text", "plain text", "numbered and wrapped, for chat or email"),
    Format.LINKS: FormatInfo("Links only", "links", "one URL per line"),
    Format.JSON: FormatInfo("JSON", "JSON", "every field, for scripts"),
}


def format_info(fmt: str) -> FormatInfo:
    """The names of ``fmt`` (any name :func:`render` accepts; unknown ones name themselves)."""
    name = fmt.lower()
    try:
        return _INFO[_ALIASES.get(name) or Format(name)]
    except ValueError:
        return FormatInfo(fmt, fmt, "")


def _format(fmt: str) -> Format:
    """The :class:`Format` named ``fmt`` (aliases too); ValueError for another name."""
    name = fmt.lower()
    try:
        return _ALIASES.get(name) or Format(name)
    except ValueError:
        raise ValueError(
            f"unknown export format {name!r}; use one of: {', '.join(FORMATS)}"
        ) from None


def iter_render(
    brief: Brief,
    fmt: str,
    *,
    tz: tzinfo | None = None,
    now: float | None = None,
    content: ContentLoader | None = None,
) -> Iterator[str]:
    """:func:`render`, a piece at a time: the same text, written as it is made.

    ``content`` loads entries with their content for JSON, a batch of
    stories at a time (without it, the entries are written as they are).
    An export of 100,000 entries then holds neither its text nor every
    entry's content at once.
    """
    # Imported on first use: the config and the CLI's parser read Format from
    # here, and `briefterm --help` should not pay for the renderers.
    from briefterm.export.json import iter_json, render_json
    from briefterm.export.links import render_links
    from briefterm.export.markdown import iter_markdown
    from briefterm.export.text import iter_text

    chosen = _format(fmt)
    if chosen is Format.MD:
        return iter_markdown(brief, tz=tz, now=now)
    if chosen is Format.TEXT:
        return iter_text(brief, tz=tz, now=now)
    if chosen is Format.LINKS:
        return iter([render_links(brief)])
    if content is None:  # the entries as they are, in one piece
        return iter([render_json(brief)])
    return iter_json(brief, content)


def render(brief: Brief, fmt: str, *, tz: tzinfo | None = None, now: float | None = None) -> str:
    """Render in ``fmt``: a :class:`Format` ("md", "text", "links", "json"), "markdown" or "txt".

    ``tz`` is the zone times are shown in (default: local); ``now`` decides
    which dates are in the current year and so show no year (default: the
    clock). Raises ``ValueError`` for any other name.
    """
    return "".join(iter_render(brief, fmt, tz=tz, now=now))
