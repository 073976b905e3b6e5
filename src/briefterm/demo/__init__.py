"""``briefterm demo`` without the reader: sample feeds polled into a throwaway cache.

The sample feeds in ``feeds/`` are served by a loopback HTTP server
(``server.py``) and polled through the real poller into a SQLite cache in
a directory the caller chooses; a few entries are then marked read and
starred so the reader has some state to show. Nothing touches the user's
own config or cache, and no outside network is used. Opening the reader
on the result is the CLI's job (``briefterm.cli.reader``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefterm.config import Config, load_config
from briefterm.demo.server import FEED_SUFFIXES, DemoServer, demo_files, feed_files, render_feed
from briefterm.errors import BrieftermError
from briefterm.poller import FeedResult, poll
from briefterm.store import EntryFilter, Store

__all__ = [
    "DEMO_CONFIG",
    "FEED_SUFFIXES",
    "DemoServer",
    "demo_config_text",
    "demo_summary",
    "feed_files",
    "prepare_demo",
    "render_feed",
]

DEMO_CONFIG = "demo.toml"
"""The demo's config file inside ``feeds/``; ``{server}`` marks the server address."""

# Entries the demo marks so the reader shows some state: (link substring, read, starred).
_DEMO_FLAGS: tuple[tuple[str, bool, bool], ...] = (
    ("gadgetgazette.example.com/reviews/pomelo-slate-7", False, True),
    ("boardroommoves.example.com/podcast/episode-48", False, True),
    ("labnotes.example.org/notes/azores-deep-sea-species", True, True),
)
_READ_OLDER_THAN_HOURS = 30.0  # entries older than this start out read


def demo_config_text(base_url: str) -> str:
    """The bundled ``demo.toml`` with ``{server}`` replaced by ``base_url``."""
    text = demo_files().joinpath(DEMO_CONFIG).read_text(encoding="utf-8")
    return text.replace("{server}", base_url)


def _apply_demo_state(store: Store, now: float) -> None:
    """Mark a few entries read and starred so the demo shows what state looks like.

    Also makes every feed due at ``now``, so the app's "poll now" fetches again.
    """
    entries = store.list_entries(EntryFilter())
    read, starred = [], []
    for entry in entries:
        if now - entry.time > _READ_OLDER_THAN_HOURS * 3600:
            read.append(entry.id)
        for fragment, is_read, is_starred in _DEMO_FLAGS:
            if fragment in entry.link:
                if is_read:
                    read.append(entry.id)
                if is_starred:
                    starred.append(entry.id)
    store.set_read(read, True)
    store.set_starred(starred, True)
    # Make every feed due again, so that "r" (poll due feeds) in the demo really
    # polls: six feeds answer 304 and the wire brings its late-breaking story.
    for feed in store.feeds(with_counts=False):
        store.update_feed(feed.id, next_due=now)


def prepare_demo(
    directory: Path,
    *,
    progress: Callable[[FeedResult], None] | None = None,
    anchor: float | None = None,
) -> tuple[Config, Store, DemoServer]:
    """Serve the sample feeds, poll them into a cache in ``directory``, mark some state.

    Everything ``briefterm demo`` does except opening the app; for the CLI,
    tests, screenshots and benchmarks. ``directory`` receives ``config.toml``
    and ``cache.sqlite3``. The caller owns the returned store and server and
    must close both (the server keeps running so the app can poll again).
    Raises :class:`BrieftermError` when no sample feed could be polled.
    """
    directory = Path(directory)
    server = DemoServer(anchor)
    store: Store | None = None
    try:
        config_file = directory / "config.toml"
        config_file.write_text(demo_config_text(server.base_url), encoding="utf-8")
        config = load_config(config_file)
        store = Store(directory / "cache.sqlite3")
        # Polled "at" the anchor, so a fixed anchor gives a fixed cache (screenshots, tests).
        report = poll(store, config, force=True, progress=progress, now=server.anchor)
        if report.ok == 0:
            reason = report.failed[0].error if report.failed else "no feeds were polled"
            raise BrieftermError(
                f"the demo could not load its sample feeds ({reason}); allow connections "
                "to 127.0.0.1 if they are blocked, otherwise please report this as a bug"
            )
        _apply_demo_state(store, server.anchor)
    except BaseException:
        if store is not None:
            store.close()
        server.close()
        raise
    return config, store, server


def demo_summary(store: Store) -> str:
    """A short text summary of the demo cache (for ``briefterm demo --no-app``)."""
    feeds = store.feeds()
    lines = [f"{len(feeds)} feeds, {store.entry_count()} entries, {store.unread_count()} unread"]
    lines += [f"  {f.title}: {f.entry_count} entries" for f in feeds]
    return "\n".join(lines)
