"""The tt-rss client against a real Tiny Tiny RSS (Debian 21, API level 15).

One server for the module (it is the only module that asks for it, so one
xdist worker starts it); every test has its own user and its own feeds,
fetched by tt-rss through the loopback proxy with ``updateFeed``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefterm.errors import SyncError
from briefterm.sync import Flag, SyncService
from briefterm.sync.models import RemoteEntry
from briefterm.sync.ttrss import TtrssClient
from tests.support import is_safe
from tests.support.ttrss import AdminSession, FeedItem, TtrssServer, TtrssUser

pytestmark = pytest.mark.server

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def items(prefix: str, count: int, start: int = 0) -> list[FeedItem]:
    """``count`` dated items; item k is k minutes after START."""
    return [
        FeedItem(
            guid=f"{prefix}-{k}",
            title=f"{prefix} story {k}",
            link=f"http://site.test/{prefix}/{k}",
            description=f"<p>Body of {prefix} {k}, with <b>bold</b> text.</p>",
            author="Ann Writer",
            published=START + timedelta(minutes=k),
        )
        for k in range(start, start + count)
    ]


async def all_entries(
    client: TtrssClient, watermark: str | None = None
) -> tuple[list[RemoteEntry], str | None]:
    entries: list[RemoteEntry] = []
    last = watermark
    async for batch in client.entries_since(watermark):
        entries.extend(batch.entries)
        last = batch.watermark
    return entries, last


async def test_client_is_a_sync_service(ttrss_client: TtrssClient) -> None:
    assert isinstance(ttrss_client, SyncService)
    await ttrss_client.login()
    assert ttrss_client.api_level == 15


async def test_subscriptions_with_categories_and_subscribe_unsubscribe(
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    ttrss_admin: AdminSession,
    ttrss_client: TtrssClient,
) -> None:
    tech = ttrss_server.create_category(ttrss_user, "Tech")
    ttrss_server.create_category(ttrss_user, "Empty [bold]one[/]")
    name = f"subs{ttrss_user.uid}"
    one = ttrss_server.write_feed(f"{name}a", "Alpha News", items("a", 2))
    two = ttrss_server.write_feed(f"{name}b", "Beta Wire", items("b", 1))
    ttrss_admin.subscribe(one, tech)
    ttrss_admin.subscribe(two)

    cats = {c.title for c in await ttrss_client.categories()}
    assert cats == {"Tech", "Empty [bold]one[/]"}  # empty ones too; virtual ones not
    feeds = {f.url: f for f in await ttrss_client.subscriptions()}
    assert set(feeds) == {one, two}
    assert (feeds[one].title, feeds[one].category) == ("Alpha News", "Tech")
    assert (feeds[two].title, feeds[two].category) == ("Beta Wire", "")

    three = ttrss_server.write_feed(f"{name}c", "Gamma", items("c", 1))
    added = await ttrss_client.subscribe(three, category="Tech")
    assert (added.url, added.category) == (three, "Tech")
    await ttrss_client.unsubscribe(added.id)
    assert three not in {f.url for f in await ttrss_client.subscriptions()}
    with pytest.raises(SyncError) as missing:
        await ttrss_client.subscribe(three, category="No such")
    assert missing.value.reason == "refused"


async def test_first_sync_pages_past_200_then_since_id_is_incremental(
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    ttrss_admin: AdminSession,
    ttrss_client: TtrssClient,
) -> None:
    name = f"big{ttrss_user.uid}"
    url = ttrss_server.write_feed(name, "Big Feed", items("big", 250))
    feed_id = ttrss_admin.subscribe(url)

    entries, watermark = await all_entries(ttrss_client)
    assert len(entries) == 250
    assert len({e.id for e in entries}) == 250
    assert watermark == max(entries, key=lambda e: int(e.id)).id
    story = next(e for e in entries if e.title == "big story 7")
    assert story.link == "http://site.test/big/7"
    assert "<b>bold</b>" in story.content_html
    assert story.author == "Ann Writer"
    assert story.published == START + timedelta(minutes=7)
    assert story.feed_id == str(feed_id)
    assert (story.read, story.starred) == (False, False)
    assert story.to_parsed().summary.startswith("Body of big 7, with bold text.")

    # Nothing new: one short page, the watermark stays.
    again, same = await all_entries(ttrss_client, watermark)
    assert (again, same) == ([], watermark)

    # Three new items arrive; one old one is read and starred on the server
    # meanwhile: only the new ones come, and they do not touch old flags.
    ttrss_admin.set_flag([int(story.id)], 2, 0)
    ttrss_admin.set_flag([int(story.id)], 0, 1)
    # The feed now lists only the new items: tt-rss keeps the old articles.
    ttrss_server.write_feed(name, "Big Feed", items("big", 3, start=250))
    ttrss_admin.update(feed_id)
    new, newer = await all_entries(ttrss_client, watermark)
    assert sorted(e.title for e in new) == [f"big story {k}" for k in (250, 251, 252)]
    assert newer is not None and int(newer) > int(watermark or 0)
    state = await ttrss_client.state()
    assert story.id not in state.unread and story.id in state.starred
    assert len(state.unread) == 252


async def test_read_and_starred_state_both_ways(
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    ttrss_admin: AdminSession,
    ttrss_client: TtrssClient,
) -> None:
    url = ttrss_server.write_feed(f"state{ttrss_user.uid}", "State", items("s", 5))
    ttrss_admin.subscribe(url)
    ids = sorted(int(h["id"]) for h in ttrss_admin.headlines())
    first, second, third, *_ = [str(i) for i in ids]

    # Up: the client's pushes are confirmed and visible to another client.
    read = await ttrss_client.push(Flag.READ, [first, second])
    assert read.confirmed == {first, second} and read.missing == 0
    starred = await ttrss_client.push(Flag.STAR, [third, "999999999"])
    assert starred.missing == 1  # tt-rss does not know that one
    rows = {str(h["id"]): h for h in ttrss_admin.headlines()}
    assert not rows[first]["unread"] and not rows[second]["unread"] and rows[third]["unread"]
    assert rows[third]["marked"] and not rows[first]["marked"]

    # Down: changes made elsewhere show in state() and in the entries.
    ttrss_admin.set_flag([int(first)], 2, 1)  # unread again
    ttrss_admin.set_flag([int(third)], 0, 0)  # unstarred
    ttrss_admin.set_flag([int(second)], 0, 1)  # starred
    state = await ttrss_client.state()
    assert state.unread == {str(i) for i in ids} - {second}
    assert state.starred == {second}
    fetched = {e.id: e for e in await ttrss_client.entries_by_id([first, second])}
    assert (fetched[second].read, fetched[second].starred) == (True, True)
    assert (fetched[first].read, fetched[first].starred) == (False, False)

    before = await ttrss_client.counters()
    assert before is not None and before.starred == 1
    feed = next(iter(before.unread))
    assert before.unread == {feed: 4}
    await ttrss_client.push(Flag.UNREAD, [second])
    after = await ttrss_client.counters()
    assert after is not None and after.changed_feeds(before) == {feed}
    only = await ttrss_client.state(after.changed_feeds(before))
    assert only.feeds == frozenset({feed}) and only.unread == {str(i) for i in ids}


async def test_wrong_password_and_disabled_api_are_one_sentence(
    ttrss_server: TtrssServer, ttrss_user: TtrssUser
) -> None:
    async with TtrssClient(ttrss_server.url, ttrss_user.login, "not-the-password") as client:
        with pytest.raises(SyncError) as refused:
            await client.subscriptions()
    assert refused.value.reason == "login"
    assert "wrong user name or password" in str(refused.value)
    off = ttrss_server.create_user(api=False)
    async with TtrssClient(ttrss_server.url, off.login, off.password) as client:
        with pytest.raises(SyncError) as disabled:
            await client.login()
    assert disabled.value.reason == "disabled"
    for err in (refused.value, disabled.value):
        message = str(err)
        assert "\n" not in message and message.endswith(".") and is_safe(message)


async def test_logs_in_again_when_the_session_is_dropped(
    ttrss_server: TtrssServer, ttrss_user: TtrssUser, ttrss_client: TtrssClient
) -> None:
    await ttrss_client.login()
    assert await ttrss_client.state() is not None
    ttrss_server.drop_sessions(ttrss_user)
    # The next call meets NOT_LOGGED_IN, logs in once and retries.
    assert await ttrss_client.subscriptions() == []
    assert await ttrss_client.categories() == []


async def test_stopped_server_is_unreachable_then_works_again(
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    ttrss_admin: AdminSession,
    ttrss_client: TtrssClient,
) -> None:
    url = ttrss_server.write_feed(f"down{ttrss_user.uid}", "Down", items("d", 2))
    ttrss_admin.subscribe(url)
    entries, _ = await all_entries(ttrss_client)
    ttrss_server.stop_php()
    try:
        with pytest.raises(SyncError) as down:
            await ttrss_client.push(Flag.READ, [entries[0].id])
        assert down.value.reason == "unreachable"
        assert str(down.value).startswith("Cannot reach the sync server at 127.0.0.1:")
    finally:
        ttrss_server.start_php()
    # The session lives in the database: the same client carries on.
    done = await ttrss_client.push(Flag.READ, [entries[0].id])
    assert done.confirmed == {entries[0].id}
    assert entries[0].id not in (await ttrss_client.state()).unread


async def test_markup_and_bidi_from_a_real_feed_arrive_as_plain_text(
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    ttrss_admin: AdminSession,
    ttrss_client: TtrssClient,
) -> None:
    # XML cannot carry ESC or C0 controls; what a feed can carry is Rich
    # markup and bidi overrides (hostile-server tests cover the rest).
    hostile = FeedItem(
        guid="h1",
        title="[bold red]Breaking[/] \u202egnihton\u202c news",
        link="javascript:alert(1)",
        description="<script>alert(1)</script><p>ok</p>",
        author="[link=http://evil.test]me[/link]",
        published=START,
    )
    url = ttrss_server.write_feed(f"hostile{ttrss_user.uid}", "Hostile", [hostile])
    ttrss_admin.subscribe(url)
    (entry,), _ = await all_entries(ttrss_client)
    assert entry.title == "[bold red]Breaking[/] gnihton news"
    assert entry.author == "[link=http://evil.test]me[/link]"
    # tt-rss itself turns "javascript:alert(1)" into a link relative to the site.
    assert entry.link.startswith("http://") and "javascript" not in entry.link
    # The HTML comes as the feed had it (sanitize=false, as briefterm keeps a
    # feed's HTML); the conversion for display drops the script.
    assert "<p>ok</p>" in entry.content_html
    assert entry.to_parsed().summary == "ok"
