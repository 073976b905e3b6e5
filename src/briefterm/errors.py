"""The one exception hierarchy of briefterm.

Every error a user may see derives from :class:`BrieftermError`: the CLI
prints ``briefterm: <message>`` and exits with :attr:`BrieftermError.exit_code`,
never with a traceback, so messages are one clear sentence that says what
went wrong and what to do. Errors that are also a standard kind of failure
mix in the builtin (``FeedParseError`` is a ``ValueError``), so callers that
only know the builtin still catch them.
"""

from __future__ import annotations


class BrieftermError(Exception):
    """An error with a user-facing message (no traceback is shown)."""

    exit_code: int = 1
    """Process exit status the CLI uses for this error."""


class UsageError(BrieftermError):
    """The command line or an argument was wrong (exit status 2)."""

    exit_code = 2


class ConfigError(BrieftermError):
    """The configuration is invalid; the message names file, key and expectation."""

    exit_code = 2


class StoreError(BrieftermError, RuntimeError):
    """The cache cannot be opened or used; the message says what to do."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer briefterm."""


class FeedParseError(BrieftermError, ValueError):
    """The document is not a usable feed; ``str(err)`` is a one-line user message."""


class UnsafeFeedError(FeedParseError):
    """The document declares XML entities (entity bomb / XXE protection)."""


class OpmlError(BrieftermError):
    """The OPML file cannot be read; the message says why."""


class BrowserError(BrieftermError):
    """A link cannot be opened; the message is one sentence for the user."""


class SyncError(BrieftermError):
    """An aggregator (tt-rss, a Google Reader API server) cannot be synced with.

    ``str(err)`` is one sentence for the user; ``reason`` is one word a caller
    can act on: ``unreachable`` (also timeouts; try again later), ``login``
    (wrong user or password), ``disabled`` (the API is off for this account),
    ``refused`` (the server declined one request, such as a subscription), or
    ``reply`` (the server answered something that is not the protocol).
    """

    def __init__(self, message: str, reason: str = "reply") -> None:
        super().__init__(message)
        self.reason = reason
