"""Base class for errors whose message is shown to the user as is.

The CLI prints ``briefterm: <message>`` for any :class:`BrieftermError` and
exits without a traceback, so messages must be one clear sentence that says
what went wrong and what to do.
"""

from __future__ import annotations


class BrieftermError(Exception):
    """An error with a user-facing message (no traceback is shown)."""

    exit_code: int = 1
    """Process exit status the CLI uses for this error."""


class UsageError(BrieftermError):
    """The command line or an argument was wrong (exit status 2)."""

    exit_code = 2
