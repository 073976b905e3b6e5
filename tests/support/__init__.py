"""Helpers shared by the test layers: loopback servers, reader fixture data, paths."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The repository root (where pyproject.toml and config.example.toml live)."""

DATA = REPO / "tests" / "data"
"""Golden files and fixtures: feeds/, opml/, clusters/."""


# An oracle written independently of briefterm.sanitize: C0/C1 controls but
# tab and newline, ESC (so any escape sequence), bidi overrides and isolates.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def is_safe(text: str) -> bool:
    """True when ``text`` can be written to a terminal without effects."""
    return not _TERMINAL_UNSAFE.search(text)
