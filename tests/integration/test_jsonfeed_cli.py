"""JSON Feed through the real CLI: found by `add` on an HTML page, polled, listed.

The commands run in a subprocess (``python -m briefterm``) with the test's
private XDG directories, against a loopback server, so the test holds
whatever shape the CLI's modules take inside.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests import support
from tests.support.loopback import LoopbackServer, Reply

FEEDS = support.DATA / "feeds"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route(
            "/feeds/json",
            Reply(
                body=(FEEDS / "jsonfeed_10_linkblog.json").read_bytes(),
                content_type="application/feed+json",
            ),
        )
        srv.route(
            "/",
            Reply(
                body=b"<!doctype html><html><head><title>Quayside</title>"
                b'<link rel="alternate" type="application/feed+json" title="JSON Feed" '
                b'href="/feeds/json"></head><body>Quayside Notes</body></html>',
                content_type="text/html; charset=utf-8",
            ),
        )
        yield srv


def _briefterm(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefterm", *argv],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


def test_add_finds_a_json_feed_on_the_page_and_polls_it(server: LoopbackServer) -> None:
    added = _briefterm("add", server.url("/"))
    assert added.returncode == 0, added.stderr
    assert server.url("/feeds/json") in added.stdout
    assert "Traceback" not in added.stderr
    listed = _briefterm("list", "--json")
    assert listed.returncode == 0, listed.stderr
    titles = {entry["title"] for entry in json.loads(listed.stdout)}
    assert "The Port Authority’s New Timetable Is a PDF Again" in titles
    assert "Fog horn tested at 8 this morning, as announced. The gulls were not warned." in titles
    feeds = json.loads(_briefterm("feeds", "--json").stdout)
    assert [(f["url"], f["title"], f["status"]) for f in feeds] == [
        (server.url("/feeds/json"), "Quayside Notes", "ok")
    ]
