"""The reader on the bundled demo, as a new user first sees it (the issue's "done when").

At 160 columns the first screen is the edition's front page: every key
story's whole headline with its dek. At 100 and 80 columns every row still
names its outlet. At 80×24 an opened story's body starts on the first screen.
"""

from __future__ import annotations

import pytest

from briefterm.tui.app import BriefApp
from tests.support.tui_data import model_of, settle
from tests.tui.conftest import DemoFactory

pytestmark = pytest.mark.usefixtures("utc")


def screen_text(app: BriefApp) -> str:
    """Everything painted, one string per screen line joined by newlines."""
    return "\n".join(
        "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
    )


def words(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.replace("▌", " ").split())


def outlet_shown(outlet: str, line: str) -> bool:
    """True when ``line`` names ``outlet``, perhaps shortened ("Morning Led…")."""
    name = outlet.split(" via ", 1)[0]
    name = name[4:] if name.startswith("The ") and len(name) > 12 else name
    return name[:6] in line


async def test_the_first_screen_at_160_columns_is_the_front_page(make_demo: DemoFactory) -> None:
    app = make_demo()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        model = model_of(app)
        key = model.groups[0]
        assert key.name == "Key stories" and key.size == 5
        shown = words(screen_text(app))
        for row in range(key.header_row + 1, key.end_row):
            text = model.texts[model.values[row]]
            assert text.headline in shown, f"headline of key story {row} is cut"
            assert text.dek and words(text.dek)[:60] in shown, f"no dek for {text.headline!r}"
        assert words(model.lede)[:80] in shown  # the lede stands above them


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
@pytest.mark.parametrize("view", ["1", "2"])
async def test_every_row_names_its_outlet(
    make_demo: DemoFactory, size: tuple[int, int], view: str
) -> None:
    app = make_demo()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press(view)
        await settle(app, pilot)
        for opened in (False, True):  # and beside an open story, in a narrower list
            entries = app.reader.entries
            model = model_of(app)
            first = entries.line_index.row_at(int(entries.scroll_y))
            last = entries.line_index.row_at(int(entries.scroll_y) + entries.size.height - 1)
            checked = 0
            for row in range(first, last + 1):
                lead = model.lead_id(row)
                if lead is None:
                    continue
                entry = app.reader.reads.get_entry(lead)
                assert entry is not None
                lines = " ".join(entries.row_lines(row))
                assert outlet_shown(entry.outlet, lines), f"{entry.outlet!r} missing: {lines!r}"
                checked += 1
            assert checked >= (1 if opened else 3), f"{checked} rows on screen (opened={opened})"
            if not opened:
                await pilot.press("enter")
                await settle(app, pilot)
                await pilot.press("shift+tab")  # back to the list, the story open


async def test_at_80x24_an_opened_story_starts_on_the_first_screen(
    make_demo: DemoFactory,
) -> None:
    app = make_demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause()
        entry = app.reader.detail.entry
        assert entry is not None
        body_start = words(entry.summary)[:40]
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        assert any(body_start[:30] in words(line) for line in lines[:-1]), "\n".join(lines)
