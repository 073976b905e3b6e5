"""A generated subscription list that looks like a real one: hundreds of feeds, years deep.

What a new user's OPML brings on its first poll, in miniature
(:func:`make_corpus`):

* sites (RSS 2.0 or Atom, in OPML folders, some nested) whose feeds hold
  a few stories from the last day and many from the last twelve years;
* the last day's news as *events*, each told by one to four sites with
  headlines of their own ("Kestrel Airways suspends Orrin Bay routes…" /
  "…halts Orrin Bay flights…"), so stories cluster across outlets;
* some sites subscribed twice, RSS and Atom with the same links (one outlet);
* wire feeds whose items copy subscribed sites' stories (``<source url>``,
  ``utm_*`` on the link) or come from publishers nobody subscribed to;
* sites whose items carry no date at all.

Deterministic for a seed. Used by tests/integration/test_history_scale.py
and bench/bench_history.py (which also builds caches of a million entries
from it without HTTP).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

DAY = 86400.0
YEARS = 12

_FIRST = [
    "Calder",
    "Northfield",
    "Orrin",
    "Bramble",
    "Kestrel",
    "Harrow",
    "Lindqvist",
    "Marlow",
    "Oakhurst",
    "Pellam",
    "Quill",
    "Redfern",
    "Selwyn",
    "Tamsin",
    "Umber",
    "Vashti",
    "Wexford",
    "Yarrow",
    "Zennor",
    "Alder",
    "Birchen",
    "Corrick",
    "Dunmore",
    "Elstree",
    "Fenwick",
    "Glenholm",
    "Hartsell",
    "Ivel",
    "Jessop",
]
_SECOND = [
    "Courier",
    "Gazette",
    "Ledger",
    "Herald",
    "Post",
    "Review",
    "Dispatch",
    "Record",
    "Observer",
    "Tribune",
    "Journal",
    "Monitor",
    "Chronicle",
    "Notes",
    "Weekly",
    "Bulletin",
    "Report",
    "Signal",
]
_FOLDERS = (
    "News",
    "Business",
    "Tech",
    "Science",
    "Blogs",
    "World > Europe",
    "World > Americas",
    "Podcasts > Interviews",
)
_COMPANIES = (
    "Kestrel Airways",
    "Bluewake Ferries",
    "Orbitel",
    "Quillon",
    "Marrow Foods",
    "Pellam Steel",
    "Tessellate",
    "Corvid Software",
    "Halvorsen Chips",
    "Umberline Rail",
    "Glenholm Bank",
    "Redfern Motors",
)
_PLACES = (
    "Orrin Bay",
    "Calder",
    "Northfield",
    "the Andes",
    "Lake Ivel",
    "Harrow Valley",
    "Port Selwyn",
    "Dunmore",
    "the Wexford coast",
    "Marlow",
)
_EVENTS = (
    ("{c} suspends {p} routes after engine checks", "{c} halts {p} flights after engine checks"),
    ("{c} to cut 1,200 jobs in {p}", "{c} plans 1,200 job cuts at its {p} sites"),
    ("{c} opens a $2.1 billion plant in {p}", "{c} picks {p} for $2.1 billion plant"),
    ("Regulators open a probe into {c} pricing in {p}", "{c} faces {p} pricing probe"),
    ("{c} recalls 40,000 chargers sold in {p}", "{c} chargers recalled in {p} over fire risk"),
    (
        "Storm closes schools across {p}; {c} cancels services",
        "{p} storm: schools shut, {c} cancels",
    ),
    ("{c} wins the {p} transit contract", "{p} transit contract goes to {c}"),
    ("Strike ends at {c} depots in {p}", "{c} workers in {p} end their strike"),
)
_TOPICS = (
    "budget",
    "harbour",
    "election",
    "museum",
    "festival",
    "bridge",
    "hospital",
    "school",
    "market",
    "library",
    "rail line",
    "football club",
    "wind farm",
)
_VERBS = ("reopens", "approves", "delays", "expands", "celebrates", "reviews", "plans", "closes")


@dataclass(slots=True)
class Item:
    """One feed item before it is written as RSS or Atom."""

    key: str
    title: str
    link: str
    published: float | None
    summary: str
    source: tuple[str, str] | None = None  # (url, name) of a wire item's publisher


@dataclass(slots=True)
class Site:
    """A publisher and the feed(s) it is subscribed with."""

    name: str
    host: str
    folder: str
    atom: bool
    undated: bool = False
    twice: bool = False  # also subscribed through a second feed (RSS and Atom)
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Corpus:
    """Feed documents by path, the OPML that subscribes them, and what the tests check."""

    feeds: dict[str, bytes]
    opml: str
    """OPML with ``{server}`` in place of the address."""
    pairs: list[tuple[str, str]]
    """Paths of a site subscribed twice (RSS, Atom)."""
    wires: list[str]
    undated: list[str]
    entries: int
    items: dict[str, tuple[str, list[Item], bool]] = field(default_factory=dict)
    """Path → (feed name, items, dated): the documents' content, for caches built without XML."""


