"""The Google Reader API client against the conformance server, in both flavours.

The same scenarios as against the real tt-rss; the server switches between
the documented FreshRSS and Miniflux behaviour (tests/support/greader_server.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from briefterm.errors import SyncError
from briefterm.sync import Flag, SyncService
from briefterm.sync._greader_ids import LONG_ID_PREFIX, canonical_id, wire_id
from briefterm.sync.greader import READING_LIST, GReaderClient
from briefterm.sync.models import RemoteEntry
from tests.support import is_safe
from tests.support.greader_server import Flavour, GReaderServer
from tests.support.loopback import free_port_refusing


@pytest.fixture(params=["freshrss", "miniflux"])
def server(request: pytest.FixtureRequest) -> Iterator[GReaderServer]:
    flavour: Flavour = request.param
    with GReaderServer(flavour) as running:
        yield running


@pytest.fixture
async def client(server: GReaderServer) -> AsyncIterator[GReaderClient]:
    async with GReaderClient(server.url, server.user, server.password) as c:
        yield c


async def fetch(
    client: GReaderClient, watermark: str | None = None, known: frozenset[str] = frozenset()
) -> tuple[list[RemoteEntry], str | None]:
    entries: list[RemoteEntry] = []
    last = watermark
    async for batch in client.entries_since(watermark, known):
        entries.extend(batch.entries)
        last = batch.watermark
    return entries, last


def paths(server: GReaderServer) -> list[str]:
    return [path.split("?", 1)[0] for _, path in server.requests]


async def test_subscriptions_labels_subscribe_unsubscribe(
    server: GReaderServer, client: GReaderClient
) -> None:
    assert isinstance(client, SyncService)
    server.add_feed("http://alpha.test/feed.xml", "Alpha News", labels=["Tech"])
    server.add_feed("http://beta.test/rss", "Beta Wire")
    feeds = {f.url: f for f in await client.subscriptions()}
    assert (
        feeds["http://alpha.test/feed.xml"].category,
        feeds["http://beta.test/rss"].category,
    ) == (
        "Tech",
        "",
    )
    assert feeds["http://alpha.test/feed.xml"].id.startswith("feed/")
    assert [c.title for c in await client.categories()] == ["Tech"]

    added = await client.subscribe("http://gamma.test/atom", category="Science")
    assert (added.url, added.category) == ("http://gamma.test/atom", "Science")
    await client.unsubscribe(added.id)
    assert "http://gamma.test/atom" not in {f.url for f in await client.subscriptions()}


async def test_first_sync_follows_continuations_then_is_incremental(
    server: GReaderServer, client: GReaderClient
) -> None:
    feed = server.add_feed("http://big.test/feed", "Big", labels=["News"])
    ids = [
        server.add_item(feed, f"Story {k}", content=f"<p>Body {k}</p>", author="Ann")
        for k in range(1100)
    ]
    entries, watermark = await fetch(client)
    assert sorted(e.id for e in entries) == sorted(ids)
    story = next(e for e in entries if e.title == "Story 5")
    assert (story.feed_id, story.feed_title, story.author) == (feed.stream, "Big", "Ann")
    assert story.content_html == "<p>Body 5</p>" and story.link.startswith("http://site.test/")
    assert (story.read, story.starred) == (False, False)
    assert watermark is not None
    # The portable pair only: never stream/contents (Miniflux: 200 []).
    assert not any("/stream/contents" in p for p in paths(server))
    if server.flavour == "freshrss":
        assert all(len(i) == 16 for i in ids)  # µs insertion ids

    # Nothing new: ids are listed, no contents are fetched.
    known = frozenset(ids)
    server.requests.clear()
    assert (await fetch(client, watermark, known))[0] == []
    assert not any(p.endswith("stream/items/contents") for p in paths(server))

    server.items[int(ids[0])].read = True  # changed elsewhere; must not come back
    new = [server.add_item(feed, f"New {k}") for k in range(3)]
    fresh, newer = await fetch(client, watermark, known)
    assert sorted(e.id for e in fresh) == sorted(new)
    assert newer is not None and int(newer) >= int(watermark)
    assert ids[0] not in (await client.state()).unread


async def test_read_and_starred_state_both_ways(
    server: GReaderServer, client: GReaderClient
) -> None:
    feed = server.add_feed("http://state.test/feed", "State")
    a, b, c, d = (server.add_item(feed, f"Item {k}") for k in range(4))

    # Up: decimal and long-form ids alike; the server says OK.
    long_b = f"{LONG_ID_PREFIX}{int(b):016x}"
    result = await client.push(Flag.READ, [a, long_b])
    assert result.confirmed == {a, b}
    await client.push(Flag.STAR, [c])
    assert server.items[int(a)].read and server.items[int(b)].read
    assert server.items[int(c)].starred and not server.items[int(c)].read

    # Down: state categories are matched by suffix (Miniflux: user/1/state/…).
    server.items[int(a)].read = False
    server.items[int(d)].starred = True
    state = await client.state()
    assert state.unread == {a, c, d}
    assert state.starred == {c, d}
    entries = {e.id: e for e in await client.entries_by_id([b, d])}
    assert (entries[b].read, entries[d].starred) == (True, True)

    await client.push(Flag.UNREAD, [b])
    await client.push(Flag.UNSTAR, [c])
    assert not server.items[int(b)].read and not server.items[int(c)].starred
    # The server refused any POST without T (and, as FreshRSS, without the
    # header); the token travels in the body, never in a URL that gets logged.
    assert not any("T=" in p for _, p in server.requests)


async def test_wrong_password_is_one_sentence(server: GReaderServer) -> None:
    async with GReaderClient(server.url, server.user, "wrong") as bad:
        with pytest.raises(SyncError) as refused:
            await bad.subscriptions()
    assert refused.value.reason == "login"
    message = str(refused.value)
    assert "wrong user name or API password" in message
    assert "\n" not in message and is_safe(message)


async def test_new_token_and_new_login_when_refused(
    server: GReaderServer, client: GReaderClient
) -> None:
    feed = server.add_feed("http://t.test/feed", "T")
    item = server.add_item(feed, "x")
    await client.push(Flag.READ, [item])
    server.rotate_token()
    await client.push(Flag.STAR, [item])  # a refused POST fetches a new T once
    assert server.items[int(item)].starred
    server.rotate_auth()
    assert (await client.state()).starred == {item}  # a refused GET logs in again
    await client.push(Flag.UNSTAR, [item])
    assert not server.items[int(item)].starred
    logins = [p for _, p in server.requests if p.endswith("/accounts/ClientLogin")]
    assert len(logins) == 2


async def test_unreachable_server() -> None:
    async with GReaderClient(free_port_refusing(), "alice", "pw") as down:
        with pytest.raises(SyncError) as err:
            await down.login()
    assert err.value.reason == "unreachable"
    assert str(err.value).startswith("Cannot reach the sync server at 127.0.0.1:")


async def test_counters_only_where_unread_count_exists(
    server: GReaderServer, client: GReaderClient
) -> None:
    one = server.add_feed("http://f.test/one", "One")
    two = server.add_feed("http://f.test/two", "Two")
    item = server.add_item(one, "x")
    other = server.add_item(two, "y")
    first = await client.counters()
    if server.flavour == "miniflux":
        assert first is None  # unknown path: 200 [] (no unread-count)
        return
    assert first is not None and first.unread == {one.stream: 1, two.stream: 1}
    server.items[int(item)].read = True
    after = await client.counters()
    assert after is not None and after.changed_feeds(first) == {one.stream}
    state = await client.state(after.changed_feeds(first))
    assert state.feeds == frozenset({one.stream}) and state.unread == set()
    assert (await client.state()).unread == {other}


def test_canonical_ids() -> None:
    assert canonical_id("tag:google.com,2005:reader/item/000661a96bbe575d") == str(
        0x000661A96BBE575D
    )
    assert canonical_id("1796230145267549") == "1796230145267549"
    assert canonical_id(-1) == str(2**64 - 1)  # Google's signed short form
    assert canonical_id("tag:google.com,2005:reader/item/xyz") is None
    assert canonical_id("12abc") is None
    assert canonical_id(True) is None
    assert canonical_id(str(2**64)) is None


def test_object_ids_of_the_old_reader_in_both_forms() -> None:
    oid = "5D1C0A0E7B2F4C0012A3B4C5"
    assert canonical_id(oid) == oid.lower()
    assert canonical_id(LONG_ID_PREFIX + oid) == oid.lower()
    assert wire_id(oid.lower()) == LONG_ID_PREFIX + oid.lower()
    assert wire_id("1796230145267549") == "1796230145267549"  # decimal goes as it is
    assert canonical_id(LONG_ID_PREFIX + oid + "0") is None  # 25 digits: no known form
    assert canonical_id("5d1c0a0e7b2f4c0012a3b4cz") is None
    # 24 decimal digits exceed 64 bits, so they can only be an object id.
    assert canonical_id("123456789012345678901234") == "123456789012345678901234"


async def test_old_reader_ids_round_trip_through_contents_and_edit_tag() -> None:
    with GReaderServer("oldreader") as server:
        feed = server.add_feed("http://one.test/feed.xml", "One")
        first = server.add_item(feed, "First")
        second = server.add_item(feed, "Second")
        assert len(first) == 24 and len(second) == 24  # as stream/items/ids gives them
        async with GReaderClient(server.url, server.user, server.password) as client:
            assert set(await client.item_ids(READING_LIST)) == {first, second}
            entries = await client.entries_by_id([LONG_ID_PREFIX + first.upper(), second])
            assert {e.id for e in entries} == {first, second}
            await client.push(Flag.READ, [first])
            await client.push(Flag.STAR, [LONG_ID_PREFIX + second])
    flags = {item.title: (item.read, item.starred) for item in server.items.values()}
    assert flags == {"First": (True, False), "Second": (False, True)}


async def test_inoreader_gets_its_app_keys_on_every_request_and_a_clear_refusal() -> None:
    with GReaderServer("inoreader") as server:
        feed = server.add_feed("http://one.test/feed.xml", "One")
        item = server.add_item(feed, "First")
        async with GReaderClient(server.url, server.user, server.password) as bare:
            with pytest.raises(SyncError) as refused:
                await bare.login()
        assert "app_id" in refused.value.args[0] and refused.value.reason == "login"
        assert refused.value.args[0].count(". ") == 0  # one sentence
        async with GReaderClient(
            server.url, server.user, server.password, app=("1000001234", "wrong")
        ) as wrong:
            with pytest.raises(SyncError, match="app_id/app_key"):
                await wrong.login()
        assert server.app is not None
        async with GReaderClient(server.url, server.user, server.password, app=server.app) as c:
            # Every call below is refused by the server without both headers.
            assert [f.title for f in await c.subscriptions()] == ["One"]
            await c.push(Flag.READ, [item])
            assert (await c.state()).unread == set()
