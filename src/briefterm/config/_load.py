"""Read config.toml and subscriptions.toml, validate every table, merge the feeds."""

from __future__ import annotations

import os
import shlex
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from briefterm import paths
from briefterm.config._checks import (
    BRIEF_KEYS,
    EXPORT_KEYS,
    FEED_KEYS,
    POLL_KEYS,
    SECTION_KEYS,
    UI_KEYS,
    Checker,
    Ctx,
    check_table,
    show,
)
from briefterm.config.sync import parse_sync
from briefterm.config.types import (
    BriefConfig,
    Config,
    ExportConfig,
    FeedConfig,
    PollConfig,
    SectionConfig,
    UIConfig,
)
from briefterm.errors import ConfigError
from briefterm.userregex import PatternError, compile_one

_MAX_CONFIG_BYTES = 8 * 1024 * 1024  # a config bigger than this is a mistake, not a config

_TOP_KEYS = ("feeds", "sections", "poll", "ui", "brief", "export", "keymap", "browser", "sync")
_TABLES: dict[str, tuple[dict[str, Checker], type]] = {
    "poll": (POLL_KEYS, PollConfig),
    "ui": (UI_KEYS, UIConfig),
    "brief": (BRIEF_KEYS, BriefConfig),
    "export": (EXPORT_KEYS, ExportConfig),
}


def read_toml(path: Path, label: str) -> dict[str, Any]:
    """The TOML document at ``path``; a :class:`ConfigError` naming ``label`` otherwise."""
    ctx = Ctx(label)
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
    except ValueError:
        # Not a TOMLDecodeError: Python refuses to convert integers past 4,300 digits.
        raise ctx.fail("invalid TOML: a number in it is far too long") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        raise ctx.fail("invalid TOML: arrays or tables are nested too deeply") from None


def parse_feeds(ctx: Ctx, raw: object) -> list[FeedConfig]:
    """The ``[[feeds]]`` blocks: each needs a URL, and no URL may repeat.

    Problems are recorded in ``ctx``; a block with one is left out.
    """
    if not isinstance(raw, list):
        raise ctx.fail("feeds must be an array of tables ([[feeds]] blocks)")
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        before = len(ctx.errors)
        with ctx.collect():
            values = check_table(ctx, item, FEED_KEYS, f"feeds[{number}].")
            if "url" not in item:
                raise ctx.fail(f'feeds[{number}] has no url (every [[feeds]] needs url = "...")')
            url = values.get("url")
            if url in seen:
                raise ctx.fail(f"feeds[{number}].url repeats feeds[{seen[url]}] ({url})")
            if url is not None and len(ctx.errors) == before:
                seen[url] = number
                feeds.append(FeedConfig(**values))
    return feeds


def _sections(ctx: Ctx, raw: object) -> list[SectionConfig]:
    if not isinstance(raw, list):
        raise ctx.fail("sections must be an array of tables ([[sections]] blocks)")
    sections: list[SectionConfig] = []
    names: set[str] = set()
    for number, item in enumerate(raw, start=1):
        before = len(ctx.errors)
        with ctx.collect():
            values = check_table(ctx, item, SECTION_KEYS, f"sections[{number}].")
            name = values.get("name")
            if not name:
                if "name" not in item:
                    missing = f"sections[{number}] has no name"
                    ctx.report(ctx.fail(f'{missing} (every [[sections]] needs name = "...")'))
                continue
            if name.casefold() in names:
                raise ctx.fail(f'sections[{number}].name repeats the section "{name}"')
            names.add(name.casefold())
            for pattern in values.get("patterns", ()):
                # Each pattern alone, as the brief compiles them: one bad
                # pattern is reported by itself and cannot hide another.
                try:
                    compile_one(pattern)
                except PatternError as exc:
                    ctx.report(
                        ctx.fail(
                            f'sections[{number}] ("{name}") pattern {show(pattern)} is not a '
                            f"valid regular expression: {exc}"
                        )
                    )
            if len(ctx.errors) == before:
                sections.append(SectionConfig(**values))
    return sections


