"""``briefterm config path``, ``init`` and ``check``."""

from __future__ import annotations

import argparse

from briefterm import paths
from briefterm.cli._common import config_file, load
from briefterm.cli._output import err, out
from briefterm.config import config_warnings, init_config


def cmd_config_path(args: argparse.Namespace) -> int:
    """``briefterm config path``: where briefterm keeps its files."""
    path = config_file(args)
    state = "" if path.exists() else "  (not created yet: defaults in use)"
    out(f"config         {path}{state}")
    out(f"subscriptions  {paths.subscriptions_path(path)}")
    out(f"data           {paths.data_dir()}")
    out(f"database       {paths.database_path()}")
    out(f"cache          {paths.cache_dir()}")
    return 0


def cmd_config_init(args: argparse.Namespace) -> int:
    """``briefterm config init [--force]``: write the annotated example config."""
    written = init_config(config_file(args), force=args.force)
    out(f"wrote {written}; edit it, then run `briefterm config check`")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    """``briefterm config check``: validate and summarise."""
    config = load(args)
    for warning in config_warnings(config):
        err(f"briefterm: warning: {warning}")
    where = str(config.path) if config.path else "no config file, defaults in use"
    out(f"ok: {len(config.feeds)} feeds, {len(config.sections)} sections ({where})")
    return 0
