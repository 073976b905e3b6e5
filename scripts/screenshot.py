"""Write the README's screenshots: the reader on the bundled demo feeds.

    .venv/bin/python scripts/screenshot.py [--output docs/screenshot.svg] [--size 160x45]
        [--keys "enter"] [--theme textual-dark]

Runs offline: the demo feeds are served on 127.0.0.1 and polled into a
temporary cache (briefterm.demo.prepare_demo), then the app runs headless,
presses ``--keys`` (Textual key names, space-separated; none: the Brief
view as it opens, the edition's front page) and Textual exports the screen
as SVG. The README uses three:

    scripts/screenshot.py                                            # docs/screenshot.svg
    scripts/screenshot.py --keys "j s k enter" --output docs/screenshot-story.svg
    scripts/screenshot.py --size 80x24 --keys enter --output docs/screenshot-narrow.svg
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from briefterm.demo import prepare_demo
from briefterm.tui.app import BriefApp


async def settle(app: BriefApp, pilot: Pilot[int]) -> None:
    """Wait until no worker runs and what they posted is handled."""
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not len(app.workers):
            return


async def capture(
    app: BriefApp, output: Path, size: tuple[int, int], theme: str, keys: list[str]
) -> None:
    """Open the demo brief, press ``keys``, and save an SVG screenshot."""
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)  # a story's Markdown body mounts in steps
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(app.export_screenshot(title="briefterm"), encoding="utf-8")


def main() -> int:
    """Parse arguments and write the screenshot."""
    parser = argparse.ArgumentParser(description="Write a README screenshot (SVG).")
    parser.add_argument("--output", type=Path, default=Path("docs/screenshot.svg"))
    parser.add_argument("--size", default="160x45", help="terminal size, e.g. 160x45")
    parser.add_argument("--theme", default="textual-dark")
    parser.add_argument("--keys", default="", help='keys to press first, e.g. "j enter"')
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        # The demo poll runs its own event loop, so it happens before the app's.
        config, store, server = prepare_demo(Path(tmp))
        try:
            app = BriefApp(config, store)
            keys = args.keys.split()
            asyncio.run(capture(app, args.output, (width, height), args.theme, keys))
        finally:
            store.close()
            server.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
