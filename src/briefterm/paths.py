"""Where briefterm keeps its files, from platformdirs (so XDG_* is honoured)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "briefterm"
CONFIG_ENV = "BRIEFTERM_CONFIG"


def config_dir() -> Path:
    """Directory of ``config.toml`` and the managed ``subscriptions.toml``."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Directory of the SQLite cache (it is user data: read/starred flags)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Directory for disposable files."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The config file: ``--config``, else ``$BRIEFTERM_CONFIG``, else the default."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def subscriptions_path(config_file: Path) -> Path:
    """The managed subscriptions file that lives beside the config file."""
    return config_file.with_name("subscriptions.toml")


def database_path() -> Path:
    """The SQLite cache file."""
    return data_dir() / "cache.sqlite3"
