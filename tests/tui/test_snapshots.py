"""Snapshot tests of the reader (pytest-textual-snapshot), with a frozen clock and UTC.

Brief, Unread and an opened story at 160×45, 100×30 and 80×24, on the
bundled demo (real-shaped headlines, summaries and outlets) and on the
fixture (markup look-alikes, CJK, emoji, a 20,000-character headline),
plus the selection and the light theme.

Regenerate after an intended visual change with
``.venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update``, then
look at the new SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from briefterm.tui.app import BriefApp
from tests.support.tui_data import make_config, settle
from tests.tui.conftest import AppFactory, DemoFactory

pytestmark = pytest.mark.usefixtures("utc")

SIZES = {"160x45": (160, 45), "100x30": (100, 30), "80x24": (80, 24)}

Steps = Callable[[Pilot[int]], Awaitable[None]]


async def settle_app(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, BriefApp)
    await settle(app, pilot)


async def open_story(pilot: Pilot[int]) -> None:
    """Open the story under the cursor and let its body render."""
    await pilot.press("enter")
    await settle_app(pilot)  # Markdown mounts the body's blocks in steps
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def brief(pilot: Pilot[int]) -> None:
    await settle_app(pilot)


async def unread(pilot: Pilot[int]) -> None:
    await settle_app(pilot)
    await pilot.press("2")
    await settle_app(pilot)


async def opened(pilot: Pilot[int]) -> None:
    await settle_app(pilot)
    await pilot.press("j", "s", "k")  # a star on the second story, then back to the first
    await open_story(pilot)


VIEWS: dict[str, Steps] = {"brief": brief, "unread": unread, "opened": opened}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_demo(snap_compare, make_demo: DemoFactory, view: str, size: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_demo(), terminal_size=SIZES[size], run_before=VIEWS[view])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_fixture(snap_compare, make_app: AppFactory, view: str, size: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(make_config(mark_read="never"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=VIEWS[view])


def test_selection_wide(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    """Selected rows: marker column, tint, the count in the footer; a range being drawn."""

    async def select(pilot: Pilot[int]) -> None:
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "j", "V", "j")
        await pilot.pause()

    app = make_app(make_config(mark_read="never"))
    assert snap_compare(app, terminal_size=(160, 45), run_before=select)


def test_light_theme_narrow_detail(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    async def select_and_open(pilot: Pilot[int]) -> None:
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "space", "k", "k")  # two selected rows
        await open_story(pilot)
        await pilot.press("i")  # and the full attribution
        await pilot.pause()

    app = make_app(make_config(theme="textual-light"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=select_and_open)
