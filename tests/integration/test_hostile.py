"""Hostile feeds, end to end: loopback server → real poller → Store → reader.

Every case first polls a good version of its feed (and marks entries read and
starred), then serves the hostile version on the same URL and polls again.
Whatever the hostile feed does, the previously stored entries and their flags
must survive, every stored string must be terminal-safe, and failures must
be one per-feed error sentence, never an exception. The last tests render
the resulting caches in the Textual reader and check that nothing from the
feeds reaches the screen as an escape sequence or as markup.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from textual.pilot import Pilot

from briefterm.config import MIB, Config, FeedConfig, PollConfig
from briefterm.models import Entry, FeedState
from briefterm.poller import FeedResult, poll, poll_async
from briefterm.store import EntryFilter, Store
from briefterm.tui.app import BriefApp
from tests.support.loopback import LoopbackServer, Reply, gzip_zeros, redirect, trickle, zeros

# Short limits so the slow cases cost seconds, not minutes.
LIMITS = PollConfig(timeout=2.0, connect_timeout=1.0, max_bytes=16 * MIB, concurrency=4)

# -- payloads ---------------------------------------------------------------------

# Terminal escape sequences a feed could use to retitle the window (OSC 0/2),
# plant a hyperlink (OSC 8), write the clipboard (OSC 52), clear the screen or
# query the terminal (CSI), or do the same with 8-bit C1 introducers. The
# visible words around them must survive; everything between ESC and the end
# of each sequence must not.
OSC_TITLE = "\x1b]0;PWNED-TITLE\x07"
OSC_WINDOW = "\x1b]2;PWNED-WINDOW\x1b\\"
OSC_LINK = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"
CSI = "\x1b[2J\x1b[31;1m\x1b[6n"
C1_CSI = "\x9b2J"
C1_OSC = "\x9d0;PWNED-C1\x9c"
ESCAPES = OSC_TITLE + OSC_WINDOW + OSC_LINK + OSC_CLIPBOARD + CSI
C1 = C1_CSI + C1_OSC + "\x85\x90"
# Debris that would show a sequence was cut at its ESC only.
DEBRIS = ("PWNED", "]52;", "]0;", "]2;", "]8;", "[2J", "[31", "[6n", "evil.example")

MARKUP = "[/] [@click=app.quit]quit[/] [link=file:///etc/passwd]x[/link] [bold red]loud"
CJK_EMOJI = "科技日报：国产芯片量产 🚀 👩‍💻 東京の天気 한국어 뉴스 ﾊﾟﾝ"

# Anything of this in stored text would reach the terminal as a control.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# -- feed builders ------------------------------------------------------------------


def rss(
    items: list[dict[str, str]],
    *,
    title: str = "Good feed",
    encoding: str = "utf-8",
    declare: bool = True,
    doctype: str = "",
    raw: bool = False,
) -> bytes:
    """An RSS 2.0 document; values are XML-escaped unless ``raw``."""
    esc = (lambda s: s) if raw else escape
    parts = []
    if declare:
        parts.append(f'<?xml version="1.0" encoding="{encoding}"?>\n')
    parts.append(doctype)
    parts.append(
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>'
        f"<title>{esc(title)}</title><link>https://good.example/</link>"
        "<description>feed</description>\n"
    )
    for item in items:
        parts.append("<item>")
        for tag, value in item.items():
            if tag == "source":
                parts.append(f'<source url="https://origin.example/rss">{esc(value)}</source>')
            elif tag == "content":
                parts.append(f"<content:encoded>{esc(value)}</content:encoded>")
            elif tag == "author":
                parts.append(f"<dc:creator>{esc(value)}</dc:creator>")
            else:
                parts.append(f"<{tag}>{esc(value)}</{tag}>")
        parts.append("</item>\n")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode(encoding)


def item(n: int | str, title: str | None = None, **extra: str) -> dict[str, str]:
    """An ordinary item with a guid, link, date and summary."""
    out = {
        "title": title if title is not None else f"Story {n}",
        "link": f"https://good.example/story/{n}",
        "guid": f"id-{n}",
        "pubDate": "Sat, 21 Nov 2026 08:00:00 GMT",
        "description": f"Summary of story {n}.",
    }
    out.update(extra)
    return out


GOOD = rss([item("good-1"), item("good-2"), item("good-3")])
GOOD_KEYS = ("id-good-1", "id-good-2", "id-good-3")


def every_field(payload: str) -> bytes:
    """An RSS feed with ``payload`` spliced raw into every text field.

    The payload goes in after XML escaping, so it may carry raw control bytes
    or character references (``&#x1b;``) that the XML parser resolves.
    """
    mark = "@@PAYLOAD@@"
    fields = {
        "title": f"Head{mark}line",
        "link": f"https://good.example/a{mark}b",
        "guid": "esc-1",
        "description": f"<p>Sum{mark}mary</p>",
        "content": f"<p>Con{mark}tent <b>bold</b></p>",
        "author": f"Re{mark}porter",
        "category": f"Cate{mark}gory",
        "source": f"Pub{mark}lisher",
        "comments": f"https://good.example/c{mark}",
    }
    doc = rss([fields, item("esc-2")], title=f"Feed{mark}Title")
    return doc.replace(mark.encode(), payload.encode("utf-8"))


def every_field_atom(payload: str) -> bytes:
    """The same for Atom: entry and feed fields, author, source, category."""
    p = payload
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom{p}Feed</title><id>urn:atom-esc</id>"
        '<link href="https://good.example/"/><updated>2026-11-21T08:00:00Z</updated>'
        "<entry><id>atom-esc-1</id>"
        f'<title type="html">Atom{p}Head</title>'
        f'<link rel="alternate" href="https://good.example/x{p}y"/>'
        f"<author><name>Atom{p}Author</name></author>"
        f'<category term="Atom{p}Cat"/>'
        f"<summary>Atom{p}Summary</summary>"
        f'<content type="html">&lt;p&gt;Atom{p}Body&lt;/p&gt;</content>'
        f"<source><title>Atom{p}Source</title><id>urn:src</id></source>"
        "<updated>2026-11-21T08:00:00Z</updated></entry></feed>"
    )
    return doc.encode("utf-8")


def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1 if i > 1 else ''};" * 10
        ents.append(f'<!ENTITY lol{i} "{prev}">')
    doctype = "<!DOCTYPE rss [\n" + "\n".join(ents) + "\n]>\n"
    return rss([item("bomb", title="&lol9;")], doctype=doctype, raw=True)


def quadratic_blowup() -> bytes:
    doctype = f'<!DOCTYPE rss [<!ENTITY big "{"A" * 100_000}">]>\n'
    return rss([item("quad", title="&big;" * 2000)], doctype=doctype, raw=True)


def xxe() -> bytes:
    doctype = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return rss([item("xxe", title="leak &xxe; end")], doctype=doctype, raw=True)


def xxe_parameter() -> bytes:
    doctype = '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>\n'
    return rss([item("xxe-p")], doctype=doctype, raw=True)


def html_page() -> bytes:
    return (
        b"<!doctype html><html><head><title>Welcome</title></head>"
        b"<body><h1>Not a feed</h1><p>Just a web page.</p></body></html>"
    )


def encoded(text_title: str, encoding: str, *, declare: bool = True) -> bytes:
    return rss(
        [item("enc-1", title=text_title, description=text_title)],
        title=text_title,
        encoding=encoding,
        declare=declare,
    )


def http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


# -- cases ------------------------------------------------------------------------------


@dataclass
class Ctx:
    """What a case's check gets to look at."""

    server: LoopbackServer
    store: Store
    config: Config
    url: str
    path: str
    result: FeedResult
    seconds: float
    started: float

    def entries(self) -> list[Entry]:
        return self.store.list_entries(EntryFilter(), with_content=True)

    def hostile_entries(self) -> list[Entry]:
        return [e for e in self.entries() if e.entry_key not in GOOD_KEYS]

    def feed(self) -> FeedState:
        state = self.store.get_feed(self.url)
        assert state is not None
        return state

    def repoll(self) -> FeedResult:
        return poll(self.store, self.config, force=True).results[0]


Setup = Callable[[LoopbackServer, str], object]


@dataclass
class Case:
    id: str
    setup: Setup
    """Route the hostile reply at ``path`` (and any helper routes)."""
    expect: str
    """"ok": stored without error; "error": a per-feed error; "any": either."""
    check: Callable[[Ctx], bool | None] | None = None
    """Case-specific expectations: asserts, or returns False when they fail."""
    max_seconds: float = 8.0
    marks: tuple[pytest.MarkDecorator, ...] = field(default_factory=tuple)


def serve(reply_or_body: Reply | bytes | list[Reply]) -> Setup:
    """A setup that routes one reply (bytes become a 200 with the default type)."""

    def setup(server: LoopbackServer, path: str) -> None:
        reply = Reply(body=reply_or_body) if isinstance(reply_or_body, bytes) else reply_or_body
        server.route(path, reply)

    return setup


def by_key(ctx: Ctx) -> dict[str, Entry]:
    return {e.entry_key: e for e in ctx.entries()}


def check_no_debris(ctx: Ctx) -> None:
    entries = ctx.hostile_entries()
    assert entries, "the feed with escapes was not stored at all"
    texts = [ctx.feed().title]
    for e in entries:
        texts += [
            e.title,
            e.summary,
            e.content_html,
            e.author,
            e.link,
            e.source_title,
            e.comments,
            *e.categories,
        ]
    blob = "\n".join(texts)
    for debris in DEBRIS:
        assert debris not in blob, f"{debris!r} left behind in stored text"


def check_escapes_rss(visible: str) -> Callable[[Ctx], None]:
    """Each sequence is dropped whole; only ``visible`` (OSC 8's text) remains."""

    def check(ctx: Ctx) -> None:
        check_no_debris(ctx)
        e = by_key(ctx)["esc-1"]
        assert e.title == f"Head{visible}line"
        assert e.summary == f"Sum{visible}mary"
        assert f"Con{visible}tent" in e.content_html and "bold" in e.content_html
        assert e.author == f"Re{visible}porter"
        assert e.categories == (f"Cate{visible}gory",)
        assert e.source_title == f"Pub{visible}lisher"
        assert e.link == f"https://good.example/a{visible}b"
        assert ctx.feed().title == f"Feed{visible}Title"

    return check


def check_c1_loose(ctx: Ctx) -> None:
    # A document that is not well-formed XML goes to feedparser's loose
    # parser, which reads bytes 0x80-0x9f as Windows-1252 (0x9b becomes "›",
    # 0x9c "œ"): right for real mojibake, and no longer a control either way.
    # Either way no C1 control survives, and the payload never shows.
    e = by_key(ctx)["esc-1"]
    assert e.title.startswith("Head")
    assert "PWNED" not in e.title + e.summary + e.author + ctx.feed().title


def check_escapes_atom(ctx: Ctx) -> None:
    check_no_debris(ctx)
    e = by_key(ctx)["atom-esc-1"]
    # OSC 8 keeps its visible text ("click"); every other sequence vanishes.
    assert e.title == "AtomclickHead"
    assert e.author == "AtomclickAuthor"
    assert ctx.feed().title == "AtomclickFeed"
    assert "AtomclickBody" in e.content_html


def check_markup(ctx: Ctx) -> None:
    e = by_key(ctx)["id-markup"]
    assert e.title == MARKUP
    assert e.author == MARKUP
    assert MARKUP in e.summary


def check_bidi(ctx: Ctx) -> None:
    e = by_key(ctx)["id-bidi"]
    # Overrides, isolates and marks are removed; the letters stay in logical order.
    assert e.title == "invoicefdp.exe hidden ok"
    # A run of zero-width spaces is squeezed to at most one.
    assert "\u200b\u200b" not in e.summary
    assert e.summary.replace("\u200b", "") == "spacedout"


def check_cjk(ctx: Ctx) -> None:
    e = by_key(ctx)["id-cjk"]
    assert e.title == CJK_EMOJI
    assert e.author == CJK_EMOJI
    assert CJK_EMOJI in e.summary
    assert ctx.feed().title == CJK_EMOJI


def check_encoding(expected: str) -> Callable[[Ctx], None]:
    def check(ctx: Ctx) -> None:
        e = by_key(ctx)["id-enc-1"]
        assert e.title == expected
        assert ctx.feed().title == expected

    return check


def check_decodable(ctx: Ctx) -> None:
    # Whatever the decoder did, the result is valid text (it was stored and
    # re-read as str; no lone surrogates) and the readable part survived.
    for e in ctx.hostile_entries():
        e.title.encode("utf-8")
        e.summary.encode("utf-8")
    if ctx.result.status == "ok":
        assert any("Caf" in e.title for e in ctx.hostile_entries())


def check_valid_text(ctx: Ctx) -> None:
    for e in ctx.hostile_entries():
        for value in (e.title, e.summary, e.author, e.content_html):
            value.encode("utf-8")  # no lone surrogates from a failed decode
    ctx.feed().title.encode("utf-8")


def if_ok(check: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
    """Run ``check`` only when the feed was stored (for "any" cases)."""

    def run(ctx: Ctx) -> None:
        if ctx.result.status == "ok":
            check(ctx)

    return run


def check_no_leak(ctx: Ctx) -> None:
    for e in ctx.entries():
        assert "root:" not in e.title + e.summary + e.content_html
    assert ctx.result.error


def check_refused_entities(ctx: Ctx) -> None:
    assert ctx.result.error
    assert not ctx.hostile_entries()


def check_bounded(ctx: Ctx) -> None:
    assert ctx.result.error
    assert "larger than" in ctx.result.error or "MiB" in ctx.result.error


def check_timeout(ctx: Ctx) -> None:
    assert ctx.result.error
    assert "timed out" in ctx.result.error


def check_moved(status: int) -> Callable[[Ctx], None]:
    def check(ctx: Ctx) -> None:
        target = ctx.server.url(ctx.path + "-moved")
        assert ctx.feed().fetch_url == target
        assert "id-moved-1" in by_key(ctx)
        # The next poll goes straight to the new address.
        before = ctx.server.hits(ctx.path)
        assert ctx.repoll().status == "ok"
        assert ctx.server.hits(ctx.path) == before
        assert ctx.server.hits(ctx.path + "-moved") >= 2

    return check


def check_gone(ctx: Ctx) -> None:
    assert ctx.result.http_status == 410
    assert ctx.feed().gone
    hits = ctx.server.hits(ctx.path)
    assert ctx.repoll().status == "skipped"  # a gone feed is not asked again
    assert ctx.server.hits(ctx.path) == hits


def check_retry_after(seconds: float) -> Callable[[Ctx], None]:
    def check(ctx: Ctx) -> None:
        assert ctx.result.http_status == 429
        next_due = ctx.feed().next_due
        assert next_due is not None
        assert abs(next_due - (ctx.started + seconds)) < 15

    return check


def check_status(status: int) -> Callable[[Ctx], None]:
    def check(ctx: Ctx) -> None:
        assert ctx.result.http_status == status
        assert str(status) in (ctx.result.error or "")
        assert ctx.feed().error_count == 1 and ctx.feed().last_error

    return check


def check_no_title_link_id(ctx: Ctx) -> None:
    entries = ctx.hostile_entries()
    assert len(entries) == 4
    assert len({e.entry_key for e in entries}) == 4
    for e in entries:
        assert e.link == "" or e.link.startswith("https://")
    # Synthesized ids are stable: the same document adds nothing the second time.
    again = ctx.repoll()
    assert again.status == "ok" and again.new == 0
    assert len(ctx.hostile_entries()) == 4


def check_duplicates(ctx: Ctx) -> None:
    keys = [e.entry_key for e in ctx.hostile_entries()]
    assert sorted(keys) == ["id-dup", "id-other"]


def check_dates(ctx: Ctx) -> None:
    entries = by_key(ctx)
    assert set(entries) >= {"id-nodate", "id-baddate", "id-future", "id-ancient"}
    # A year-2999 date must not pin the entry to the top of every list.
    future = entries["id-future"]
    assert future.published is None or future.published <= time.time() + 2 * 86400 + 60
    assert entries["id-nodate"].published is None
    assert entries["id-baddate"].published is None
    assert entries["id-ancient"].published in (None, 0.0)
    for e in entries.values():
        assert e.time <= time.time() + 2 * 86400 + 60


def check_many(ctx: Ctx) -> None:
    assert ctx.result.new == 5000
    assert len(ctx.hostile_entries()) == 5000


def check_long_title(ctx: Ctx) -> None:
    e = by_key(ctx)["id-long"]
    assert 0 < len(e.title) <= 2000
    assert e.title.startswith("Long")


def redirect_loop(server: LoopbackServer, path: str) -> None:
    server.route(path, redirect(path + "-b", 302))
    server.route(path + "-b", redirect(path, 302))


def moved(status: int) -> Setup:
    def setup(server: LoopbackServer, path: str) -> None:
        server.route(path, redirect(path + "-moved", status))
        server.route(path + "-moved", Reply(body=rss([item("moved-1")], title="Moved")))

    return setup


DOC_BIDI = rss(
    [
        item(
            "bidi",
            title="invoice\u202efdp.exe\u202c \u2066hidden\u2069 \u200fok",
            description="spaced\u200b\u200b\u200b\u200b\u200b\u200bout",
        )
    ]
)
DOC_NO_IDS = rss(
    [
        {"description": "Only a summary, no title, link or id."},
        {"title": "Only a title"},
        {"link": "https://good.example/only-link"},
        {"title": "Title and link", "link": "https://good.example/tl"},
    ]
)
DOC_DUPS = rss(
    [
        item("dup", title="First copy"),
        item("dup", title="Second copy"),
        item("other"),
        item("dup", title="Third copy"),
    ]
)
DOC_DATES = rss(
    [
        {"title": "No date", "guid": "id-nodate"},
        item("baddate", pubDate="yesterday at noon, probably"),
        item("future", pubDate="Sat, 01 Jan 2999 00:00:00 GMT"),
        item("ancient", pubDate="Thu, 01 Jan 1970 00:00:00 GMT"),
        item("bad-month", pubDate="2026-13-45T99:99:99Z"),
    ]
)
DOC_MANY = rss([item(f"m{i}", description="x") for i in range(5000)])
DOC_LONG = rss([item("long", title="Long " + "title " * 4000)])
DOC_TRUNCATED = rss([item("trunc-1"), item("trunc-2")])[:-60]

CASES = [
    # -- text that must be made safe ----------------------------------------------
    Case("escapes-raw-bytes-rss", serve(every_field(ESCAPES)), "ok", check_escapes_rss("click")),
    Case(
        "escapes-char-refs-rss",
        serve(every_field("&#x1b;]0;PWNED&#x7;&#x1b;[2J&#x1b;]52;c;eA==&#x7;")),
        "any",
        if_ok(check_escapes_rss("")),
    ),
    # Well-formed XML with C1 characters (valid XML 1.0): the strict parser
    # keeps them and the sanitizer removes 8-bit CSI/OSC whole.
    Case("escapes-c1-as-utf8", serve(every_field(C1)), "ok", check_escapes_rss("")),
    Case("escapes-c1-in-loose-feed", serve(every_field(C1 + "\x1b")), "ok", check_c1_loose),
    Case("escapes-atom", serve(every_field_atom(ESCAPES)), "ok", check_escapes_atom),
    Case(
        "markup-kept-literally",
        serve(rss([item("markup", title=MARKUP, author=MARKUP, description=f"Body: {MARKUP}")])),
        "ok",
        check_markup,
    ),
    Case("bidi-and-zero-width", serve(DOC_BIDI), "ok", check_bidi),
    Case(
        "cjk-and-emoji",
        serve(
            rss(
                [item("cjk", title=CJK_EMOJI, author=CJK_EMOJI, description=f"正文 {CJK_EMOJI}")],
                title=CJK_EMOJI,
            )
        ),
        "ok",
        check_cjk,
    ),
    # -- entity tricks: refused before parsing -------------------------------------
    Case("billion-laughs", serve(billion_laughs()), "error", check_refused_entities),
    Case("quadratic-blowup", serve(quadratic_blowup()), "error", check_refused_entities),
    Case("xxe-file", serve(xxe()), "error", check_no_leak),
    Case("xxe-parameter-entity", serve(xxe_parameter()), "error", check_no_leak),
    # -- size and time limits ---------------------------------------------------------
    Case(
        "gzip-bomb",
        serve(Reply(body=gzip_zeros(1024 * MIB), headers={"Content-Encoding": "gzip"})),
        "error",
        check_bounded,
    ),
    Case("body-64-mib", serve(Reply(body=zeros(64 * MIB))), "error", check_bounded),
    Case(
        "content-length-too-long",
        serve(Reply(body=GOOD[:200], content_length=10_000_000, close_early=True)),
        "error",
    ),
    Case("content-length-too-short", serve(Reply(body=GOOD, content_length=40)), "any"),
    Case(
        "one-byte-per-second",
        serve(Reply(body=trickle(GOOD), chunk_delay=1.0)),
        "error",
        check_timeout,
        max_seconds=5.0,
        marks=(pytest.mark.slow,),
    ),
    Case(
        "never-answers",
        serve(Reply(hang=True)),
        "error",
        check_timeout,
        max_seconds=5.0,
        marks=(pytest.mark.slow,),
    ),
    # -- redirects ------------------------------------------------------------------------
    Case("redirect-loop", redirect_loop, "error", lambda c: "loop" in (c.result.error or "")),
    Case("redirect-to-file", serve(redirect("file:///etc/passwd")), "error", check_no_leak),
    Case("redirect-to-ftp", serve(redirect("ftp://127.0.0.1/feed.xml")), "error"),
    Case("moved-permanently-301", moved(301), "ok", check_moved(301)),
    Case("permanent-redirect-308", moved(308), "ok", check_moved(308)),
    # -- statuses -----------------------------------------------------------------------------
    Case("gone-410", serve(Reply(status=410, body=b"gone")), "error", check_gone),
    Case(
        "too-many-requests-seconds",
        serve(Reply(status=429, headers={"Retry-After": "120"})),
        "error",
        check_retry_after(120),
    ),
    Case(
        "too-many-requests-date",
        lambda s, p: s.route(p, Reply(status=429, headers={"Retry-After": http_date(900)})),
        "error",
        check_retry_after(900),
    ),
    Case("server-error-500", serve(Reply(status=500, body=b"oops")), "error", check_status(500)),
    Case("not-found-404", serve(Reply(status=404, body=b"nope")), "error", check_status(404)),
    # -- bodies that are not feeds ------------------------------------------------------
    Case("empty-body", serve(Reply(body=b"")), "error"),
    Case("html-page", serve(Reply(body=html_page(), content_type="text/html")), "error"),
    Case("garbage", serve(bytes(range(256)) * 64), "error"),
    Case("truncated-xml", serve(DOC_TRUNCATED), "any"),
    # -- encodings ----------------------------------------------------------------------------
    Case(
        "gb18030-declared",
        serve(encoded("科技新闻：芯片", "gb18030")),
        "ok",
        check_encoding("科技新闻：芯片"),
    ),
    Case(
        "shift-jis-declared",
        serve(encoded("東京のニュース", "shift_jis")),
        "ok",
        check_encoding("東京のニュース"),
    ),
    Case(
        "gb18030-undeclared-http-charset",
        serve(
            Reply(
                body=encoded("上海证券新闻", "gb18030", declare=False),
                content_type="application/rss+xml; charset=gb18030",
            )
        ),
        "ok",
        check_encoding("上海证券新闻"),
    ),
    Case(
        "shift-jis-undeclared-no-charset",
        serve(
            Reply(
                body=encoded("大阪の天気", "shift_jis", declare=False),
                content_type="application/rss+xml",
            )
        ),
        "any",
        check_valid_text,
    ),
    Case(
        "declared-shift-jis-but-gb18030",
        serve(encoded("北京新闻", "gb18030").replace(b"gb18030", b"shift_jis")),
        "any",
        check_valid_text,
    ),
    Case(
        "declared-utf8-but-latin1",
        serve(
            encoded("Café déjà vu", "utf-8").replace(
                "Café déjà".encode(), "Café déjà".encode("latin-1")
            )
        ),
        "any",
        check_decodable,
    ),
    Case(
        "invalid-utf8-bytes",
        serve(encoded("Café", "utf-8").replace(b"Caf\xc3\xa9", b"Caf\xff\xfe\xc3")),
        "any",
        check_decodable,
    ),
    # -- entries that break assumptions -------------------------------------------------
    Case("no-id-no-link-no-title", serve(DOC_NO_IDS), "ok", check_no_title_link_id),
    Case("duplicate-ids", serve(DOC_DUPS), "ok", check_duplicates),
    Case("bad-and-future-dates", serve(DOC_DATES), "ok", check_dates),
    Case(
        "five-thousand-items",
        serve(DOC_MANY),
        "ok",
        check_many,
        max_seconds=20.0,
        marks=(pytest.mark.slow,),
    ),
    Case("title-of-20000-chars", serve(DOC_LONG), "ok", check_long_title),
]


# -- machinery ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def scan_store(store: Store) -> None:
    """Every stored string is terminal-safe and every stored link is http(s)."""
    for e in store.list_entries(EntryFilter(), with_content=True):
        for name in (
            "title",
            "summary",
            "content_html",
            "author",
            "source_title",
            "source_url",
            "link",
            "comments",
            "entry_key",
        ):
            value = getattr(e, name)
            assert not UNSAFE.search(value), f"{name} of {e.entry_key!r} holds {value!r}"
        for value in (*e.categories, *e.related, *(enc.url for enc in e.enclosures)):
            assert not UNSAFE.search(value), f"{e.entry_key!r} holds {value!r}"
        for url in (e.link, e.source_url, e.comments, *e.related):
            assert url == "" or url.lower().startswith(("http://", "https://")), url
    for f in store.feeds():
        for value in (f.title, f.site_link, f.last_error or "", f.fetch_url):
            assert not UNSAFE.search(value), f"feed {f.url} holds {value!r}"


def make_config(url: str) -> Config:
    return Config(feeds=(FeedConfig(url=url),), poll=LIMITS)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_hostile_feed(case: Case, server: LoopbackServer, tmp_path: Path) -> None:
    path = f"/{case.id}"
    url = server.url(path)
    config = make_config(url)
    store = Store(tmp_path / "cache.sqlite3")
    try:
        # 1. A good version of the feed, with user state on it.
        server.route(path, Reply(body=GOOD))
        first = poll(store, config, force=True).results[0]
        assert first.status == "ok" and first.new == 3, first
        good = {e.entry_key: e for e in store.list_entries(EntryFilter())}
        assert set(good) == set(GOOD_KEYS)
        store.set_read([good["id-good-1"].id])
        store.set_starred([good["id-good-2"].id])
        before = {
            k: (e.title, e.summary, e.link)
            for k, e in ((e.entry_key, e) for e in store.list_entries(EntryFilter()))
        }
        flags_before = store.flags([e.id for e in good.values()])

        # 2. The hostile version on the same URL.
        case.setup(server, path)
        started = time.time()
        t0 = time.monotonic()
        report = poll(store, config, force=True)
        seconds = time.monotonic() - t0
        (result,) = report.results
        assert seconds < case.max_seconds, f"took {seconds:.1f} s"
        if case.expect == "ok":
            assert result.status == "ok" and result.error is None, result
        elif case.expect == "error":
            assert result.status == "error" and result.error, result
            # One sentence for people, not a traceback or a repr.
            assert "\n" not in result.error and "Traceback" not in result.error
            assert len(result.error) < 300
            state = store.get_feed(url)
            assert state is not None and state.last_error == result.error
        else:
            assert result.status in ("ok", "error"), result

        # 3. Nothing stored before was lost or rewritten, flags included.
        after = {
            e.entry_key: (e.title, e.summary, e.link)
            for e in store.list_entries(EntryFilter())
            if e.entry_key in GOOD_KEYS
        }
        assert after == before
        assert store.flags([e.id for e in good.values()]) == flags_before

        # 4. Whatever got in is safe, and case-specific expectations hold.
        scan_store(store)
        if case.check is not None:
            outcome = case.check(Ctx(server, store, config, url, path, result, seconds, started))
            assert outcome is not False
        scan_store(store)
        assert store.integrity_check() == "ok"
    finally:
        store.close()


# -- the reader on a hostile cache -------------------------------------------------------

# What the reader may legitimately emit: SGR/cursor CSI sequences, and OSC 8
# hyperlinks whose target is an http(s) URL (or empty, to close a link).
_ALLOWED_ESCAPE = re.compile(
    r"\x1b\[[0-9;?]*[A-Za-z]"
    r"|\x1b\]8;[^;\x07\x1b]*;(?:https?://[^\x00-\x20\x7f-\x9f]*)?(?:\x1b\\|\x07)"
)


def check_screen(app: object) -> str:
    """Render the whole screen; fail on feed-borne controls; return its plain text."""
    compositor = app.screen._compositor  # type: ignore[attr-defined]
    lines = []
    for strip in compositor.render_strips():
        line = []
        for segment in strip:
            if segment.control:
                continue
            assert not UNSAFE.search(segment.text), f"control in rendered text: {segment.text!r}"
            line.append(segment.text)
        lines.append("".join(line))
    raw = compositor.render_full_update().render_segments(app.console)  # type: ignore[attr-defined]
    stray = _ALLOWED_ESCAPE.sub("", raw)
    where = stray.find("\x1b")
    assert where < 0, f"unexpected escape sequence: {stray[max(0, where - 20) : where + 40]!r}"
    assert "\x9b" not in raw and "\x9d" not in raw
    text = "\n".join(lines)
    for debris in DEBRIS:
        assert debris not in text, f"{debris!r} on screen"
    assert "root:" not in text
    return text


RENDER_CASES = [c for c in CASES if not c.marks]


async def wait_for_view(app: BriefApp, pilot: Pilot[None], view: str) -> None:
    reader = app.reader
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if reader.view == view and reader.model is not None and reader.entries.cursor >= 0:
            return
    raise AssertionError(f"view {view} never loaded")


@pytest.mark.slow
async def test_reader_renders_hostile_cache(server: LoopbackServer, tmp_path: Path) -> None:
    urls = []
    for case in RENDER_CASES:
        path = f"/render/{case.id}"
        case.setup(server, path)
        urls.append(server.url(path))
    config = Config(feeds=tuple(FeedConfig(url=u) for u in urls), poll=LIMITS)
    store = Store(tmp_path / "cache.sqlite3")
    report = await poll_async(store, config, force=True)
    assert report.ok >= 20 and report.errors >= 15
    scan_store(store)

    app = BriefApp(config, store)
    seen_markup = False
    opened = 0
    async with app.run_test(size=(150, 50)) as pilot:
        # Every entry opened once in the "all" view (list + detail pane), then
        # the brief and the per-feed view (feed titles, errors) as lists.
        for key, view, open_all in (
            ("4", "all", True),
            ("1", "brief", False),
            ("5", "feeds", False),
        ):
            await pilot.press(key)
            await wait_for_view(app, pilot, view)
            check_screen(app)
            model = app.reader.model
            assert model is not None
            rows = [r for r in range(len(model)) if model.is_item(r)]
            for row in rows if open_all else rows[:1]:
                app.reader.open_row(row)
                await pilot.pause()
                text = check_screen(app)
                opened += 1
                seen_markup = seen_markup or "[@click=app.quit]" in text
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running
    assert opened >= 30
    # The markup look-alike was shown as the text it is, not run as markup.
    assert seen_markup
    store.close()
