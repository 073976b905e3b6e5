"""The sync engine's scenarios, run against every server (see tests/support/sync_drivers.py).

Each takes a :class:`Driver`, an empty cache and a ``tag`` that makes the
article titles of one test unique, and asserts what a person would check:
what came down, what went up, which flag won.
"""

from __future__ import annotations

from typing import Any

import pytest

from briefterm.brief import SectionRules
from briefterm.config import Config
from briefterm.errors import SyncError
from briefterm.store import Store
from briefterm.sync.engine import SyncProgress, SyncReport, sync
from briefterm.sync.feeds import with_server_feeds
from tests.support import is_safe
from tests.support.sync_drivers import Driver


def run(store: Store, driver: Driver, **options: Any) -> SyncReport:
    """One sync of ``store`` with the driver's account."""
    return sync(store, driver.account, interactive=False, **options)


def local(store: Store) -> dict[str, tuple[bool, bool]]:
    """(read, starred) of every cached entry, by title."""
    return {e.title: (e.read, e.starred) for e in store.list_entries()}


def ids(store: Store) -> dict[str, int]:
    """The cache's entry ids by title."""
    return {e.title: e.id for e in store.list_entries()}


def one_sentence(error: SyncError) -> str:
    text = str(error)
    assert "\n" not in text and text.endswith(".") and is_safe(text), text
    return text


def first_sync_brings_feeds_entries_and_flags(driver: Driver, store: Store, tag: str) -> None:
    alpha = [f"{tag} alpha {k}" for k in range(3)]
    beta = [f"{tag} beta {k}" for k in range(2)]
    url_a = driver.feed(f"{tag}a", "Alpha News", alpha, category="Tech")
    url_b = driver.feed(f"{tag}b", "Beta Wire", beta)
    driver.set(alpha[0], read=True)
    driver.set(beta[1], starred=True)
    report = run(store, driver)
    assert (report.new, report.feeds, report.queued) == (5, 2, 0)
    assert local(store) == driver.flags()
    # The categories are the sections of the brief.
    config = with_server_feeds(Config(sync=driver.account), store)
    assert {(f.url, f.section) for f in config.feeds} == {(url_a, "Tech"), (url_b, "")}
    rules = SectionRules.from_config(config)
    entry = next(e for e in store.list_entries() if e.title == alpha[1])
    assert rules.assign(entry) == "Tech"
    assert (entry.feed_title, entry.author) == ("Alpha News", "Ann Writer")
    assert entry.summary.startswith(f"The report on {alpha[1]}, with details.")
    assert entry.link.startswith("http://site.test/")
    full = store.get_entry(entry.id)
    assert full is not None and "<b>details</b>" in full.content_html


def local_marks_go_up(driver: Driver, store: Store, tag: str) -> None:
    titles = [f"{tag} up {k}" for k in range(4)]
    driver.feed(f"{tag}up", "Uplink", titles)
    run(store, driver)
    found = ids(store)
    store.set_read([found[titles[0]]])
    store.set_starred([found[titles[1]]])
    store.set_read([found[titles[2]]])
    store.set_read([found[titles[2]]], False)  # changed back before any sync
    report = run(store, driver)
    assert report.pushed == 3 and store.sync_queue_size() == 0
    there = driver.flags()
    assert there[titles[0]] == (True, False)
    assert there[titles[1]] == (False, True)
    assert there[titles[2]] == (False, False)
    assert local(store) == there


def new_items_arrive_without_reverting_flags(driver: Driver, store: Store, tag: str) -> None:
    first = [f"{tag} old {k}" for k in range(3)]
    driver.feed(f"{tag}inc", "Increments", first)
    run(store, driver)
    store.set_read([ids(store)[first[0]]])  # read here
    driver.set(first[1], starred=True)  # starred on another device
    new = [f"{tag} new {k}" for k in range(2)]
    driver.more(f"{tag}inc", new)
    driver.set(new[1], read=True)  # read elsewhere before it reached us
    report = run(store, driver)
    assert report.new == 2
    flags = local(store)
    assert flags[first[0]] == (True, False)
    assert flags[first[1]] == (False, True)
    assert (flags[new[0]], flags[new[1]]) == ((False, False), (True, False))
    assert flags == driver.flags()
    again = run(store, driver)
    assert (again.new, again.pushed, again.from_server) == (0, 0, 0)
    assert local(store) == flags