def _keymap(ctx: Ctx, raw: object) -> MappingProxyType[str, str]:
    if not isinstance(raw, dict):
        raise ctx.fail(f'keymap must be a table of action = "keys" (got {show(raw)})')
    keymap: dict[str, str] = {}
    for action, keys in raw.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)  # keys = ["j", "down"] reads naturally too
        if not isinstance(keys, str) or not keys.strip():
            raise ctx.fail(
                f'keymap.{action} must be a string of comma-separated keys, e.g. "j,down" '
                f"(got {show(keys)})"
            )
        keymap[action] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return MappingProxyType(keymap)


def _browser(ctx: Ctx, raw: object) -> str:
    if not isinstance(raw, str):
        raise ctx.fail(
            f'browser must be a command string such as "firefox {{url}}" (got {show(raw)})'
        )
    if not raw.strip():
        return ""
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise ctx.fail(f"browser is not a valid command line ({exc}): {show(raw)}") from None
    if not argv:
        return ""
    if "{url}" in argv[0]:
        raise ctx.fail(f"browser must start with a program name, not {{url}} (got {show(raw)})")
    return raw


def _parse_config(doc: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    """Validate a config.toml document into keyword arguments for :class:`Config`.

    Every problem is recorded in ``ctx``; the caller raises them together.
    """
    kwargs: dict[str, Any] = {}
    for key, value in doc.items():
        with ctx.collect():
            if key == "feeds":
                kwargs["feeds"] = parse_feeds(ctx, value)
            elif key == "sections":
                kwargs["sections"] = tuple(_sections(ctx, value))
            elif key in _TABLES:
                spec, cls = _TABLES[key]
                kwargs[key] = cls(**check_table(ctx, value, spec, key + "."))
            elif key == "keymap":
                kwargs["keymap"] = _keymap(ctx, value)
            elif key == "browser":
                kwargs["browser"] = _browser(ctx, value)
            elif key == "sync":
                kwargs["sync"] = parse_sync(ctx, value)
            else:
                ctx.report(ctx.unknown(key, _TOP_KEYS))
    return kwargs


def _subscriptions(path: Path, ctx: Ctx) -> list[FeedConfig]:
    """Feeds from the managed file, problems recorded in ``ctx`` ([] if the file is absent)."""
    if not path.exists():
        return []
    doc = read_toml(path, ctx.label)
    for key in doc:
        if key != "feeds":
            ctx.report(
                ctx.fail(
                    f"unknown key {key} (this file only holds [[feeds]]; "
                    "settings go in config.toml)"
                )
            )
    return parse_feeds(ctx, doc.get("feeds", []))


def parse_subscriptions(path: Path) -> list[FeedConfig]:
    """Feeds from the managed subscriptions file ([] if it does not exist)."""
    ctx = Ctx(str(path))
    feeds = _subscriptions(path, ctx)
    ctx.raise_errors()
    return feeds


def own_feed_urls(config_file: Path) -> set[str]:
    """URLs of the feeds written by hand in config.toml."""
    if not config_file.exists():
        return set()
    ctx = Ctx(str(config_file))
    doc = read_toml(config_file, ctx.label)
    feeds = parse_feeds(ctx, doc.get("feeds", []))
    ctx.raise_errors()
    return {feed.url for feed in feeds}


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
    ctx = Ctx(str(config_file))
    if config_file.exists():
        kwargs = _parse_config(read_toml(config_file, ctx.label), ctx)
        kwargs["path"] = config_file
    elif explicit:
        raise ConfigError(
            f"{config_file}: no such config file; create it with "
            f"`briefterm --config {shlex.quote(str(config_file))} config init`"
        )
    subs_file = paths.subscriptions_path(config_file)
    subs_ctx = Ctx(str(subs_file))
    managed: list[FeedConfig] = []
    with subs_ctx.collect():
        managed = _subscriptions(subs_file, subs_ctx)
    Ctx(ctx.label, ctx.errors + subs_ctx.errors).raise_errors()
    kwargs["feeds"] = _merge_feeds(kwargs.get("feeds", []), managed)
    return Config(**kwargs)


def reload_config(config: Config) -> Config:
    """The configuration read again from where ``config`` came from.

    For a reader that must pick up a feed ``briefterm add`` subscribed
    while it was open: the same config file (or, for defaults, the same
    default location) and its managed subscriptions. Raises
    :class:`ConfigError` like :func:`load_config`; the caller keeps the old
    configuration then.
    """
    return load_config(config.path)
