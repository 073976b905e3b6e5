"""``briefterm config path``, ``init`` and ``check``."""

from __future__ import annotations

import argparse

from briefterm import paths
from briefterm.cli._common import config_file, load
from briefterm.cli._output import err, fail, out
from briefterm.config import config_warnings, init_config
from briefterm.wording import counted


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
    """``briefterm config init [--force]``: write the commented template.

    Every setting in it is a comment, so until it is edited briefterm runs
    on its defaults: no feed is contacted and no section rule applies.
    """
    written = init_config(config_file(args), force=args.force)
    out(f"wrote {written}: a commented template, every setting off until you uncomment it")
    out("subscribe with `briefterm add URL` or `briefterm import-opml FILE`, then `briefterm poll`")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    """``briefterm config check``: validate and summarise; every problem, not only the first.

    File problems (syntax, values, unknown keys) come from loading; then the
    reader's own tables are asked about the theme and the key bindings.
    """
    config = load(args)
    where = str(config.path) if config.path else "no config file, defaults in use"
    from briefterm.tui.config_check import reader_problems  # the reader's tables, asked lazily

    problems = reader_problems(config.ui.theme, config.keymap)
    if problems:
        prefix = f"{config.path}: " if config.path else ""
        return fail("\n".join(prefix + problem for problem in problems), 2)
    for warning in config_warnings(config):
        err(f"briefterm: warning: {warning}")
    feeds, sections = counted(len(config.feeds), "feed"), counted(len(config.sections), "section")
    out(f"ok: {feeds}, {sections} ({where})")
    return 0
