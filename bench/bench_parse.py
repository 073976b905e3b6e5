"""Time briefterm.parse.parse_feed on a realistic 50-item feed (prints a table; not a test).

Run: .venv/bin/python bench/bench_parse.py [--runs N]

Rows:
* fast path        — well-formed RSS 2.0, parsed by the lxml walkers;
* fast path (Atom) — the same items as Atom 1.0;
* fallback         — the same RSS with one undeclared ``&nbsp;`` entity, which
  makes it malformed XML and sends it through feedparser;
* feedparser only  — raw ``feedparser.parse`` with default options (sanitizing
  on), i.e. what briefterm would cost without the fast path.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import feedparser

from briefterm.htmltext import html_to_markdown
from briefterm.parse import parse_feed

_PARAGRAPHS = [
    "The regional transport authority said on <b>Tuesday</b> that the new tram line "
    "would open two months ahead of schedule, after contractors finished the river "
    "crossing early. Officials expect <em>18,000</em> daily riders in the first year.",
    "Local business owners along the route, who had complained about months of road "
    "closures, welcomed the news but asked the city to extend its compensation scheme "
    'until footfall recovers. <a href="/transport/tram-compensation">Read the scheme '
    "details</a>.",
    "Critics argue that the project's budget grew by a third since approval, and the "
    "opposition group on the council has requested an independent audit of the "
    "contracts awarded during the second phase of construction.",
    "Engineers will run empty trams along the full route for six weeks before the "
    "launch, testing signals at the <i>Northgate junction</i> and the new depot's "
    "charging equipment. Night-time testing means some residents near the depot "
    "should expect noise between midnight and 5 a.m. on weekdays, the authority "
    "warned, adding that a hotline would be staffed throughout the trial period.",
    "The authority also confirmed fares will match the existing bus network, with "
    "transfers free for 90 minutes. Season tickets bought before the opening will be "
    "valid on trams at no extra cost, and cyclists may bring folding bikes aboard "
    "outside the morning and evening peaks, the <b>published rules</b> say.",
]


def _item_html(n: int) -> str:
    parts = [f"<p>{p}</p>" for p in _PARAGRAPHS]
    parts.insert(1, f'<p><img src="/img/tram-{n}.jpg" alt="Tram depot, photo {n}"></p>')
    parts.append(
        "<ul><li>Opening date: <strong>3 March</strong></li>"
        "<li>Stops: 14</li><li>Length: 11.2 km</li></ul>"
        '<blockquote><p>"We are proud of the crews," the project director said.</p></blockquote>'
    )
    return "".join(parts)


def make_rss(items: int = 50, *, malformed: bool = False) -> bytes:
    """A well-formed (or deliberately malformed) RSS 2.0 feed with ~1.7 KB HTML per item."""
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel><title>Metro Desk</title><link>https://metro.example.org/</link>",
        "<description>City news</description><language>en</language>",
    ]
    for n in range(items):
        body = _item_html(n).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(
            f"<item><title>Tram line update number {n}</title>"
            f"<link>https://metro.example.org/news/{n}</link>"
            f'<guid isPermaLink="false">metro-{n}</guid>'
            f"<pubDate>{format_datetime(start - timedelta(minutes=17 * n))}</pubDate>"
            f"<dc:creator>Reporter {n % 7}</dc:creator><category>Transport</category>"
            f"<description>{body}</description></item>"
        )
    if malformed:
        out[2] = out[2].replace("Metro Desk", "Metro&nbsp;Desk")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def make_atom(items: int = 50) -> bytes:
    """The same items as an Atom 1.0 feed."""
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Metro Desk</title>',
        '<link href="https://metro.example.org/"/><id>urn:metro</id>',
        f"<updated>{start.isoformat()}</updated>",
    ]
    for n in range(items):
        body = _item_html(n).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        when = (start - timedelta(minutes=17 * n)).isoformat()
        out.append(
            f"<entry><title>Tram line update number {n}</title>"
            f'<link href="https://metro.example.org/news/{n}"/><id>urn:metro:{n}</id>'
            f"<updated>{when}</updated><author><name>Reporter {n % 7}</name></author>"
            f'<content type="html">{body}</content></entry>'
        )
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


def _median_ms(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median (CPU ms, wall ms). CPU time is what matters on a shared machine."""
    func()  # warm caches (lru_cache, imports)
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        func()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    """Print a table of median timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    rss, atom, bad = make_rss(), make_atom(), make_rss(malformed=True)
    assert len(parse_feed(rss).entries) == 50
    assert len(parse_feed(bad).entries) == 50
    assert parse_feed(bad).warnings, "the malformed feed must take the fallback path"
    html_per_item = len(_item_html(0))
    big_body = _item_html(0) * 30

    rows = [
        ("fast path (RSS 2.0, lxml)", lambda: parse_feed(rss), args.runs),
        ("fast path (Atom 1.0, lxml)", lambda: parse_feed(atom), args.runs),
        ("fallback (malformed RSS, feedparser)", lambda: parse_feed(bad), max(5, args.runs // 5)),
        (
            "feedparser.parse defaults (reference)",
            lambda: feedparser.parse(io.BytesIO(rss)),
            max(5, args.runs // 5),
        ),
        (
            f"html_to_markdown, {len(big_body) // 1024} KB body",
            lambda: html_to_markdown(big_body, "https://metro.example.org/"),
            args.runs,
        ),
    ]
    print(f"feed: 50 items, {html_per_item} bytes of HTML per item, {len(rss) // 1024} KB total")
    print(f"{'case':<42} {'CPU ms':>8} {'wall ms':>8} {'runs':>5}  (medians)")
    for name, func, runs in rows:
        cpu, wall = _median_ms(func, runs)
        print(f"{name:<42} {cpu:>8.2f} {wall:>8.2f} {runs:>5}")
    cpu, _ = _median_ms(lambda: parse_feed(rss), args.runs)
    print(f"=> parsing 1,000 such feeds on one core: about {cpu:.1f} s of CPU")


if __name__ == "__main__":
    main()
