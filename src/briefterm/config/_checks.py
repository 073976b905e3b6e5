"""Value checkers for every config key, the "did you mean" hints, and the warnings.

Each checker takes the raw TOML value and returns the converted value, or
raises :class:`Invalid` with the "must be ..." phrase; :class:`Ctx` adds the
file and the key path to make a one-line message. A file is checked whole:
:class:`Ctx` collects every problem (:meth:`Ctx.collect`), and one
:class:`ConfigError` lists them all, one per line (:meth:`Ctx.raise_errors`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from briefterm.clipboard import MODES as CLIPBOARD_MODES
from briefterm.config.types import MARK_READ_MODES, Config
from briefterm.errors import ConfigError
from briefterm.export import FORMATS, Format
from briefterm.urls import is_http_url


class Invalid(Exception):
    """A value does not fit its key; ``expected`` is the "must be ..." phrase."""

    def __init__(self, expected: str, show_value: bool = True) -> None:
        super().__init__(expected)
        self.expected = expected
        self.show_value = show_value


def show(value: object) -> str:
    """A short TOML-ish rendering of a bad value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, int) and not -(10**18) < value < 10**18:
        return "a number of more than 18 digits"  # str() refuses past 4,300 digits
    return str(value)


# The converted value's type depends on the key, so the checked table is
# heterogeneous: it becomes a dataclass's keyword arguments.
Checker = Callable[[object], Any]


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _nonempty_string(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    return value.strip()


def _range_phrase(noun: str, what: str, low: str | None, high: str | None) -> str:
    """ "must be a whole number of minutes of at least 1", "... from 0 to 30"."""
    phrase = "must be " + noun + (f" of {what}" if what else "")
    if low is not None and high is not None:
        return f"{phrase} from {low} to {high}"
    if low is not None:
        return f"{phrase} of at least {low}"
    if high is not None:
        return f"{phrase} up to {high}"
    return phrase


def _within(number: float, minimum: float | None, maximum: float | None) -> bool:
    return (minimum is None or number >= minimum) and (maximum is None or number <= maximum)


def _integer(minimum: int | None = None, maximum: int | None = None, what: str = "") -> Checker:
    low = None if minimum is None else str(minimum)
    high = None if maximum is None else str(maximum)
    phrase = _range_phrase("a whole number", what, low, high)

    def check(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(phrase)
        if not _within(value, minimum, maximum):
            raise Invalid(phrase)
        return value

    return check


def _number(
    minimum: float | None = None,
    maximum: float | None = None,
    what: str = "",
    positive: bool = False,
) -> Checker:
    low = None if minimum is None else f"{minimum:g}"
    high = None if maximum is None else f"{maximum:g}"
    phrase = _range_phrase("a positive number" if positive else "a number", what, low, high)

    def check(value: object) -> float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(phrase)
        try:
            number = float(value)  # TOML integers have no size limit: 400 digits overflow
        except OverflowError:
            raise Invalid(phrase) from None
        if not math.isfinite(number) or (positive and number <= 0):
            raise Invalid(phrase)
        if not _within(number, minimum, maximum):
            raise Invalid(phrase)
        return number

    return check


def _choice(options: Iterable[str]) -> Checker:
    options = tuple(options)

    def check(value: object) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise Invalid("must be one of " + ", ".join(f'"{o}"' for o in options))

    return check


USER_AGENT_MAX = 256
"""Characters in ``poll.user_agent``: a header, not a document."""


def _user_agent(value: object) -> str:
    """A header value: printable ASCII on one line (CR/LF would inject headers)."""
    if not isinstance(value, str):
        raise Invalid("must be a string")
    if len(value) > USER_AGENT_MAX or not all(" " <= c <= "~" for c in value):
        raise Invalid(
            f"must be printable ASCII on one line, at most {USER_AGENT_MAX} characters "
            "(an HTTP header allows nothing else)",
            show_value=value.isprintable() and len(value) <= USER_AGENT_MAX,
        )
    return value.strip()


# Upper bounds keep every value usable later: a 400-digit interval passed the
# check and then overflowed each time a feed was scheduled or listed.
YEAR_MINUTES = 366 * 24 * 60
DAY_SECONDS = 24 * 3600


def _format(value: object) -> Format:
    return Format(_choice(FORMATS)(value))


def string_list(value: object) -> tuple[str, ...]:
    """An array of strings (a single string is accepted: ``keywords = "chip"``)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise Invalid("must be an array of strings")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise Invalid(
                f"must be an array of strings (item {number} is {show(item)})", show_value=False
            )
    return tuple(v for v in items if v.strip())


def _http_url(value: object) -> str:
    if isinstance(value, str):
        url = value.strip()
        if is_http_url(url):
            return url
    raise Invalid("must be an http(s) URL")


FEED_KEYS: dict[str, Checker] = {
    "url": _http_url,
    "name": _string,
    "section": _string,
    "interval": _integer(1, YEAR_MINUTES, what="minutes"),
    "priority": _integer(-1000, 1000),
    "full_text": _boolean,
}

SECTION_KEYS: dict[str, Checker] = {
    "name": _nonempty_string,
    "feeds": string_list,
    "categories": string_list,
    "keywords": string_list,
    "patterns": string_list,
    "authors": string_list,
    "limit": _integer(1, 100_000),
    "override": _boolean,
}

POLL_KEYS: dict[str, Checker] = {
    "concurrency": _integer(1, 256),
    "per_host": _integer(1, 64),
    "timeout": _number(maximum=3600, positive=True, what="seconds"),
    "connect_timeout": _number(maximum=600, positive=True, what="seconds"),
    "max_bytes": _integer(1024, 1 << 30, what="bytes"),
    "max_redirects": _integer(0, 30),
    "default_interval": _integer(1, YEAR_MINUTES, what="minutes"),
    "max_retry_after": _integer(0, 30 * DAY_SECONDS, what="seconds"),
    "user_agent": _user_agent,
    "allow_private_redirects": _boolean,
}

UI_KEYS: dict[str, Checker] = {
    "theme": _nonempty_string,
    "mark_read": _choice(MARK_READ_MODES),
    "mark_read_delay": _number(minimum=0, maximum=3600, what="seconds"),
    "wide_layout_min_width": _integer(40, 1000),
}

BRIEF_KEYS: dict[str, Checker] = {
    "key_stories": _integer(0, 50),
    "cluster_window_hours": _number(maximum=24 * 366, positive=True, what="hours"),
    "title_similarity": _number(0, 1),
    "title": _string,
    "first_edition_hours": _number(minimum=1, maximum=24 * 365, what="hours"),
}

EXPORT_KEYS: dict[str, Checker] = {
    "format": _format,
    "clipboard": _choice(CLIPBOARD_MODES),
}


# Words people reach for that spelling similarity cannot find.
_ALIASES = {
    "colour": "theme",
    "color": "theme",
    "colours": "theme",
    "colors": "theme",
    "colorscheme": "theme",
    "style": "theme",
    "keys": "keymap",
    "bindings": "keymap",
    "keybindings": "keymap",
    "keybinds": "keymap",
    "urls": "feeds",
    "subscriptions": "feeds",
    "open_with": "browser",
    "browser_command": "browser",
    "workers": "concurrency",
    "parallel": "concurrency",
    "refresh_interval": "default_interval",
    "reload_time": "default_interval",
    "useragent": "user_agent",
    "tags": "categories",
    "regex": "patterns",
    "regexes": "patterns",
    "max_items": "limit",
}


@dataclass(slots=True)
class Ctx:
    """Where we are (the file name that prefixes every message) and what is wrong so far."""

    label: str
    errors: list[str] = field(default_factory=list)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Record a :class:`ConfigError` raised inside and carry on with the next part."""
        try:
            yield
        except ConfigError as exc:
            self.errors.append(str(exc))

    def report(self, error: ConfigError) -> None:
        """Record one problem without stopping."""
        self.errors.append(str(error))

    def raise_errors(self) -> None:
        """Raise one :class:`ConfigError` listing every problem recorded, one per line."""
        if self.errors:
            raise ConfigError("\n".join(dict.fromkeys(self.errors)))

    def fail(self, message: str) -> ConfigError:
        """A :class:`ConfigError` for this file."""
        return ConfigError(f"{self.label}: {message}")

    def invalid(self, key: str, value: object, problem: Invalid) -> ConfigError:
        """``key`` has a value that does not fit."""
        got = f" (got {show(value)})" if problem.show_value else ""
        return self.fail(f"{key} {problem.expected}{got}")

    def unknown(self, key: str, known: Iterable[str], prefix: str = "") -> ConfigError:
        """``key`` is not a key here; suggests the nearest known one."""
        full = prefix + key
        known = list(known)
        alias = _ALIASES.get(key.lower().replace("-", "_"))
        close = [alias] if alias in known else []
        close = close or difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
        return self.fail(f"unknown key {full}{hint}")


def check_table(ctx: Ctx, table: object, spec: dict[str, Checker], prefix: str) -> dict[str, Any]:
    """Validate one TOML table against ``spec``; returns the values that are valid.

    Every bad or unknown key is recorded in ``ctx`` (not raised), so one
    check reports them all; a value that is no table at all raises.
    """
    if not isinstance(table, dict):
        raise ctx.fail(f"{prefix.rstrip('.')} must be a table (got {show(table)})")
    out: dict[str, Any] = {}
    for key, value in table.items():
        checker = spec.get(key)
        if checker is None:
            ctx.report(ctx.unknown(key, spec, prefix))
            continue
        try:
            out[key] = checker(value)
        except Invalid as problem:
            ctx.report(ctx.invalid(prefix + key, value, problem))
    return out


def config_warnings(config: Config) -> list[str]:
    """Things that are valid but probably not what the user meant (for ``config check``)."""
    warnings: list[str] = []
    known = {f.url.casefold() for f in config.feeds} | {
        f.name.casefold() for f in config.feeds if f.name
    }
    for number, section in enumerate(config.sections, start=1):
        for ref in section.feeds:
            if ref.casefold() not in known:
                warnings.append(
                    f'sections[{number}] ("{section.name}") lists feed "{ref}", which is no '
                    "feed's name or URL here; it can still match a feed's own title"
                )
        if not (
            section.feeds
            or section.categories
            or section.keywords
            or section.patterns
            or section.authors
        ) and not any(f.section.casefold() == section.name.casefold() for f in config.feeds):
            warnings.append(
                f'sections[{number}] ("{section.name}") has no rules and no feed names it, '
                "so it stays empty"
            )
    from briefterm.links import browser_shell_warnings  # links needs no config: no cycle

    return warnings + browser_shell_warnings(config.browser)
