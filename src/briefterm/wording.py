"""Counted nouns in what briefterm says: "1 result", "3 results", never "1 results"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """ "1 feed", "2 feeds", "1,200 entries" (``plural`` for nouns not made with an s)."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {plural or noun + 's'}"


def stories(count: int, kind: str = "") -> str:
    """ "1 story", "3 stories", "3 starred stories"."""
    kind = f"{kind} " if kind else ""
    return counted(count, f"{kind}story", f"{kind}stories")
