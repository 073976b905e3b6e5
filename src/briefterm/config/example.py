"""The annotated example configuration and ``briefterm config init``.

The example is package data, ``briefterm/config/example.toml``, read through
:mod:`importlib.resources`, so it is found the same way in a wheel, a zip
and an editable install. (The repository's top-level ``config.example.toml``,
which the README links to, is a symlink to that file, not the other way
round: packaging never depends on a link.)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from briefterm.errors import ConfigError
from briefterm.fsutil import atomic_write_text

EXAMPLE_RESOURCE = "example.toml"
"""The example's file name inside the ``briefterm.config`` package."""


def example_config_text() -> str:
    """The annotated example configuration, which documents every key."""
    try:
        example = resources.files("briefterm.config").joinpath(EXAMPLE_RESOURCE)
        return example.read_text(encoding="utf-8")
    except OSError:  # pragma: no cover - a broken install without its package data
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
