"""Every text colour on screen passes WCAG AA (4.5:1) against its background, in both themes.

The colours are the ones the app really paints: the screen is rendered
and every segment that holds text is checked with the foreground and
background it was given (theme variables, component classes and
translucent colours already resolved by Textual). Glyphs that are not
text (block and box-drawing characters: the cursor bar, borders,
scrollbars) are left out.
"""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.segment import Segment
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.pilot import Pilot

from briefterm.tui.app import BriefApp
from tests.support.tui_data import make_config, settle
from tests.tui.conftest import AppFactory

pytestmark = pytest.mark.usefixtures("utc")

AA = 4.5
THEMES = ("textual-dark", "textual-light")


def _luminance(color: Color) -> float:
    red, green, blue = color.get_truecolor()

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(foreground: Color, background: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _is_text(char: str) -> bool:
    # Box drawing, block elements and geometric shapes are decoration.
    return not char.isspace() and not 0x2500 <= ord(char) <= 0x25FF


def low_contrast(app: BriefApp, region: Region | None = None) -> list[str]:
    """Every (text, foreground, background, ratio) painted below AA, as readable lines.

    ``region``: only what is painted there (a dialog, not the dimmed screen behind it).
    """
    problems: dict[tuple[str, str], str] = {}
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            assert isinstance(segment, Segment)
            start, x = x, x + segment.cell_length
            if region is not None and not region.contains(start, y):
                continue
            style = segment.style
            text = "".join(c for c in segment.text if _is_text(c))
            if not text or style is None or style.color is None or style.bgcolor is None:
                continue
            fg, bg = style.color, style.bgcolor
            if style.dim:  # a terminal draws dim text at about half strength
                r1, g1, b1 = fg.get_truecolor()
                r2, g2, b2 = bg.get_truecolor()
                fg = Color.from_rgb((r1 + r2) / 2, (g1 + g2) / 2, (b1 + b2) / 2)
            ratio = contrast(fg, bg)
            if ratio < AA:
                key = (fg.get_truecolor().hex, bg.get_truecolor().hex)
                problems.setdefault(key, f"{ratio:.2f} {key} line {y}: {text.strip()[:40]!r}")
    return sorted(problems.values())


async def _states(app: BriefApp, pilot: Pilot[int]) -> dict[str, list[str]]:
    """Low-contrast text in each state a reader sees: brief, selection, story, Unread, help."""
    seen: dict[str, list[str]] = {}
    await settle(app, pilot)
    seen["brief, cursor on a key story"] = low_contrast(app)
    await pilot.press("J", "j", "space", "j", "s")  # a selected row, a starred one
    seen["selection and star"] = low_contrast(app)
    await pilot.press("m", "k", "enter")  # a read row; the story open, the list blurred
    await settle(app, pilot)
    await pilot.press("i")  # the full attribution
    await pilot.pause()
    seen["story open with details"] = low_contrast(app)
    await pilot.press("h", "2")
    await settle(app, pilot)
    await pilot.press("shift+tab")  # the section list focused
    seen["unread view, sections focused"] = low_contrast(app)
    await pilot.press("question_mark")
    await pilot.pause()
    dialog = app.screen.query_one(VerticalScroll).region  # the reader behind it is dimmed
    seen["help screen"] = low_contrast(app, dialog)
    return seen


@pytest.mark.parametrize("theme", THEMES)
async def test_every_text_colour_passes_aa(theme: str, make_app: AppFactory) -> None:
    app = make_app(make_config(theme=theme, mark_read="never"))
    async with app.run_test(size=(120, 40)) as pilot:
        states = await _states(app, pilot)
    failing = {state: found for state, found in states.items() if found}
    assert not failing, "\n".join(f"{s}:\n  " + "\n  ".join(f) for s, f in failing.items())


def test_the_ratio_is_wcags() -> None:
    white, black = Color.parse("#ffffff"), Color.parse("#000000")
    assert contrast(white, black) == pytest.approx(21.0)
    assert contrast(black, black) == pytest.approx(1.0)
    # The classic AA boundary: #767676 on white is 4.54:1.
    assert contrast(Color.parse("#767676"), white) == pytest.approx(4.54, abs=0.01)
