"""A sync server is as untrusted as a feed: hostile and broken replies for both clients."""

from __future__ import annotations

import json

import pytest

from briefterm.errors import SyncError
from briefterm.sync import Limits
from briefterm.sync.greader import GReaderClient
from briefterm.sync.ttrss import TtrssClient
from tests.support import is_safe
from tests.support.fake_ttrss import FakeTtrss, Script, headline
from tests.support.greader_server import GReaderServer, _Handler

HOSTILE_TITLE = "\x1b]0;pwned\x07\x1b[2JHello\x9b31m [bold red]world[/] \u202eevil\x00\x08"
FAST = Limits(timeout=0.2, connect_timeout=0.2, max_reply=1024 * 1024)
# The size cap must trip whatever the machine's load: a generous deadline, so a
# busy runner reports the size, not a timeout.
BIG_REPLY = Limits(timeout=30, connect_timeout=30, max_reply=1024 * 1024)


def one_sentence(err: SyncError) -> str:
    message = str(err)
    assert "\n" not in message and is_safe(message) and message.endswith((".", "?"))
    assert "Traceback" not in message
    return message


# -- tt-rss -----------------------------------------------------------------------


async def test_ttrss_hostile_fields_are_cleaned_and_bad_rows_skipped() -> None:
    rows = [
        headline(
            1,
            title=HOSTILE_TITLE,
            author="Eve\nWriter\x1b[0m",
            link="javascript:alert(1)",
            content="<p>" + "x" * 300_000 + "</p>\x1b[31m",
            feed_title="[link=file:///etc/passwd]Site[/link]",
            attachments=[
                {"content_url": "file:///etc/passwd"},
                {"content_url": "http://a.test/x.mp3"},
            ],
        ),
        headline(None),  # no id: cannot be synced
        headline("12; DROP TABLE"),
        headline(-5),
        "not an object",
        headline(2, updated="yesterday", unread="f", marked="1"),
    ]
    with FakeTtrss() as fake:
        fake.script["getHeadlines"] = Script(rows)
        async with TtrssClient(fake.url, "u", "p") as client:
            entries = [e async for batch in client.entries_since(None) for e in batch.entries]
    assert [e.id for e in entries] == ["1", "2"]
    hostile, odd = entries
    assert hostile.title == "Hello [bold red]world[/] evil"
    assert is_safe(hostile.title) and is_safe(hostile.author) and is_safe(hostile.content_html)
    assert hostile.author == "Eve Writer"
    assert hostile.link == ""
    assert len(hostile.content_html) <= 200_000
    assert hostile.feed_title == "[link=file:///etc/passwd]Site[/link]"  # text, never markup
    assert hostile.enclosures == ("http://a.test/x.mp3",)
    assert (odd.published, odd.read, odd.starred) == (None, True, True)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (Script(b"<html>Welcome to nginx</html>"), "not JSON"),
        (Script(b'{"seq": 0, "content": []}'), "without a status"),
        (Script(b"[1, 2]"), "not an object"),
        (Script(b"", status=404), "HTTP 404"),
        (Script({"session_id": ""}), "without a session"),
    ],
)
async def test_ttrss_malformed_login_replies(script: Script, expected: str) -> None:
    with FakeTtrss() as fake:
        fake.script["login"] = script
        async with TtrssClient(fake.url, "u", "p") as client:
            with pytest.raises(SyncError) as err:
                await client.login()
    assert err.value.reason == "reply"
    assert expected in one_sentence(err.value)


async def test_ttrss_malformed_lists_are_a_clear_error() -> None:
    with FakeTtrss() as fake:
        fake.script["getCategories"] = Script({"oops": 1})
        async with TtrssClient(fake.url, "u", "p") as client:
            with pytest.raises(SyncError) as err:
                await client.subscriptions()
    assert "categories that is not a list" in one_sentence(err.value)