def server_down_then_back(driver: Driver, store: Store, tag: str) -> None:
    titles = [f"{tag} down {k}" for k in range(3)]
    driver.feed(f"{tag}down", "Downtime", titles)
    run(store, driver)
    found = ids(store)
    with driver.down():
        store.set_read([found[titles[0]]])  # marking works without the server
        store.set_starred([found[titles[1]]])
        assert len(store.list_entries()) == 3  # and so does reading
        with pytest.raises(SyncError) as down:
            run(store, driver)
        assert down.value.reason == "unreachable"
        assert "Cannot reach the sync server at 127.0.0.1:" in one_sentence(down.value)
        assert store.sync_queue_size() == 2
    report = run(store, driver)
    assert report.pushed == 2 and report.queued == 0
    there = driver.flags()
    assert there[titles[0]] == (True, False) and there[titles[1]] == (False, True)


def wrong_password_is_one_sentence(driver: Driver, store: Store, tag: str) -> None:
    titles = [f"{tag} pw {k}" for k in range(2)]
    driver.feed(f"{tag}pw", "Passwords", titles)
    run(store, driver)
    store.set_read([ids(store)[titles[0]]])
    with pytest.raises(SyncError) as refused:
        sync(store, driver.wrong_password(), interactive=False)
    assert refused.value.reason == "login"
    assert "password" in one_sentence(refused.value)
    assert store.sync_queue_size() == 1  # still queued for a sync that works
    assert run(store, driver).pushed == 1


def conflicts_follow_the_rule(driver: Driver, store: Store, tag: str) -> None:
    a, b, c, d = (f"{tag} conflict {k}" for k in "abcd")
    driver.feed(f"{tag}cf", "Conflicts", [a, b, c, d])
    driver.set(a, read=True)
    driver.set(d, starred=True)
    run(store, driver)
    found = ids(store)
    # B was starred here and that went up; then it was unstarred elsewhere.
    store.set_starred([found[b]])
    run(store, driver)
    driver.set(b, starred=False)
    # A: unread here (queued) while another device read it again: here is newer.
    store.set_read([found[a]], False)
    driver.set(a, read=False)
    driver.set(a, read=True)
    # C: starred here, read elsewhere: different flags, both stay.
    store.set_starred([found[c]])
    driver.set(c, read=True)

    def mark_during_sync(step: SyncProgress) -> None:
        if step.stage == "subscriptions":  # after the push: it stays queued
            store.set_read([found[d]])

    report = run(store, driver, progress=mark_during_sync)
    flags, there = local(store), driver.flags()
    assert flags[a] == there[a] == (False, False)  # the queued local change won
    assert flags[b] == there[b] == (False, False)  # the server's later change won
    assert flags[c] == there[c] == (True, True), (flags[c], there[c])
    assert flags[d] == (True, True) and there[d] == (False, True)  # made during the sync: kept
    assert report.queued == 1
    run(store, driver)
    assert driver.flags()[d] == (True, True)


def retention_keeps_local_flags(driver: Driver, store: Store, tag: str) -> None:
    starred, unread, other = (f"{tag} kept {k}" for k in ("starred", "unread", "other"))
    driver.feed(f"{tag}ret", "Retention", [starred, unread, other])
    driver.set(starred, starred=True)
    run(store, driver)
    driver.delete(starred)
    driver.delete(unread)
    report = run(store, driver)
    assert report.gone == 2
    flags = local(store)
    assert flags[starred] == (False, True) and flags[unread] == (False, False)
    again = run(store, driver)
    assert again.gone == 0 and local(store) == flags
    assert run(store, driver, full=True).gone == 0


def changes_elsewhere_come_down(driver: Driver, store: Store, tag: str) -> SyncReport:
    titles = [f"{tag} else {k}" for k in range(3)]
    driver.feed(f"{tag}else", "Elsewhere", titles)
    run(store, driver)
    driver.set(titles[0], read=True)
    driver.set(titles[1], starred=True)
    report = run(store, driver)
    assert report.from_server == 2
    assert local(store) == driver.flags()
    return report
