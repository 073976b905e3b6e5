"""Tests for briefterm.htmltext: plain-text summaries and safe Markdown."""

from __future__ import annotations

import pytest
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefterm.htmltext import html_to_markdown, html_to_text
from briefterm.sanitize import clean_line
from tests.support import is_safe
from tests.support.scaling import LINEAR_FOR_4X, cpu_seconds, growth

BASE = "https://news.example.com/world/story.html"


def _tokens(markdown: str) -> list[Token]:
    """All block and inline tokens CommonMark produces for ``markdown``."""
    out: list[Token] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        out.append(token)
        out.extend(token.children or [])
    return out


def _links(markdown: str) -> list[str]:
    return [str(t.attrs["href"]) for t in _tokens(markdown) if t.type == "link_open"]


def _assert_no_active_markup(markdown: str) -> None:
    kinds = {t.type for t in _tokens(markdown)}
    assert "image" not in kinds
    assert "html_inline" not in kinds and "html_block" not in kinds


# --------------------------------------------------------------------------
# html_to_text
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One</p><p>Two</p>", "One Two"),
        ("Line<br>break<br/>here", "Line break here"),
        ("<b>Bold</b>, <i>italic</i>.", "Bold, italic."),
        ("<p>Keep</p><script>alert('x')</script><style>p{color:red}</style>", "Keep"),
        ("<p>Keep</p><iframe src='https://x'>fallback</iframe> end", "Keep end"),
        ("before <script>never closed", "before"),
        ("a <!-- hidden --> b", "a b"),
        ('<a title="x > y" href="/z">link</a> text', "link text"),
        ("2 < 3 and 5 > 4", "2 < 3 and 5 > 4"),
        ("&lt;b&gt;not a tag&lt;/b&gt; &amp; friends", "<b>not a tag</b> & friends"),
        ("Fish&nbsp;&amp;&nbsp;chips &#8212; &eacute;", "Fish & chips — é"),
        ("[/] [@click=app.quit]quit[/]", "[/] [@click=app.quit]quit[/]"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(html: str | None, expected: str) -> None:
    assert html_to_text(html) == expected


def test_html_to_text_removes_controls_and_escapes() -> None:
    text = html_to_text("<p>a\x1b]52;c;ZXZpbA==\x07b &#27;[2J \u202eevil\u202c \x85 c\u0301</p>")
    assert is_safe(text)
    assert "52;c;" not in text and "\u202e" not in text
    assert text == clean_line(text)  # already in clean_line's normal form
    assert text.endswith("ć")  # NFC-normalized


def test_html_to_text_truncates_long_bodies() -> None:
    body = "<p>" + "word " * 50_000 + "</p>"
    text = html_to_text(body, max_length=600)
    assert len(text) == 600 and text.endswith("…")
    short = html_to_text("<p>" + "x " * 10 + "</p>" + "<div>" * 2000, max_length=600)
    assert short == " ".join(["x"] * 10)


# --------------------------------------------------------------------------
# html_to_markdown: structure
# --------------------------------------------------------------------------


def test_paragraphs_headings_emphasis() -> None:
    md = html_to_markdown(
        "<h2>Storm  update</h2><p>Winds <b>eased</b> by <em>noon</em>.</p><p>Ferries resume.</p>"
    )
    assert md == "## Storm update\n\nWinds **eased** by *noon*.\n\nFerries resume."


def test_nested_and_ordered_lists() -> None:
    md = html_to_markdown(
        "<ul><li>Roads<ul><li>North bridge</li><li>Ring road</li></ul></li><li>Rail</li></ul>"
        "<ol><li>First</li><li>Second</li></ol>"
    )
    assert md == ("- Roads\n  - North bridge\n  - Ring road\n- Rail\n\n1. First\n2. Second")
    tokens = [t.type for t in _tokens(md)]
    assert tokens.count("bullet_list_open") == 2 and tokens.count("ordered_list_open") == 1


def test_blockquote_code_and_pre() -> None:
    md = html_to_markdown(
        "<blockquote><p>We are ready.</p></blockquote>"
        "<p>Run <code>make *all*</code> now.</p>"
        "<pre>if a &lt; b:\n    print('[x](javascript:1)')</pre>"
    )
    assert "> We are ready." in md
    assert "`make *all*`" in md
    assert "```\nif a < b:\n    print('[x](javascript:1)')\n```" in md
    _assert_no_active_markup(md)
    assert _links(md) == []


def test_tables_become_rows() -> None:
    md = html_to_markdown(
        "<table><tr><th>City</th><th>Rain</th></tr><tr><td>Oslo</td><td>12 mm</td></tr></table>"
    )
    assert md == "City · Rain\nOslo · 12 mm"


# --------------------------------------------------------------------------
# html_to_markdown: links and images
# --------------------------------------------------------------------------


def test_links_resolved_and_filtered() -> None:
    md = html_to_markdown(
        '<p><a href="/world/other.html">relative</a> '
        '<a href="https://example.org/a b(1)">absolute</a> '
        '<a href="mailto:desk@example.com">mail</a> '
        '<a href="javascript:alert(1)">script</a> '
        '<a href="data:text/html,x">data</a> '
        '<a href="file:///etc/passwd">file</a> '
        '<a href="https://example.org/empty"></a></p>',
        BASE,
    )
    assert _links(md) == [
        "https://news.example.com/world/other.html",
        "https://example.org/a%20b%281%29",
        "mailto:desk@example.com",
        "https://example.org/empty",
    ]
    assert "script" in md and "javascript" not in md and "data:" not in md and "file:" not in md


def test_images_become_link_lines() -> None:
    md = html_to_markdown(
        '<p>Before<img src="/img/map.png" alt="Flood map">after</p>'
        '<img src="javascript:x" alt="bad"><img src="data:image/png;base64,AAAA">',
        BASE,
    )
    assert "[image: Flood map](https://news.example.com/img/map.png)" in md.split("\n")
    _assert_no_active_markup(md)
    assert _links(md) == ["https://news.example.com/img/map.png"]
    assert "\\[image: bad\\]" in md


def test_dangerous_elements_dropped() -> None:
    md = html_to_markdown(
        "<p>Visible</p><script>steal()</script><style>.x{}</style>"
        "<iframe src='https://evil.example/'>frame text</iframe>"
        "<object data='x.swf'>object text</object><embed src='x'>"
        "<form action='/login'><input name='pw'><button>Send</button></form>"
        "<noscript>noscript text</noscript><svg><text>svg text</text></svg>"
    )
    assert md == "Visible"


# --------------------------------------------------------------------------
# html_to_markdown: no injection
# --------------------------------------------------------------------------


def test_feed_text_cannot_inject_markdown() -> None:
    md = html_to_markdown(
        "<p>[click me](javascript:alert(1)) ![pixel](https://track.example/p.gif) "
        "&lt;img src=x onerror=alert(1)&gt; <b>*not italic*</b> _under_ `tick` "
        "&lt;https://auto.example&gt; | a | b | ~~gone~~ &amp;#27; [/] [@click=app.quit]</p>"
        "<p># not a heading</p><p>- not a list</p><p>1. not ordered</p><p>&gt; not quoted</p>"
        "<p>===</p>",
        BASE,
    )
    tokens = _tokens(md)
    kinds = {t.type for t in tokens}
    assert _links(md) == []
    _assert_no_active_markup(md)
    assert not kinds & {"heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open"}
    assert not kinds & {"em_open", "code_inline"}
    assert [t.type for t in tokens].count("strong_open") == 1  # only the real <b>
    rendered_text = "".join(t.content for t in tokens if t.type == "text")
    # The characters survive as text for the reader to see.
    for literal in ("[click me](javascript:alert(1))", "*not italic*", "[/] [@click=app.quit]"):
        assert literal in rendered_text
    assert "&#27;" in rendered_text  # shown literally, never decoded to ESC


def test_markdown_output_is_control_free() -> None:
    md = html_to_markdown(
        "<p>Title \x1b]52;c;ZXZpbA==\x07 \x1b[2Jclear &#x1b;]0;pwned&#7; \u202eevil \x9b31m</p>"
        "<ul><li>item \x00 nul</li></ul>"
    )
    assert is_safe(md)
    assert "52;c;" not in md and "pwned" not in md and "\u202e" not in md
    assert "- item nul" in md


def test_empty_and_plain_inputs() -> None:
    assert html_to_markdown("") == ""
    assert html_to_markdown("   ") == ""
    assert html_to_markdown(None) == ""
    assert html_to_markdown("Just text, no tags.") == "Just text, no tags."
    assert html_to_markdown("<p></p><div> </div>") == ""


def test_fifty_kb_body_converts_fast() -> None:
    para = (
        "<p>The <b>committee</b> met on <a href='/x'>Thursday</a> to review the plan, "
        "and <i>agreed</i> to publish the minutes.</p><ul><li>one</li><li>two</li></ul>"
    )
    body = para * (50_000 // len(para) + 1)
    # Measured against libxml2 parsing the same HTML, side by side, so a busy
    # machine slows both: the walk costs about 10 parses (bench/bench_parse.py
    # reports the real figure); 40 leaves room without hiding a regression.
    parser = etree.HTMLParser()
    convert, parse = cpu_seconds(
        lambda: html_to_markdown(body, BASE), lambda: etree.fromstring(f"<div>{body}</div>", parser)
    )
    assert convert < 40 * parse, f"50 KB took {convert / parse:.1f} times as long as parsing it"


@pytest.mark.parametrize(
    ("piece", "count", "tail"),
    [
        ("<a", 100_000, ""),
        ('<a title="', 20_000, ""),
        ("<!", 100_000, ""),
        ("<?", 100_000, ""),
        ("<script>", 20_000, ""),
        ("<!--", 50_000, ""),
        ("<style>x</style>", 20_000, ""),
        ("<div>", 20_000, "deep"),
        ("<ul><li>", 5_000, "deep"),
    ],
)
def test_hostile_html_is_handled_in_linear_time(piece: str, count: int, tail: str) -> None:
    # Regexes that backtrack quadratically would take minutes on these: four
    # times the input would cost sixteen times as much, not four.
    hostile, quarter = piece * count + tail, piece * (count // 4) + tail
    text_growth = growth(html_to_text, quarter, hostile)
    markdown_growth = growth(lambda html: html_to_markdown(html, BASE), quarter, hostile)
    assert max(text_growth, markdown_growth) < LINEAR_FOR_4X, (text_growth, markdown_growth)
    assert is_safe(html_to_text(hostile))