async def test_ttrss_huge_reply_is_refused() -> None:
    with FakeTtrss() as fake:
        fake.script["getFeeds"] = Script([{"id": k, "title": "x" * 100} for k in range(20_000)])
        async with TtrssClient(fake.url, "u", "p", BIG_REPLY) as client:
            with pytest.raises(SyncError) as err:
                await client.subscriptions()
    assert "larger than 1 MB" in one_sentence(err.value)


async def test_ttrss_slow_server_times_out() -> None:
    with FakeTtrss() as fake:
        fake.script["getCategories"] = Script([], delay=30)
        async with TtrssClient(fake.url, "u", "p", FAST) as client:
            with pytest.raises(SyncError) as err:
                await client.categories()
    assert err.value.reason == "unreachable"
    assert "did not answer within 0.2 s" in one_sentence(err.value)


async def test_ttrss_relogs_in_once_then_gives_up() -> None:
    with FakeTtrss() as fake:
        fake.script["getCategories"] = Script({"error": "NOT_LOGGED_IN"}, error=True)
        async with TtrssClient(fake.url, "u", "p") as client:
            with pytest.raises(SyncError) as err:
                await client.categories()
        assert fake.ops() == ["login", "getCategories", "login", "getCategories"]
    assert err.value.reason == "login"
    one_sentence(err.value)


async def test_ttrss_concurrent_calls_share_one_relogin() -> None:
    sessions = iter(["old", "new"])

    def login(body: dict[str, object]) -> dict[str, object]:
        return {"session_id": next(sessions), "api_level": 15}

    refused = json.dumps({"seq": 0, "status": 1, "content": {"error": "NOT_LOGGED_IN"}})

    with FakeTtrss() as fake:
        fake.script["login"] = Script(login)
        fake.script["getHeadlines"] = Script(
            lambda body: [] if body["sid"] == "new" else refused.encode()
        )
        async with TtrssClient(fake.url, "u", "p") as client:
            await client.login()
            state = await client.state()  # two paged lists at once, both refused
        assert fake.ops().count("login") == 2
    assert state.unread == frozenset() and state.starred == frozenset()


async def test_ttrss_unknown_error_code_is_shown_cleanly() -> None:
    with FakeTtrss() as fake:
        fake.script["getCategories"] = Script({"error": "\x1b[31mBOOM\x07"}, error=True)
        async with TtrssClient(fake.url, "u", "p") as client:
            with pytest.raises(SyncError) as err:
                await client.categories()
    assert err.value.reason == "refused"
    assert "BOOM" in one_sentence(err.value)


# -- Google Reader API ------------------------------------------------------------


def answer_with(path_end: str, status: int, body: bytes):  # type: ignore[no-untyped-def]
    """A fault hook: answer requests whose path ends with ``path_end`` with ``body``."""

    def fault(handler: _Handler) -> bool:
        if not handler.path.split("?", 1)[0].endswith(path_end):
            return False
        handler.reply(status, body)
        return True

    return fault


