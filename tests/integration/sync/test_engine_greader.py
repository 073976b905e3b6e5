"""The sync engine against the Google Reader conformance server, in every flavour.

FreshRSS and Miniflux, and the hosted services' differences: Inoreader's
AppId/AppKey headers and The Old Reader's 24-hex item ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from briefterm.store import Store
from tests.integration.sync import _scenarios as scenarios
from tests.support.greader_server import FLAVOURS, Flavour, GReaderServer
from tests.support.sync_drivers import GReaderDriver


@pytest.fixture(params=FLAVOURS)
def driver(request: pytest.FixtureRequest) -> Iterator[GReaderDriver]:
    flavour: Flavour = request.param
    with GReaderServer(flavour) as server:
        yield GReaderDriver(server)


SCENARIOS: list[Callable[[GReaderDriver, Store, str], object]] = [
    scenarios.first_sync_brings_feeds_entries_and_flags,
    scenarios.local_marks_go_up,
    scenarios.new_items_arrive_without_reverting_flags,
    scenarios.server_down_then_back,
    scenarios.wrong_password_is_one_sentence,
    scenarios.conflicts_follow_the_rule,
    scenarios.retention_keeps_local_flags,
    scenarios.changes_elsewhere_come_down,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario(
    scenario: Callable[[GReaderDriver, Store, str], object], driver: GReaderDriver, store: Store
) -> None:
    scenario(driver, store, "g")


def test_miniflux_without_counters_reconciles_fully_and_freshrss_lists_starred(
    driver: GReaderDriver, store: Store
) -> None:
    report = scenarios.changes_elsewhere_come_down(driver, store, "q")
    assert report.full is (driver.server.flavour == "miniflux")
    assert not report.quick  # FreshRSS has no starred total, so starred ids are listed
