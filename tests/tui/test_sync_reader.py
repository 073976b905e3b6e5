"""The reader with [sync]: r syncs in the background worker, and the reader stays usable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from briefterm.config import Config
from briefterm.config.sync import SyncConfig
from briefterm.store import Store
from briefterm.sync.engine import sync_async
from briefterm.sync.feeds import with_server_feeds
from briefterm.tui._polling import Polling
from briefterm.tui.app import BriefApp
from tests.support.greader_server import GReaderServer
from tests.support.sync_drivers import GReaderDriver, HeldRequests
from tests.support.tui_data import settle, until

SIZE = (160, 45)


@pytest.fixture
def driver() -> Iterator[GReaderDriver]:
    with GReaderServer("freshrss") as server:
        yield GReaderDriver(server)


def titles_shown(app: BriefApp) -> str:
    return "\n".join(app.reader.entries.visible_text())


async def test_r_syncs_in_the_background_while_the_reader_stays_responsive(
    driver: GReaderDriver, store: Store
) -> None:
    driver.feed("tui", "Reader Sync", [f"Early story {k}" for k in range(6)], category="Tech")
    account = replace(driver.account, interval=0)
    await sync_async(store, account, interactive=False)
    config = with_server_feeds(Config(sync=account), store)
    driver.more("tui", ["Late story one", "Late story two"])
    hold = HeldRequests(driver.server, "stream/items/contents")
    app = BriefApp(config, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # every story
        await settle(app, pilot)
        assert "Early story 0" in titles_shown(app) and "Late story" not in titles_shown(app)
        before = app.reader.entries.cursor
        await pilot.press("r")
        await until(pilot, hold.arrived.is_set, "the sync reached the server")
        # The sync waits for the server; the reader does not.
        await pilot.press("j", "j", "m")
        await until(pilot, lambda: app.reader.entries.cursor == before + 2, "the cursor moved")
        await until(pilot, lambda: app.reader.poll_status.startswith("syncing"), "progress")
        assert "⟳ syncing" in str(app.reader.title_bar.render())
        assert app.reader.polling.running
        hold.release.set()
        await settle(app, pilot)
        assert "Late story one" in titles_shown(app)
        assert any("2 new stories" in n.message for n in app._notifications)
        assert app.reader.poll_status == ""
    # The mark made during the sync stays queued, and goes up with the next one.
    assert store.sync_queue_size() == 1
    assert (await sync_async(store, account, interactive=False)).pushed == 1
    assert sum(read for read, _ in driver.flags().values()) == 1


async def test_a_failed_sync_is_one_sentence_and_marks_stay_queued(
    driver: GReaderDriver, store: Store
) -> None:
    driver.feed("down", "Down Feed", ["Only story"])
    account = replace(driver.account, interval=0)
    await sync_async(store, account, interactive=False)
    app = BriefApp(with_server_feeds(Config(sync=account), store), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        with driver.down():
            await pilot.press("r")
            await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            m.startswith("Sync failed: Cannot reach the sync server at 127.0.0.1:")
            and m.endswith("1 local change(s) stay queued.")
            for m in messages
        ), messages
        assert app.is_running
    assert store.sync_queue_size() == 1


def test_the_interval_is_in_minutes_and_zero_means_only_on_r(store: Store) -> None:
    class Host:
        def post_message(self, message: object) -> bool:
            return True

    account = SyncConfig("greader", "http://127.0.0.1:9/", "me", "pw", interval=15)
    assert Polling(store, Config(sync=account), Host()).every == 15 * 60.0
    assert Polling(store, Config(sync=replace(account, interval=0)), Host()).every is None
    assert Polling(store, Config(), Host()).every is None
