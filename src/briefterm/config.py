"""Load ``config.toml`` (+ the managed ``subscriptions.toml``) into frozen dataclasses.

Two files make up the configuration:

* ``config.toml`` is the user's, hand-written, with comments. briefterm
  never writes it (except ``briefterm config init``, which creates it).
* ``subscriptions.toml`` beside it is managed by briefterm (``add``,
  ``remove``, ``import-opml``); it holds only ``[[feeds]]``. It is rewritten
  atomically, so comments in ``config.toml`` survive every subscription change.

Feeds from both files are merged; on a duplicate URL the ``config.toml``
entry wins. Every validation problem raises :class:`ConfigError` with one
message that names the file, the key path and what was expected, e.g.
``config.toml: poll.timeout must be a number of seconds (got "fast")``.
Array-of-tables indexes in messages count from 1 (``feeds[3]`` is the third
``[[feeds]]`` block), as a person reading the file counts them.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from briefterm import paths
from briefterm.config_types import (
    BriefConfig,
    Config,
    ExportConfig,
    FeedConfig,
    PollConfig,
    SectionConfig,
    UIConfig,
)
from briefterm.errors import ConfigError
from briefterm.fsutil import atomic_write_text
from briefterm.urls import is_http_url

SUBSCRIPTIONS_HEADER = (
    "# Managed by briefterm (`briefterm add`, `remove`, `import-opml`).\n"
    "# Hand-written feeds, sections and settings belong in config.toml beside this file;\n"
    "# this file is rewritten whenever a subscription changes, so comments here are lost.\n\n"
)

MARK_READ_MODES = ("never", "on-open", "after")
EXPORT_FORMATS = ("md", "text", "links", "json")
CLIPBOARD_MODES = ("auto", "osc52", "native")
_MAX_CONFIG_BYTES = 8 * 1024 * 1024  # a config bigger than this is a mistake, not a config


# -- value checkers ------------------------------------------------------------
# Each checker takes the raw TOML value and returns the converted value, or
# raises _Invalid with the "must be ..." phrase; the caller adds file and key.


class _Invalid(Exception):
    def __init__(self, expected: str, show_value: bool = True) -> None:
        super().__init__(expected)
        self.expected = expected
        self.show_value = show_value


def _show(value: object) -> str:
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
    return str(value)


Checker = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    return value


def _nonempty_string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("must be a non-empty string")
    return value.strip()


def _integer(minimum: int | None = None, maximum: int | None = None, what: str = "") -> Checker:
    def check(value: Any) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            return value
        phrase = "a whole number" + (f" of {what}" if what else "")
        if minimum is not None and maximum is not None:
            phrase += f" from {minimum} to {maximum}"
        elif minimum is not None:
            phrase += f" of at least {minimum}"
        raise _Invalid("must be " + phrase)

    return check


def _number(
    minimum: float | None = None,
    maximum: float | None = None,
    what: str = "",
    positive: bool = False,
) -> Checker:
    def check(value: Any) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            number = float(value)
            if (
                number == number  # not NaN
                and (not positive or number > 0)
                and (minimum is None or number >= minimum)
                and (maximum is None or number <= maximum)
            ):
                return number
        phrase = ("a positive number" if positive else "a number") + (f" of {what}" if what else "")
        if minimum is not None and maximum is not None:
            phrase += f" from {minimum:g} to {maximum:g}"
        elif minimum is not None:
            phrase += f" of at least {minimum:g}"
        raise _Invalid("must be " + phrase)

    return check


def _choice(options: tuple[str, ...]) -> Checker:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise _Invalid("must be one of " + ", ".join(f'"{o}"' for o in options))

    return check


def _string_list(value: Any) -> tuple[str, ...]:
    # A single string is accepted for convenience: keywords = "chip".
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _Invalid("must be an array of strings")
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise _Invalid(
                f"must be an array of strings (item {number} is {_show(item)})", show_value=False
            )
    return tuple(v for v in value if v.strip())


def _http_url(value: Any) -> str:
    if isinstance(value, str):
        url = value.strip()
        if is_http_url(url):
            return url
    raise _Invalid("must be an http(s) URL")


def _optional_interval(value: Any) -> int:
    return _integer(1, what="minutes")(value)


_FEED_KEYS: dict[str, Checker] = {
    "url": _http_url,
    "name": _string,
    "section": _string,
    "interval": _optional_interval,
    "priority": _integer(),
}

_SECTION_KEYS: dict[str, Checker] = {
    "name": _nonempty_string,
    "feeds": _string_list,
    "categories": _string_list,
    "keywords": _string_list,
    "patterns": _string_list,
    "authors": _string_list,
    "limit": _integer(1),
}

_POLL_KEYS: dict[str, Checker] = {
    "concurrency": _integer(1, 256),
    "per_host": _integer(1, 64),
    "timeout": _number(positive=True, what="seconds"),
    "connect_timeout": _number(positive=True, what="seconds"),
    "max_bytes": _integer(1024, what="bytes"),
    "max_redirects": _integer(0, 30),
    "default_interval": _integer(1, what="minutes"),
    "max_retry_after": _integer(0, what="seconds"),
    "user_agent": _string,
}

_UI_KEYS: dict[str, Checker] = {
    "theme": _nonempty_string,
    "mark_read": _choice(MARK_READ_MODES),
    "mark_read_delay": _number(minimum=0, what="seconds"),
    "wide_layout_min_width": _integer(40, 1000),
}

_BRIEF_KEYS: dict[str, Checker] = {
    "key_stories": _integer(0, 50),
    "cluster_window_hours": _number(positive=True, what="hours"),
    "title_similarity": _number(0, 1),
    "title": _string,
}

_EXPORT_KEYS: dict[str, Checker] = {
    "format": _choice(EXPORT_FORMATS),
    "clipboard": _choice(CLIPBOARD_MODES),
}

# The seconds-valued keys read better with "of seconds" than with the generic
# phrase; the checkers above carry that via ``what``.

_TOP_KEYS = ("feeds", "sections", "poll", "ui", "brief", "export", "keymap", "browser")
_TABLES: dict[str, tuple[dict[str, Checker], type]] = {
    "poll": (_POLL_KEYS, PollConfig),
    "ui": (_UI_KEYS, UIConfig),
    "brief": (_BRIEF_KEYS, BriefConfig),
    "export": (_EXPORT_KEYS, ExportConfig),
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


# -- the loader -------------------------------------------------------------------


@dataclass(slots=True)
class _Ctx:
    """Where we are: the file name used as the prefix of every message."""

    label: str

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.label}: {message}")

    def invalid(self, key: str, value: object, problem: _Invalid) -> ConfigError:
        got = f" (got {_show(value)})" if problem.show_value else ""
        return self.fail(f"{key} {problem.expected}{got}")

    def unknown(self, key: str, known: Iterable[str], prefix: str = "") -> ConfigError:
        full = prefix + key
        known = list(known)
        alias = _ALIASES.get(key.lower().replace("-", "_"))
        close = [alias] if alias in known else []
        close = close or difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
        return self.fail(f"unknown key {full}{hint}")


def _check_table(ctx: _Ctx, table: Any, spec: dict[str, Checker], prefix: str) -> dict[str, Any]:
    """Validate one TOML table against ``spec``; returns converted values."""
    if not isinstance(table, dict):
        raise ctx.fail(f"{prefix.rstrip('.')} must be a table (got {_show(table)})")
    out: dict[str, Any] = {}
    for key, value in table.items():
        checker = spec.get(key)
        if checker is None:
            raise ctx.unknown(key, spec, prefix)
        try:
            out[key] = checker(value)
        except _Invalid as problem:
            raise ctx.invalid(prefix + key, value, problem) from None
    return out


def _feeds(ctx: _Ctx, raw: Any) -> list[FeedConfig]:
    if not isinstance(raw, list):
        raise ctx.fail("feeds must be an array of tables ([[feeds]] blocks)")
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        prefix = f"feeds[{number}]."
        values = _check_table(ctx, item, _FEED_KEYS, prefix)
        if "url" not in values:
            raise ctx.fail(f'feeds[{number}] has no url (every [[feeds]] needs url = "...")')
        url = values["url"]
        if url in seen:
            raise ctx.fail(f"feeds[{number}].url repeats feeds[{seen[url]}] ({url})")
        seen[url] = number
        feeds.append(FeedConfig(**values))
    return feeds


def _sections(ctx: _Ctx, raw: Any) -> list[SectionConfig]:
    if not isinstance(raw, list):
        raise ctx.fail("sections must be an array of tables ([[sections]] blocks)")
    sections: list[SectionConfig] = []
    names: set[str] = set()
    for number, item in enumerate(raw, start=1):
        prefix = f"sections[{number}]."
        values = _check_table(ctx, item, _SECTION_KEYS, prefix)
        name = values.get("name")
        if not name:
            raise ctx.fail(
                f'sections[{number}] has no name (every [[sections]] needs name = "...")'
            )
        if name.casefold() in names:
            raise ctx.fail(f'sections[{number}].name repeats the section "{name}"')
        names.add(name.casefold())
        for pattern in values.get("patterns", ()):
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise ctx.fail(
                    f'sections[{number}] ("{name}") pattern {_show(pattern)} is not a valid '
                    f"regular expression: {exc}"
                ) from None
        sections.append(SectionConfig(**values))
    return sections


def _keymap(ctx: _Ctx, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ctx.fail(f'keymap must be a table of action = "keys" (got {_show(raw)})')
    keymap: dict[str, str] = {}
    for action, keys in raw.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)  # keys = ["j", "down"] reads naturally too
        if not isinstance(keys, str) or not keys.strip():
            raise ctx.fail(
                f'keymap.{action} must be a string of comma-separated keys, e.g. "j,down" '
                f"(got {_show(keys)})"
            )
        keymap[action] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap


def _browser(ctx: _Ctx, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ctx.fail(
            f'browser must be a command string such as "firefox {{url}}" (got {_show(raw)})'
        )
    if not raw.strip():
        return ""
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise ctx.fail(f"browser is not a valid command line ({exc}): {_show(raw)}") from None
    if not argv:
        return ""
    if "{url}" in argv[0]:
        raise ctx.fail(f"browser must start with a program name, not {{url}} (got {_show(raw)})")
    return raw


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    ctx = _Ctx(label)
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_CONFIG_BYTES + 1)
    except IsADirectoryError:
        raise ctx.fail("is a directory, not a TOML file") from None
    except OSError as exc:
        raise ctx.fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > _MAX_CONFIG_BYTES:
        raise ctx.fail("is larger than 8 MiB; that is not a config file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ctx.fail(f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message already carries "(at line L, column C)".
        raise ctx.fail(f"invalid TOML: {exc}") from None


def _parse_config(doc: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
    """Validate a config.toml document into keyword arguments for :class:`Config`."""
    kwargs: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "feeds":
            kwargs["feeds"] = _feeds(ctx, value)
        elif key == "sections":
            kwargs["sections"] = tuple(_sections(ctx, value))
        elif key in _TABLES:
            spec, cls = _TABLES[key]
            kwargs[key] = cls(**_check_table(ctx, value, spec, key + "."))
        elif key == "keymap":
            kwargs["keymap"] = _keymap(ctx, value)
        elif key == "browser":
            kwargs["browser"] = _browser(ctx, value)
        else:
            raise ctx.unknown(key, _TOP_KEYS)
    return kwargs


def _parse_subscriptions(path: Path) -> list[FeedConfig]:
    """Feeds from the managed subscriptions file ([] if it does not exist)."""
    if not path.exists():
        return []
    label = str(path)
    ctx = _Ctx(label)
    doc = _read_toml(path, label)
    for key in doc:
        if key != "feeds":
            raise ctx.fail(
                f"unknown key {key} (this file only holds [[feeds]]; settings go in config.toml)"
            )
    return _feeds(ctx, doc.get("feeds", []))


def _merge_feeds(own: list[FeedConfig], managed: list[FeedConfig]) -> tuple[FeedConfig, ...]:
    """config.toml feeds first; managed feeds whose URL is not already there after them."""
    urls = {feed.url for feed in own}
    return tuple(own + [feed for feed in managed if feed.url not in urls])


def resolve_path(path: Path | str | None = None) -> tuple[Path, bool]:
    """The config file to use and whether it was named explicitly (flag or env)."""
    explicit = bool(path) or bool(os.environ.get(paths.CONFIG_ENV))
    return paths.config_path(path), explicit


def load_config(path: Path | None = None) -> Config:
    """Load and validate the configuration.

    ``path`` is ``--config``; without it ``$BRIEFTERM_CONFIG`` or the
    platformdirs default is used. A missing default file gives the defaults
    (plus any managed subscriptions); a missing file that was named
    explicitly is an error. Raises :class:`ConfigError` with a one-line,
    user-facing message for every problem.
    """
    config_file, explicit = resolve_path(path)
    kwargs: dict[str, Any] = {}
    if config_file.exists():
        label = str(config_file)
        kwargs = _parse_config(_read_toml(config_file, label), _Ctx(label))
        kwargs["path"] = config_file
    elif explicit:
        raise ConfigError(
            f"{config_file}: no such config file; create it with "
            f"`briefterm --config {shlex.quote(str(config_file))} config init`"
        )
    managed = _parse_subscriptions(paths.subscriptions_path(config_file))
    kwargs["feeds"] = _merge_feeds(kwargs.get("feeds", []), managed)
    return Config(**kwargs)


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
    return warnings


# -- managed subscriptions ----------------------------------------------------------


def _feed_to_toml(feed: FeedConfig) -> dict[str, Any]:
    """Only the non-default fields, so the managed file stays short and readable."""
    out: dict[str, Any] = {}
    for f in fields(FeedConfig):
        value = getattr(feed, f.name)
        if f.name == "url" or value != f.default:
            out[f.name] = value
    return out


def _write_subscriptions(path: Path, feeds: list[FeedConfig]) -> None:
    import tomli_w  # only needed when writing

    body = tomli_w.dumps({"feeds": [_feed_to_toml(feed) for feed in feeds]}) if feeds else ""
    atomic_write_text(path, SUBSCRIPTIONS_HEADER + body)


def _own_feed_urls(config_file: Path) -> set[str]:
    """URLs of the feeds written by hand in config.toml."""
    if not config_file.exists():
        return set()
    label = str(config_file)
    doc = _read_toml(config_file, label)
    return {feed.url for feed in _feeds(_Ctx(label), doc.get("feeds", []))}


def add_subscriptions(config_file: Path, feeds: Iterable[FeedConfig]) -> list[FeedConfig]:
    """Add feeds to ``subscriptions.toml`` beside ``config_file``; one atomic write.

    Feeds already subscribed (in either file) or repeated in ``feeds`` are
    left out. Returns the feeds actually added, in order.
    """
    subs_file = paths.subscriptions_path(config_file)
    existing = _parse_subscriptions(subs_file)
    known = _own_feed_urls(config_file) | {feed.url for feed in existing}
    added: list[FeedConfig] = []
    for feed in feeds:
        if not is_http_url(feed.url):
            raise ConfigError(f"{feed.url!r} is not an http(s) URL; only web feeds can be added")
        if feed.url in known:
            continue
        known.add(feed.url)
        added.append(feed)
    if added:
        _write_subscriptions(subs_file, existing + added)
    return added


def add_subscription(config_file: Path, feed: FeedConfig) -> bool:
    """Subscribe to one feed (written to ``subscriptions.toml``); False if already there."""
    return bool(add_subscriptions(config_file, [feed]))


def remove_subscription(config_file: Path, url: str) -> bool:
    """Unsubscribe ``url`` from ``subscriptions.toml``; False if it was not subscribed.

    A feed written in ``config.toml`` is never edited by briefterm: that raises
    :class:`ConfigError` telling the user to remove it there.
    """
    # Checked first: a feed also copied into config.toml stays subscribed
    # whatever happens to subscriptions.toml, so nothing may be removed (the
    # caller would drop its cached entries and their read/starred state).
    if url in _own_feed_urls(config_file):
        raise ConfigError(
            f"{url} is defined in {config_file}; remove its [[feeds]] block there "
            "(briefterm does not edit your config.toml)"
        )
    subs_file = paths.subscriptions_path(config_file)
    existing = _parse_subscriptions(subs_file)
    remaining = [feed for feed in existing if feed.url != url]
    if len(remaining) != len(existing):
        _write_subscriptions(subs_file, remaining)
        return True
    return False


# -- example config --------------------------------------------------------------


def example_config_text() -> str:
    """The annotated example configuration (``config.example.toml``).

    Looked up as package data first (for installed wheels) and then at the
    top of the source tree (editable installs and checkouts).
    """
    from importlib import resources

    try:
        packaged = resources.files("briefterm").joinpath("config.example.toml")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):  # pragma: no cover - unusual installs
        pass
    source_tree = Path(__file__).resolve().parents[2] / "config.example.toml"
    try:
        return source_tree.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(
            "the example configuration is not installed with this copy of briefterm; "
            "write config.toml by hand (see the README)"
        ) from None


def init_config(config_file: Path, *, force: bool = False) -> Path:
    """Write the example configuration to ``config_file``.

    Refuses to overwrite an existing file unless ``force`` is set.
    """
    if config_file.exists() and not force:
        raise ConfigError(
            f"{config_file} already exists; use `briefterm config init --force` to overwrite it"
        )
    try:
        atomic_write_text(config_file, example_config_text())
    except OSError as exc:
        raise ConfigError(f"{config_file}: cannot write the file: {exc.strerror or exc}") from None
    return config_file