def _title_words(rng: random.Random) -> str:
    place = rng.choice(_PLACES)
    return f"{place.removeprefix('the ').title()} {rng.choice(_TOPICS)} {rng.choice(_VERBS)}"


def _sites(rng: random.Random, count: int) -> list[Site]:
    sites: list[Site] = []
    used: set[str] = set()
    while len(sites) < count:
        name = f"The {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
        if name in used:
            name = f"{name} {len(sites)}"
        used.add(name)
        host = name.lower().removeprefix("the ").replace(" ", "") + ".example"
        sites.append(
            Site(
                name=name,
                host=host,
                folder=rng.choice(_FOLDERS),
                atom=rng.random() < 0.4,
                undated=rng.random() < 0.05,
                twice=rng.random() < 0.05,
            )
        )
    return sites


def _history(rng: random.Random, site: Site, count: int, now: float) -> None:
    for n in range(count):
        when = now - rng.uniform(2 * DAY, YEARS * 365 * DAY)
        title = f"{_title_words(rng)} ({datetime.fromtimestamp(when, UTC):%B %Y})"
        slug = f"{n}-{title.lower().replace(' ', '-')[:40]}"
        site.items.append(
            Item(
                key=f"{site.host}/{slug}",
                title=title,
                link=f"https://www.{site.host}/archive/{slug}",
                published=when,
                summary=f"An older story from {site.name}: the {title.lower()}.",
            )
        )


def _events(rng: random.Random, sites: list[Site], count: int, now: float) -> None:
    for n in range(count):
        forms = rng.choice(_EVENTS)
        company, place = rng.choice(_COMPANIES), rng.choice(_PLACES)
        when = now - rng.uniform(0.5 * 3600, 23 * 3600)
        tellers = rng.sample(sites, k=min(len(sites), rng.choice((1, 1, 1, 2, 2, 3, 4))))
        for i, site in enumerate(tellers):
            title = forms[i % 2].format(c=company, p=place)
            title = title[0].upper() + title[1:]
            slug = f"event-{n}-{i}"
            site.items.append(
                Item(
                    key=f"{site.host}/{slug}",
                    title=title,
                    link=f"https://www.{site.host}/{slug}",
                    published=when + i * 600,
                    summary=f"{company} made the announcement in {place} on Tuesday, "
                    f"{site.name} reports.",
                )
            )


def _wire_items(
    rng: random.Random, sites: list[Site], wire: int, count: int, now: float
) -> list[Item]:
    items: list[Item] = []
    recent = [
        (site, item)
        for site in sites
        for item in site.items
        if item.published is not None and item.published > now - DAY
    ]
    for n in range(count):
        if recent and rng.random() < 0.6:
            site, item = rng.choice(recent)
            items.append(
                Item(
                    key=f"wire{wire}-{n}",
                    title=item.title,
                    link=f"{item.link}?utm_source=wire{wire}&utm_medium=rss",
                    published=(item.published or now) + 900,
                    summary=item.summary,
                    source=(f"https://{site.host}/feed", site.name),
                )
            )
        else:
            when = now - rng.uniform(0, YEARS * 365 * DAY)
            host = f"unsubscribed{rng.randint(1, 40)}.example"
            title = _title_words(rng)
            items.append(
                Item(
                    key=f"wire{wire}-{n}",
                    title=title,
                    link=f"https://{host}/story/{wire}-{n}",
                    published=when,
                    summary=f"{title}, a wire report.",
                    source=(f"https://{host}/rss", f"{host.split('.')[0].title()} News"),
                )
            )
    return items


