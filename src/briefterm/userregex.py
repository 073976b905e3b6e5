"""The user's section patterns, matched in linear time with RE2.

Section ``patterns`` are the user's regular expressions, and the text they
run over (titles, summaries) comes from untrusted feeds. Python's ``re``
backtracks: ``(a+)+$`` against forty a's and a "!" runs for hours, which
froze the reader and hung ``briefterm brief``. RE2 (``google-re2``)
guarantees time linear in the text for every pattern, at the price of two
features it does not have: backreferences (``\\1``) and lookaround
(``(?=…)``, ``(?<!…)``). A pattern that needs them is a config error, said
by ``config check`` with RE2's reason.

Patterns match case-insensitively, and capture nothing (groups only group),
so two patterns may use the same group name and ``(?i)`` may stand anywhere.
Character classes such as ``\\d``, ``\\w`` and ``\\b`` are ASCII in RE2;
keywords (plain substrings) are unaffected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, cast

import re2

MAX_PROGRAM_BYTES = 8 << 20
"""RE2's memory budget per compiled rule set: a pattern too large for it is refused."""


class PatternError(ValueError):
    """A pattern RE2 cannot compile; ``str(err)`` says why in a few words."""


class Matcher(Protocol):
    """A compiled pattern: only "does it occur in this text"."""

    def search(self, text: str) -> object:
        """A match object (truthy) when the pattern occurs in ``text``, else None."""


def _options() -> object:
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    # RE2 would print each refused pattern on stderr, over the reader's screen.
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    return options


def _reason(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = str(text)
    if "invalid perl operator" in text or "invalid escape sequence: \\" in text:
        return (
            f"{text} (lookahead, lookbehind and backreferences are not supported: "
            "patterns run in linear time)"
        )
    return text


def compile_one(pattern: str) -> Matcher:
    """Compile one user pattern; :class:`PatternError` says why it cannot be."""
    try:
        return cast(Matcher, re2.compile(pattern, options=_options()))
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None


def compile_any(keywords: Iterable[str], patterns: Iterable[str]) -> Matcher | None:
    """One matcher for literal ``keywords`` or any valid pattern (None when there is none).

    Patterns RE2 refuses are left out here; ``config check`` reports them.
    Each pattern is compiled alone first, so one bad pattern cannot break
    the others, nor the keywords.
    """
    parts = [re2.escape(k) for k in keywords if k.strip()]
    for pattern in patterns:
        try:
            compile_one(pattern)
        except PatternError:
            continue
        parts.append(f"(?:{pattern})")
    if not parts:
        return None
    try:
        return compile_one("|".join(parts))
    except PatternError:
        # Each fits RE2's budget alone but not all together: keep the ones that fit.
        return _Several([compile_one(part) for part in parts])


class _Several:
    """Several matchers tried in turn (only when one program would be too large)."""

    def __init__(self, matchers: list[Matcher]) -> None:
        self._matchers = matchers

    def search(self, text: str) -> object:
        for matcher in self._matchers:
            found = matcher.search(text)
            if found:
                return found
        return None
