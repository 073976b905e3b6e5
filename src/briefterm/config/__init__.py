"""Load ``config.toml`` (+ the managed ``subscriptions.toml``) into frozen dataclasses.

Two files make up the configuration:

* ``config.toml`` is the user's, hand-written, with comments. briefterm
  never writes it (except ``briefterm config init``, which creates it).
* ``subscriptions.toml`` beside it is managed by briefterm (``add``,
  ``remove``, ``import-opml``); it holds only ``[[feeds]]``. It is rewritten
  atomically, so comments in ``config.toml`` survive every subscription change.

Feeds from both files are merged; on a duplicate URL the ``config.toml``
entry wins. A file is checked whole: :class:`ConfigError` lists every
problem, one per line, each naming the file, the key path and what was
expected, e.g. ``config.toml: poll.timeout must be a number of seconds (got "fast")``.
Array-of-tables indexes in messages count from 1 (``feeds[3]`` is the third
``[[feeds]]`` block), as a person reading the file counts them.

``types.py`` holds the dataclasses, ``_checks.py`` the value checkers,
``_load.py`` reading and merging, ``subscriptions.py`` the managed file and
``example.py`` the annotated example.
"""

from __future__ import annotations

from briefterm.config._checks import config_warnings, show
from briefterm.config._load import load_config, reload_config, resolve_path
from briefterm.config.example import example_config_text, init_config
from briefterm.config.subscriptions import (
    SUBSCRIPTIONS_HEADER,
    add_subscription,
    add_subscriptions,
    remove_subscription,
    update_subscription,
)
from briefterm.config.types import (
    MARK_READ_MODES,
    MIB,
    BriefConfig,
    Config,
    ExportConfig,
    FeedConfig,
    MarkRead,
    PollConfig,
    SectionConfig,
    UIConfig,
)
from briefterm.errors import ConfigError

__all__ = [
    "MARK_READ_MODES",
    "MIB",
    "SUBSCRIPTIONS_HEADER",
    "BriefConfig",
    "Config",
    "ConfigError",
    "ExportConfig",
    "FeedConfig",
    "MarkRead",
    "PollConfig",
    "SectionConfig",
    "UIConfig",
    "add_subscription",
    "add_subscriptions",
    "config_warnings",
    "example_config_text",
    "init_config",
    "load_config",
    "reload_config",
    "remove_subscription",
    "resolve_path",
    "show",
    "update_subscription",
]