def _rss(name: str, link: str, items: list[Item], dated: bool) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(name)}</title><link>{escape(link)}</link>",
        f"<description>{escape(name)} (generated test feed)</description>",
    ]
    for item in items:
        out.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.key)}</guid>'
        )
        if dated and item.published is not None:
            when = datetime.fromtimestamp(item.published, UTC)
            out.append(f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>")
        if item.source is not None:
            out.append(f"<source url={quoteattr(item.source[0])}>{escape(item.source[1])}</source>")
        out.append(f"<description>{escape(item.summary)}</description></item>")
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def _atom(name: str, link: str, items: list[Item], dated: bool) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(name)}</title><link href={quoteattr(link)}/>",
        f"<id>tag:{escape(link)}</id><updated>2026-01-01T00:00:00Z</updated>",
    ]
    for item in items:
        out.append(
            f"<entry><title>{escape(item.title)}</title><link href={quoteattr(item.link)}/>"
            f"<id>tag:atom:{escape(item.key)}</id>"
        )
        if dated and item.published is not None:
            stamp = datetime.fromtimestamp(item.published, UTC).isoformat().replace("+00:00", "Z")
            out.append(f"<published>{stamp}</published><updated>{stamp}</updated>")
        out.append(f"<summary>{escape(item.summary)}</summary></entry>")
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


@dataclass(slots=True)
class _Folder:
    feeds: list[tuple[str, str]] = field(default_factory=list)
    folders: dict[str, _Folder] = field(default_factory=dict)

    def render(self, indent: str) -> list[str]:
        lines = [
            f'{indent}<outline type="rss" text={quoteattr(name)} '
            f"xmlUrl={quoteattr('{server}' + path)}/>"
            for name, path in self.feeds
        ]
        for name, child in self.folders.items():
            lines.append(f"{indent}<outline text={quoteattr(name)}>")
            lines += child.render(indent + "  ")
            lines.append(f"{indent}</outline>")
        return lines


def _opml(outlines: list[tuple[str, str, str]]) -> str:
    """OPML of (folder path "A > B", name, path) with nested folders."""
    root = _Folder()
    for folder, name, path in outlines:
        node = root
        for part in [p.strip() for p in folder.split(">") if p.strip()]:
            node = node.folders.setdefault(part, _Folder())
        node.feeds.append((name, path))
    body = "\n".join(root.render("    "))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head><title>Generated subscriptions</title></head>\n"
        f"  <body>\n{body}\n  </body>\n</opml>\n"
    )


def make_corpus(feeds: int, items: int, now: float, seed: int = 7) -> Corpus:
    """About ``feeds`` feeds of about ``items`` items each, as seen at ``now``."""
    rng = random.Random(seed)
    n_wires = max(1, feeds // 30)
    sites = _sites(rng, max(2, int((feeds - n_wires) / 1.05)))
    for site in sites:
        _history(rng, site, max(0, items - 3), now)
    _events(rng, sites, count=max(3, len(sites)), now=now)
    docs: dict[str, bytes] = {}
    content: dict[str, tuple[str, list[Item], bool]] = {}
    outlines: list[tuple[str, str, str]] = []
    pairs: list[tuple[str, str]] = []
    undated: list[str] = []
    for n, site in enumerate(sites):
        site.items.sort(key=lambda i: -(i.published or 0))
        link = f"https://www.{site.host}/"
        path = f"/feeds/{n}.{'atom' if site.atom else 'rss'}"
        render = _atom if site.atom else _rss
        docs[path] = render(site.name, link, site.items, not site.undated)
        content[path] = (site.name, site.items, not site.undated)
        outlines.append((site.folder, site.name, path))
        if site.undated:
            undated.append(path)
        if site.twice:
            other = f"/feeds/{n}-copy.{'rss' if site.atom else 'atom'}"
            docs[other] = (_rss if site.atom else _atom)(
                site.name, link, site.items, not site.undated
            )
            content[other] = (site.name, site.items, not site.undated)
            outlines.append((site.folder, f"{site.name} (copy)", other))
            pairs.append((path, other))
    wires = []
    for w in range(n_wires):
        path = f"/feeds/wire-{w}.rss"
        wire_items = _wire_items(rng, sites, w, items, now)
        docs[path] = _rss(f"Regional Wire {w}", f"https://wire{w}.example/", wire_items, True)
        content[path] = (f"Regional Wire {w}", wire_items, True)
        outlines.append(("", f"Regional Wire {w}", path))
        wires.append(path)
    total = sum(len(s.items) * (2 if s.twice else 1) for s in sites) + n_wires * items
    return Corpus(docs, _opml(outlines), pairs, wires, undated, total, content)
