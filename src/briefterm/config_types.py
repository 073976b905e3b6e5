"""TEMPORARY re-export of :mod:`briefterm.config.types` for code not yet moved.

The configuration dataclasses now live in ``briefterm/config/types.py``;
import them from :mod:`briefterm.config`. This shim goes away once every
import has been switched (issue 9).
"""

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

__all__ = [
    "MARK_READ_MODES",
    "MIB",
    "BriefConfig",
    "Config",
    "ExportConfig",
    "FeedConfig",
    "MarkRead",
    "PollConfig",
    "SectionConfig",
    "UIConfig",
]
