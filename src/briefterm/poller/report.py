"""What a poll returns: one :class:`FeedResult` per feed and their totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, overload

Status = Literal["ok", "not_modified", "error", "skipped"]


@dataclass(slots=True)
class FeedResult:
    """The outcome of one feed in a poll."""

    url: str
    name: str
    status: Status
    new: int = 0
    updated: int = 0
    error: str | None = None
    http_status: int | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """What parsing read differently or cut (ParsedFeed.warnings), for the summary."""


class _Total:
    """A read-only total over a report's results: ``sum(of(result))``."""

    def __init__(self, of: Callable[[FeedResult], int]) -> None:
        self._of = of

    @overload
    def __get__(self, report: None, owner: type[PollReport]) -> _Total: ...
    @overload
    def __get__(self, report: PollReport, owner: type[PollReport]) -> int: ...
    def __get__(self, report: PollReport | None, owner: type[PollReport]) -> _Total | int:
        if report is None:
            return self
        return sum(self._of(result) for result in report.results)


def _status_is(status: Status) -> Callable[[FeedResult], int]:
    return lambda result: result.status == status


@dataclass(slots=True)
class PollReport:
    """Every feed's outcome plus totals; nothing in here was raised."""

    results: list[FeedResult] = field(default_factory=list)
    seconds: float = 0.0
    parsed_in_processes: int = 0
    """Feeds parsed in worker processes rather than in this process."""

    ok = _Total(_status_is("ok"))
    """Feeds fetched and stored."""
    not_modified = _Total(_status_is("not_modified"))
    """Feeds that answered 304."""
    errors = _Total(_status_is("error"))
    """Feeds that failed."""
    skipped = _Total(_status_is("skipped"))
    """Feeds not due (or gone)."""
    new = _Total(lambda result: result.new)
    """New entries across all feeds."""
    updated = _Total(lambda result: result.updated)
    """Entries whose feed data changed."""

    @property
    def failed(self) -> list[FeedResult]:
        """The results with an error."""
        return [r for r in self.results if r.status == "error"]