@pytest.fixture(params=["freshrss", "miniflux"])
def server(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    with GReaderServer(request.param) as running:
        yield running


async def test_greader_hostile_fields_are_cleaned(server: GReaderServer) -> None:
    feed = server.add_feed("http://h.test/feed", HOSTILE_TITLE, labels=["[b]L[/b]\x1b[1m"])
    item = server.add_item(
        feed, HOSTILE_TITLE, link="javascript:alert(1)", content="<p>a</p>\x1b]8;;x\x07"
    )
    async with GReaderClient(server.url, server.user, server.password) as client:
        (sub,) = await client.subscriptions()
        (entry,) = await client.entries_by_id([item])
    assert sub.title == "Hello [bold red]world[/] evil" and sub.category == "[b]L[/b]"
    assert entry.title == sub.title and entry.link == ""
    assert is_safe(entry.content_html) and entry.feed_title == sub.title


async def test_greader_missing_ids_and_items_are_skipped(server: GReaderServer) -> None:
    feed = server.add_feed("http://m.test/feed", "M")
    good = server.add_item(feed, "good")
    refs = {"itemRefs": [{"id": good}, {"nope": 1}, {"id": "x1"}, "junk"]}
    items = {
        "items": [
            {"title": "no id"},
            {"id": "tag:google.com,2005:reader/item/zz", "title": "bad id"},
            server.item_json(server.items[int(good)]),
        ]
    }
    hooks = [
        answer_with("stream/items/ids", 200, json.dumps(refs).encode()),
        answer_with("stream/items/contents", 200, json.dumps(items).encode()),
    ]
    server.fault = lambda handler: any(hook(handler) for hook in hooks)
    async with GReaderClient(server.url, server.user, server.password) as client:
        entries = [e async for batch in client.entries_since(None) for e in batch.entries]
    assert [e.title for e in entries] == ["good"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "not an object"),  # what Miniflux says to an unknown path
        (b'{"subscriptions": {"a": 1}}', "not a list"),
    ],
)
async def test_greader_malformed_replies(server: GReaderServer, body: bytes, expected: str) -> None:
    server.fault = answer_with("subscription/list", 200, body)
    async with GReaderClient(server.url, server.user, server.password) as client:
        with pytest.raises(SyncError) as err:
            await client.subscriptions()
    assert err.value.reason == "reply"
    assert expected in one_sentence(err.value)


async def test_greader_login_without_auth_and_huge_reply(server: GReaderServer) -> None:
    server.fault = answer_with("ClientLogin", 200, b"SID=x\nLSID=y\n")
    async with GReaderClient(server.url, server.user, server.password) as client:
        with pytest.raises(SyncError) as err:
            await client.login()
    assert "without Auth" in one_sentence(err.value)
    server.fault = answer_with("tag/list", 200, b'{"tags": [' + b'{"id": "x"},' * 200_000 + b"{}]}")
    async with GReaderClient(server.url, server.user, server.password, BIG_REPLY) as client:
        with pytest.raises(SyncError) as err:
            await client.categories()
    assert "larger than 1 MB" in one_sentence(err.value)


async def test_greader_continuation_that_repeats_ends(server: GReaderServer) -> None:
    feed = server.add_feed("http://c.test/feed", "C")
    item = server.add_item(feed, "only")
    page = json.dumps({"itemRefs": [{"id": item}], "continuation": "same"}).encode()
    server.fault = answer_with("stream/items/ids", 200, page)
    async with GReaderClient(server.url, server.user, server.password) as client:
        assert await client.item_ids("user/-/state/com.google/reading-list") == [item]
    assert sum("stream/items/ids" in p for _, p in server.requests) == 2


async def test_greader_slow_server_times_out(server: GReaderServer) -> None:
    # Holding the server's lock stalls every request until the test lets go.
    with server.lock:
        async with GReaderClient(server.url, server.user, server.password, FAST) as client:
            with pytest.raises(SyncError) as err:
                await client.login()
    assert err.value.reason == "unreachable"
    assert "did not answer within 0.2 s" in one_sentence(err.value)


async def test_ttrss_session_answered_with_500_logs_in_again_once() -> None:
    # The real tt-rss answered HTTP 500 to calls on a session it had forgotten
    # (resumed from an earlier process, or dropped): that means log in, once.
    with FakeTtrss() as fake:
        fake.script["getCategories"] = Script(
            [], status=lambda body: 500 if body.get("sid") == "forgotten" else 200
        )
        async with TtrssClient(fake.url, "u", "p") as client:
            client.resume(("forgotten", 15))
            assert await client.categories() == []
            # A server that fails again after the new login is reported.
            fake.script["getCategories"] = Script([], status=500)
            with pytest.raises(SyncError) as err:
                await client.categories()
            assert "answered HTTP 500" in str(err.value)
    assert fake.ops() == [
        *("getCategories", "login", "getCategories"),
        *("getCategories", "login", "getCategories"),
    ]
