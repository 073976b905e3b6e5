"""Renderers: Markdown, plain text, links and JSON from real briefs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from briefterm.brief import EditionWindow, brief_from_entries, build_brief
from briefterm.config import BriefConfig, Config, FeedConfig
from briefterm.export import render
from briefterm.export._parts import short_summary
from briefterm.export.json import render_json
from briefterm.export.links import render_links
from briefterm.export.markdown import md_escape
from briefterm.export.text import wrap
from briefterm.models import Enclosure, ParsedEntry
from briefterm.store import Store

UTC0 = ZoneInfo("UTC")
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()
CONFIG = Config(
    feeds=(
        FeedConfig(url="https://wire.example/rss", section="Companies", priority=1),
        FeedConfig(url="https://ledger.example/rss", section="Companies"),
        FeedConfig(url="https://evil.example/rss", section="Other news"),
    ),
    brief=BriefConfig(title="Morning brief", key_stories=3, title_similarity=0.25),
)
HOSTILE_TITLE = "Click [here](javascript:alert(1)) ![img](http://x/y.png) <b>*bold*</b> `code` _u_"


def entry(key: str, title: str, hour: float, **kw: object) -> ParsedEntry:
    return ParsedEntry(
        entry_id=key,
        title=title,
        link=kw.pop("link", f"https://news.example/{key}"),  # type: ignore[arg-type]
        published=datetime.fromtimestamp(NOON + hour * 3600, UTC),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def brief():
    s = Store(":memory:")
    wire = s.ensure_feed("https://wire.example/rss", "Northwind Wire")
    ledger = s.ensure_feed("https://ledger.example/rss", "Tech Ledger")
    evil = s.ensure_feed("https://evil.example/rss", "Evil Feed")
    s.upsert_entries(
        wire,
        [
            entry(
                "w1",
                "Corvid Software to buy Tessellate for $2.1 billion",
                -2,
                summary="Corvid agreed to buy the data startup in cash. The deal closes in May. "
                "Regulators must still approve it.",
                author="Ada Reporter",
                source_title="Original Times",
                categories=("Deals",),
                enclosures=(Enclosure("https://x.example/a.mp3", "audio/mpeg", 123),),
                related=("https://related.example/story",),
            ),
        ],
        now=NOON,
    )
    s.upsert_entries(
        ledger,
        [
            entry(
                "l1",
                "Corvid agrees $2.1bn deal for Tessellate",
                -1,
                summary="Corvid Software will pay $2.1 billion.",
            ),
        ],
        now=NOON,
    )
    s.upsert_entries(
        evil,
        [
            entry(
                "e1",
                HOSTILE_TITLE,
                -3,
                summary="# Not a heading\n> not a quote",
                link="javascript:alert(1)",
            ),
            entry(
                "e2",
                "Second\x1b[201~ item \x1b]52;c;aGk=\x07 with escapes",
                -4,
                summary="bidi \u202e override",
            ),
        ],
        now=NOON,
    )
    s.set_starred([4], True)
    window = EditionWindow.for_date(datetime.fromtimestamp(NOON, UTC).date(), tz=UTC0)
    return build_brief(s, CONFIG, window)


def no_controls(text: str) -> bool:
    return not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


def test_markdown_reads_like_a_brief(brief) -> None:
    md = render(brief, "md", tz=UTC0)
    lines = md.splitlines()
    assert lines[0] == "# Morning brief — Tuesday 10 March 2026"
    assert lines[2].startswith("Corvid Software to buy Tessellate for $2.1 billion; ")
    assert "## Key stories" in lines
    assert (
        "1. [Corvid Software to buy Tessellate for $2.1 billion](https://news.example/w1)"
        " (2 sources)" in lines
    )
    assert lines.index("## Companies") < lines.index("## Other news")
    assert "- **Corvid Software to buy Tessellate for $2.1 billion** (2 sources)" in lines
    # One or two sentences of summary, then the attribution in italics.
    assert "  Corvid agreed to buy the data startup in cash. The deal closes in May." in lines
    assert (
        "  *Original Times via Northwind Wire · by Ada Reporter · 10 Mar 10:00"
        " · [link](https://news.example/w1)*"
    ) in lines
    assert "  *Also reported by: [Tech Ledger](https://news.example/l1)*" in lines
    assert "  *Related: [related.example](https://related.example/story)*" in lines


def test_markdown_escapes_feed_text(brief) -> None:
    md = render(brief, "md", tz=UTC0)
    # No unescaped link/image/HTML openers anywhere feed text went.
    evil_lines = [line for line in md.splitlines() if "Click" in line]
    assert evil_lines
    for line in evil_lines:
        assert not re.search(r"(?<!\\)\]\(", line)
        assert not re.search(r"(?<!\\)<", line)
        assert not re.search(r"(?<!\\)!\[", line.replace("!\\[", ""))
    assert (
        r"Click \[here\](javascript:alert(1)) !\[img\](http://x/y.png) \<b\>\*bold\*\</b\>"
        r" \`code\` \_u\_" in md
    )
    assert r"  \# Not a heading \> not a quote" in md
    # A javascript: link is dropped, never linked.
    assert "(javascript:alert(1))*" not in md
    assert md_escape("&amp; & co") == r"\&amp; & co"
    assert md_escape("1. first") == r"1\. first"


@pytest.mark.parametrize("fmt", ["md", "text", "links", "json"])
def test_every_format_is_free_of_control_characters(brief, fmt: str) -> None:
    out = render(brief, fmt, tz=UTC0)
    assert no_controls(out)
    assert "\x1b" not in out and "[201~" not in out.replace("\\[201~", "")
    assert "\x07" not in out
    if fmt == "md":  # whole sequences are dropped before escaping, leaving no debris
        assert "Second item with escapes" in out


def test_plain_text_is_numbered_wrapped_and_markup_free(brief) -> None:
    text = render(brief, "text", tz=UTC0)
    lines = text.splitlines()
    assert lines[0] == "Morning brief — Tuesday 10 March 2026"
    assert "KEY STORIES" in lines and "COMPANIES" in lines
    assert " 1. Corvid Software to buy Tessellate for $2.1 billion (2 sources)" in lines
    assert "    https://news.example/w1" in lines
    assert any(
        line.startswith("    Also reported by: Tech Ledger (https://news.example/l1)")
        for line in lines
    )
    assert all(len(line) <= 78 or "https://" in line for line in lines)
    assert "**" not in text and "javascript:" not in text.split("Click")[0]


def test_wrap_breaks_cjk_and_keeps_urls_whole() -> None:
    lines = wrap("中" * 50, width=20)
    assert all(len(line) * 2 <= 20 for line in lines) and "".join(lines) == "中" * 50
    url = "https://example.com/" + "a" * 100
    assert url in wrap(f"see {url} now", width=40)
    # Closing punctuation never starts a line (kinsoku).
    text = "国产芯片出货量创新高，华为发布新机。" * 6
    for width in range(10, 41):
        lines = wrap(text, width=width)
        assert "".join(lines) == text
        assert not any(line[0] in "，。" for line in lines)


def test_links_one_safe_url_per_line(brief) -> None:
    links = render_links(brief).splitlines()
    assert links[0] == "https://news.example/w1"
    assert "https://news.example/l1" not in links  # only leads by default
    assert "https://news.example/l1" in render_links(brief, members=True).splitlines()
    assert all(link.startswith("https://") for link in links)


def test_json_has_every_field_and_a_schema_version(brief) -> None:
    data = json.loads(render_json(brief))
    assert data["schema_version"] == 2 and data["title"] == "Morning brief"
    assert data["start"] == "2026-03-10T00:00:00Z"
    companies = next(s for s in data["sections"] if s["name"] == "Companies")
    cluster = companies["clusters"][0]
    assert cluster["source_count"] == 2 and len(cluster["ids"]) == 2
    lead = cluster["entries"][0]
    assert lead["title"] == "Corvid Software to buy Tessellate for $2.1 billion"
    assert lead["published"] == "2026-03-10T10:00:00Z"
    assert lead["publisher"] == "Original Times" and lead["feed"] == "Northwind Wire"
    assert lead["enclosures"] == [
        {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": 123}
    ]
    assert lead["categories"] == ["Deals"] and lead["section"] == "Companies"
    assert lead["cluster_lead"] == lead["id"]
    assert {"read", "starred", "author", "summary", "link", "first_seen", "related"} <= set(lead)
    assert data["key_stories"][0] == lead["id"]


def test_short_summary_and_unknown_format(brief) -> None:
    assert short_summary("One. Two. Three.") == "One. Two."
    assert short_summary("第一句。第二句。第三句。") == "第一句。第二句。"
    assert short_summary("x" * 1000).endswith("…")
    with pytest.raises(ValueError, match="unknown export format"):
        render(brief, "pdf")


def test_a_selection_of_stories_renders(brief) -> None:
    picked = brief_from_entries(brief.clusters[0].members, CONFIG, title="Selected stories")
    md = render(picked, "md", tz=UTC0)
    assert md.startswith("# Selected stories")
    assert "Corvid" in md
