"""The pure rules under the reader's rows: wrapping, the line index, deks, links, colours."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len
from textual.color import Color

from briefterm.models import Entry
from briefterm.store import Store
from briefterm.tui.article_links import display_url, number_links, wrap_url
from briefterm.tui.row_layout import (
    LineIndex,
    abbreviate,
    brief_columns,
    layout,
    line_columns,
    lines_needed,
    wrap,
)
from briefterm.tui.story_text import dek, story_text
from briefterm.tui.theme_colors import contrast, readable, reader_variables
from briefterm.tui.view_model import CLUSTER, build_brief_model
from briefterm.tui.widgets._painter import Painter, RowState
from tests.support.tui_data import NOW, clock, fixture_brief, make_config

TEXTS = [
    "Pomelo's Slate 7 phone promises a week of battery life",
    "国产芯片出货量创新高 — 华为发布新机，国内版 SOLO 模式上线",
    "Rocket launch 🚀 succeeds after 👩‍🚀 crew swap",
    "Supercalifragilisticexpialidocious" * 4,
    "Very long headline " * 40,
    "x",
]


def entry(title: str = "", summary: str = "", **fields: object) -> Entry:
    made = Entry(
        1, 1, "u", "Tech Daily", "k", title, "https://a.example/1", summary, "", NOW, None, NOW
    )
    for name, value in fields.items():
        setattr(made, name, value)
    return made


@pytest.mark.parametrize("text", TEXTS)
def test_wrap_fits_the_width_and_says_when_it_cut(text: str) -> None:
    for width in (4, 9, 20, 37, 80):
        for most in (1, 2, 3):
            lines = wrap(text, width, most)
            assert 1 <= len(lines) <= most
            assert all(cell_len(line) <= width for line in lines)
            if cell_len(text) <= width:
                assert lines == [text]
            joined = "".join(line.rstrip("…") for line in lines).replace(" ", "")
            if not lines[-1].endswith("…"):
                assert joined == text.replace(" ", "")  # nothing lost when nothing was cut


@pytest.mark.parametrize("text", TEXTS)
def test_line_counts_need_no_wrapping(text: str) -> None:
    # The line index counts lines from cell widths alone: it must agree with wrap().
    for width in range(4, 90, 3):
        assert lines_needed(cell_len(text), width) == len(wrap(text, width, 2))
    assert lines_needed(0, 10) == 0


def test_outlets_are_shortened_before_they_are_dropped() -> None:
    assert abbreviate("The Morning Ledger", 30) == "The Morning Ledger"
    assert abbreviate("The Morning Ledger", 14) == "Morning Ledger"
    assert abbreviate("The Morning Ledger", 10) == "Morning L…"
    assert abbreviate("Pocket Tech Review via Wirestream", 20) == "Pocket Tech Review"
    assert abbreviate("阮一峰的网络日志", 9) == "阮一峰的…"
    for width in range(1, 20):
        short = abbreviate("The Morning Ledger via Wirestream", width)
        assert short and cell_len(short) <= width


def test_columns_give_the_title_the_spare_width() -> None:
    titles = [line_columns(w).headline for w in range(60, 200)]
    assert titles == sorted(titles) and titles[-1] > 150
    assert all(line_columns(w).side >= 17 for w in range(60, 200))  # outlet and age stay
    brief = brief_columns(136, 3)
    assert brief.headline == 136 - 4 - 3 - 6 - 1 and brief.dek == 136 - 7 - 1


def test_the_line_index_maps_lines_to_rows() -> None:
    from array import array

    index = LineIndex(3, array("q", [0, 1, 4, 6]))
    assert [index.row_at(line) for line in range(6)] == [0, 1, 1, 1, 2, 2]
    assert [index.start(r) for r in range(3)] == [0, 1, 4]
    assert [index.height(r) for r in range(3)] == [1, 3, 2]
    assert index.lines == 6 and index.row_at(99) == 2
    uniform = LineIndex(100_000)
    assert uniform.lines == 100_000 and uniform.row_at(500) == 500 and uniform.height(7) == 1
    assert LineIndex(0).row_at(0) == -1


def _painter() -> Painter:
    from rich.style import Style

    from briefterm.tui.widgets._painter import STYLE_NAMES

    return Painter({name: Style(bgcolor="black") for name in STYLE_NAMES}, Style())


def test_each_story_paints_as_many_lines_as_the_index_gives_it(store: Store) -> None:
    model = build_brief_model(fixture_brief(store, make_config(), 0, clock()))
    painter = _painter()
    for width in range(30, 170, 9):
        index = layout(model, width)
        for row in range(len(model)):
            if model.kinds[row] != CLUSTER:
                continue
            group = model.groups[model.group_index(row)]
            from briefterm.tui.row_layout import rank_width

            columns = brief_columns(width, rank_width(group.size) if group.numbered else 0)
            text = model.texts[model.values[row]]
            lines = [
                painter.story_line(columns, text, n, 1, "5h", RowState()).text
                for n in range(index.height(row))
            ]
            assert all(cell_len(line) == width for line in lines)
            assert lines[-1].strip() == ""  # the blank line that ends a story
            assert all(line.strip() for line in lines[:-1]), (width, lines)
            assert text.outlet.split(" via ")[0][:4] in lines[-2] or text.outlet[:4] in "".join(
                lines
            )


def test_the_dek_never_repeats_the_headline() -> None:
    assert dek(entry("A title", "First sentence. Second one.")) == "First sentence. Second one."
    assert dek(entry("", "An untitled post's text is its headline.")) == ""
    # A title made from the text (untitled microblog posts): the dek is what follows.
    made = entry("Good morning students and teachers", "Good morning students and teachers! Today…")
    assert dek(made) == "Today…"
    text = story_text(__import__("briefterm.models", fromlist=["Cluster"]).Cluster(made))
    assert text.headline == "Good morning students and teachers" and text.others == 0


def test_urls_read_decoded_and_wrap_at_their_separators() -> None:
    url = "https://tw.news.example.com/news/%E6%98%94%E6%97%A5-012508764.html?a=1&b=%20x%2F"
    shown = display_url(url)
    assert shown == "https://tw.news.example.com/news/昔日-012508764.html?a=1&b=%20x%2F"
    assert display_url("https://a.example/%FF%FE") == "https://a.example/%FF%FE"  # not UTF-8
    assert "\u202e" not in display_url("https://a.example/%E2%80%AEevil")  # no bidi tricks
    long = "https://www.example.com/education/2025/nov/20/a-course-taught-in-large-part-by-ai"
    lines = wrap_url(long, 40)
    assert "".join(lines) == long and all(cell_len(line) <= 40 for line in lines)
    assert all(line[-1] in "/?&=#-._~,;+" for line in lines[:-1])  # never inside a word
    assert lines[0] == "https://www.example.com/education/2025/"
    assert wrap_url("x" * 100, 30) == ["x" * 30, "x" * 30, "x" * 30, "x" * 10]


def test_links_are_numbered_in_reading_order_and_code_is_left_alone() -> None:
    body = (
        "See [the spec](https://a.example/spec) and \\[not a link\\](https://b.example/x).\n\n"
        "`[in code](https://c.example/y)`\n\n"
        "```\n[fenced](https://d.example/z)\n```\n\n"
        "[image: A chart](https://cdn.example/chart.png)\n\n"
        "[image](https://cdn.example/plain.png) and [the spec again](https://a.example/spec)"
    )
    story = entry("T", related=("https://r.example/1",))
    marked, links = number_links(story, body, [entry("T", feed_title="Other Desk")])
    assert [(link.number, link.label, link.url) for link in links] == [
        (1, "This story", "https://a.example/1"),
        (2, "the spec", "https://a.example/spec"),
        (3, "image: A chart", "https://cdn.example/chart.png"),
        (4, "image", "https://cdn.example/plain.png"),
        (5, "Related", "https://r.example/1"),
    ]  # the other report has the story's own URL: listed once, as [1]
    assert "[the spec](https://a.example/spec)\\[2\\]" in marked
    assert "\\[not a link\\](https://b.example/x)" in marked
    assert "`[in code](https://c.example/y)`" in marked
    assert "```\n[fenced](https://d.example/z)\n```" in marked
    assert "[\\[image: A chart\\]](https://cdn.example/chart.png)\\[3\\]" in marked
    assert "[\\[image\\]](https://cdn.example/plain.png)\\[4\\]" in marked
    assert "[the spec again](https://a.example/spec)\\[2\\]" in marked


def test_reader_colours_read_on_every_background() -> None:
    rng = random.Random(7)
    for _ in range(200):
        backgrounds = [Color(rng.randrange(256), rng.randrange(256), rng.randrange(256))]
        backgrounds.append(backgrounds[0].blend(Color(0, 90, 200), 0.3))
        start = Color(rng.randrange(256), rng.randrange(256), rng.randrange(256))
        made = readable(start, backgrounds)
        best = max(
            min(contrast(end, b) for b in backgrounds)
            for end in (Color(255, 255, 255), Color(0, 0, 0))
        )
        if best >= 4.6:  # some mid-grey pairs cannot reach 4.5:1 with anything
            assert min(contrast(made, b) for b in backgrounds) >= 4.5
    variables = reader_variables({"surface": "#D8D8D8", "panel": "#D0D0D0"}, dark=False)
    accent = Color.parse(variables["brief-accent"])
    assert contrast(accent, Color.parse("#D0D0D0")) >= 4.5
