"""The sync engine against a real Tiny Tiny RSS (Debian 21, API level 15).

The same scenarios as against the Google Reader conformance server
(``_scenarios.py``), on one server for the session and one user per test;
articles are fetched by tt-rss from loopback feeds with ``updateFeed``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefterm.store import Store
from tests.integration.sync import _scenarios as scenarios
from tests.support.sync_drivers import TtrssDriver
from tests.support.ttrss import AdminSession, TtrssServer, TtrssUser

pytestmark = pytest.mark.server


@pytest.fixture
def driver(
    ttrss_server: TtrssServer, ttrss_user: TtrssUser, ttrss_admin: AdminSession
) -> TtrssDriver:
    return TtrssDriver(ttrss_server, ttrss_user, ttrss_admin)


SCENARIOS: list[Callable[[TtrssDriver, Store, str], object]] = [
    scenarios.first_sync_brings_feeds_entries_and_flags,
    scenarios.local_marks_go_up,
    scenarios.new_items_arrive_without_reverting_flags,
    scenarios.server_down_then_back,
    scenarios.wrong_password_is_one_sentence,
    scenarios.conflicts_follow_the_rule,
    scenarios.retention_keeps_local_flags,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario(
    scenario: Callable[[TtrssDriver, Store, str], object], driver: TtrssDriver, store: Store
) -> None:
    scenario(driver, store, f"t{driver.user.uid}")


def test_counters_make_a_sync_with_nothing_new_quick(driver: TtrssDriver, store: Store) -> None:
    report = scenarios.changes_elsewhere_come_down(driver, store, f"q{driver.user.uid}")
    assert not report.full and not report.quick  # one feed listed, not all
    again = scenarios.run(store, driver)
    assert again.quick and (again.new, again.from_server, again.pushed) == (0, 0, 0)
    assert set(again.stages) == {"login", "push", "subscriptions", "entries", "state"}


def test_archived_articles_of_a_feed_left_on_the_server_stay(
    driver: TtrssDriver, store: Store
) -> None:
    tag = f"ar{driver.user.uid}"
    titles = [f"{tag} story {k}" for k in range(2)]
    driver.feed(f"{tag}", "Leaving", titles)
    driver.set(titles[0], starred=True)
    scenarios.run(store, driver)
    (feed,) = store.synced_feeds()
    # Unsubscribed elsewhere: tt-rss moves the starred article to its archive.
    driver.admin.call("unsubscribeFeed", feed_id=int(feed.remote_id))
    report = scenarios.run(store, driver)
    assert report.feeds == 0
    flags = scenarios.local(store)
    assert flags[titles[0]] == (False, True) and titles[1] in flags  # nothing lost here
    assert store.synced_feeds() == []
