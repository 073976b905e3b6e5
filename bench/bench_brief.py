"""Time brief assembly: 5,000 entries from 100 feeds in a temporary SQLite cache.

Usage::

    .venv/bin/python bench/bench_brief.py [--entries 5000] [--feeds 100] [--runs 7]

Entries are generated stories, most told by one feed and many by two to four
feeds with reworded titles (so clustering has real work), about a tenth in
Chinese. Reports the median time of ``build_brief`` (load + sections +
clusters + ranking) and of assembly alone (sections + clusters + ranking on
already-loaded entries). Target: ≤ 200 ms for assembly of 5,000 entries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from briefterm.brief import EditionWindow, assemble, build_brief
from briefterm.brief.cluster import DEFAULT_THRESHOLD
from briefterm.config import BriefConfig, Config, FeedConfig, SectionConfig
from briefterm.models import Cluster, ParsedEntry
from briefterm.store import EntryFilter, Store

# Word lists as split strings: compact, and easy to extend.
_SYL = (
    "var nex tol bio kor ina mar dex lum ora pix zen cal tri vo gen sol ara quin tek ro ly fin sta"
)
THINGS = [
    t.replace("_", " ")
    for t in [
        "cloud_storage",
        "chips",
        "batteries",
        "phones",
        "EV_chargers",
        "satellites",
        "AI_models",
        "routers",
        "drones",
        "solar_panels",
        "laptops",
        "streaming",
        "tablets",
        "wind_turbines",
        "heat_pumps",
        "vaccines",
        "trucks",
        "games",
        "payments",
        "insurance",
        "robots",
        "sensors",
        "cameras",
        "servers",
        "modems",
        "smartwatches",
        "e-bikes",
    ]
]
PLACES = [
    "Europe",
    "Japan",
    "Texas",
    "India",
    "Brazil",
    "Germany",
    "Canada",
    "Kenya",
    "Vietnam",
    "Poland",
    "Chile",
    "Korea",
    "Mexico",
    "Spain",
    "Ohio",
    "Nigeria",
    "Peru",
    "Sweden",
    "Egypt",
    "Ireland",
    "Arizona",
    "Bavaria",
    "Quebec",
    "Jakarta",
    "Lagos",
    "Manila",
    "Lisbon",
    "Austin",
    "Osaka",
    "Denver",
    "Porto",
    "Turin",
    "Leeds",
    "Hanoi",
]
PEOPLE = [
    f"{first} {last}"
    for first in [
        "Ana",
        "Ben",
        "Chen",
        "Dara",
        "Eli",
        "Femi",
        "Gita",
        "Hugo",
        "Iris",
        "Jon",
        "Kemi",
        "Lior",
        "Mei",
        "Nour",
        "Omar",
        "Pia",
    ]
    for last in ["Ortiz", "Walsh", "Liang", "Okafor", "Berg", "Sato", "Novak", "Reyes"]
]
ANGLES = [
    a.replace("_", " ")
    for a in [
        "amid_weak_demand",
        "after_regulator_review",
        "as_rivals_struggle",
        "in_surprise_move",
        "despite_losses",
        "sources_say,",
        "analysts_expect_more",
        "report_says",
        "under_investor_pressure",
        "ahead_of_holiday_season",
        "after_strong_quarter",
        "as_costs_climb",
        "to_fend_off_rivals",
        "in_push_for_growth",
        "after_months_of_talks",
        "amid_supply_crunch",
        "as_shares_slide",
        "in_bid_to_cut_costs",
        "following_backlash",
        "with_eye_on_Asia",
        "after_tariff_shock",
        "as_union_objects",
        "in_record_deal",
        "amid_AI_boom",
        "despite_chip_shortage",
    ]
]
QUARTERS = ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"]
ACTIONS = [
    ("raises prices for {thing} in {place}", "hikes {thing} prices across {place}"),
    ("cuts {n} jobs in {place}", "to lay off {n} workers in {place}"),
    ("reports {q} profit of ${n} million", "posts {q} earnings of ${n}m"),
    ("launches {product} {thing} in {place}", "unveils {product} for {place} market"),
    ("buys {other} for ${n} million", "agrees ${n}m deal to acquire {other}"),
    ("faces probe over {thing} in {place}", "investigated by {place} regulators over {thing}"),
    ("opens {thing} plant in {place}", "to build {thing} factory in {place}"),
    ("names {person} as chief executive", "appoints {person} CEO"),
    ("recalls {n} {product} {thing}", "{product} recall covers {n} units"),
]
ZH = [
    ("{c}发布{t}新品 售价{n}元", "{c}推出新款{t} 定价{n}元"),
    ("{c}在{p}建设{t}工厂", "{c}宣布{p}{t}工厂项目"),
    ("{c}第{k}季度营收{n}亿元", "{c}季度收入{n}亿元 同比增长"),
]
ZH_T = ["芯片", "电池", "手机", "汽车", "机器人", "服务器", "无人机", "显示屏", "光伏组件"]
ZH_P = ["上海", "深圳", "成都", "武汉", "合肥", "西安", "苏州", "重庆", "杭州", "南京"]
_ZH_CHARS = "华芯蓝海星途云帆极光天工启明长风智源恒通锐思领航远景新元飞扬鼎盛凯达瑞宁博泰安信和嘉"
ZH_C = [a + b for a in _ZH_CHARS for b in _ZH_CHARS if a != b]


def _names(rng: random.Random, count: int, syllables: int) -> list[str]:
    """Made-up proper nouns: a realistic long tail of company and product names."""
    parts = _SYL.split()
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(parts) for _ in range(syllables)).capitalize())
    return sorted(names)


_VOCAB = random.Random(1)
# Real headlines draw on a long tail of names, products and places: no
# company or place shows up in more than a handful of a day's stories.
COMPANIES = _names(_VOCAB, 2500, 3)
PRODUCTS = _names(_VOCAB, 800, 3)
THINGS = THINGS + [n.lower() + " units" for n in _names(_VOCAB, 600, 3)]
PLACES = PLACES + [n + " City" for n in _names(_VOCAB, 500, 3)]
PEOPLE = PEOPLE + [
    f"{first} {last}son"
    for first, last in zip(_names(_VOCAB, 500, 2), _names(_VOCAB, 500, 3), strict=True)
]


def make_story(rng: random.Random) -> list[str]:
    """One event as told by one to four outlets (alternative headlines)."""
    if rng.random() < 0.1:
        a, b = rng.choice(ZH)
        fields = dict(
            c=rng.choice(ZH_C),
            t=rng.choice(ZH_T),
            p=rng.choice(ZH_P),
            n=rng.randint(10, 9999),
            k=rng.randint(1, 4),
        )
        variants = [a.format(**fields), b.format(**fields)]
    else:
        a, b = rng.choice(ACTIONS)
        company = rng.choice(COMPANIES)
        fields = dict(
            thing=rng.choice(THINGS),
            place=rng.choice(PLACES),
            n=rng.randint(20, 990),
            q=rng.choice(QUARTERS),
            other=rng.choice(COMPANIES) + " " + rng.choice(["Labs", "Systems", "AI"]),
            product=rng.choice(PRODUCTS),
            person=rng.choice(PEOPLE),
        )
        # Outlets word the same event differently and add their own angle.
        angles = rng.sample(ANGLES, 4)
        variants = [
            f"{company} {a.format(**fields)}",
            f"{company} {b.format(**fields)} {angles[1]}",
            f"{company} {a.format(**fields)} {angles[2]}",
            f"{company} {b.format(**fields)}, {angles[3]}",
        ]
    outlets = rng.choices([1, 2, 3, 4], weights=[60, 20, 12, 8])[0]
    return [variants[i % len(variants)] for i in range(outlets)]


# A long-tailed vocabulary for summary sentences: real summaries repeat
# the headline's facts and add words of their own, mostly rare ones.
WORDS = [n.lower() for n in _names(_VOCAB, 6000, 3)]


def summary_for(title: str, rng: random.Random) -> str:
    """A summary: the headline's facts plus a sentence of the outlet's own words."""
    # Zipf-like: low indexes (common words) are picked far more often.
    extra = " ".join(WORDS[int(len(WORDS) * rng.random() ** 3)] for _ in range(10))
    return f"{title}. {extra.capitalize()}."


def populate(store: Store, n_entries: int, n_feeds: int, now: float, seed: int = 7) -> None:
    """Fill ``store`` with ``n_entries`` generated entries spread over ``n_feeds``.

    Entry ids are "s<story>-e<n>", so cluster quality can be checked against
    the generated truth.
    """
    rng = random.Random(seed)
    feed_ids = [
        store.ensure_feed(f"https://feed{i}.example/rss", f"Feed {i}") for i in range(n_feeds)
    ]
    per_feed: dict[int, list[ParsedEntry]] = {f: [] for f in feed_ids}
    made = 0
    story = 0
    while made < n_entries:
        story += 1
        titles = make_story(rng)
        when = now - rng.uniform(0, 20 * 3600)
        for title, feed in zip(titles, rng.sample(feed_ids, len(titles)), strict=True):
            if made >= n_entries:
                break
            published = datetime.fromtimestamp(when + rng.uniform(0, 3 * 3600), UTC)
            per_feed[feed].append(
                ParsedEntry(
                    entry_id=f"s{story}-e{made}",
                    title=title,
                    link=f"https://feed{feed}.example/story/{made}?utm_source=rss",
                    summary=summary_for(title, rng),
                    published=published,
                    categories=(rng.choice(["Tech", "Business", "World"]),),
                )
            )
            made += 1
    for feed, entries in per_feed.items():
        store.upsert_entries(feed, entries, now=now - 60)


def pairwise_quality(clusters: list[Cluster]) -> tuple[float, float]:
    """Pairwise precision/recall of ``clusters`` against the generated stories."""
    predicted = truth_pairs = correct = 0
    by_story: dict[str, int] = {}
    for cluster in clusters:
        stories = [e.entry_key.split("-")[0] for e in cluster.members]
        predicted += len(stories) * (len(stories) - 1) // 2
        for story in set(stories):
            k = stories.count(story)
            correct += k * (k - 1) // 2
        for story in stories:
            by_story[story] = by_story.get(story, 0) + 1
    truth_pairs = sum(k * (k - 1) // 2 for k in by_story.values())
    return (
        correct / predicted if predicted else 1.0,
        correct / truth_pairs if truth_pairs else 1.0,
    )


def main() -> None:
    """Build the cache, then time build_brief and assembly alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    now = time.time()
    config = Config(
        brief=BriefConfig(title_similarity=DEFAULT_THRESHOLD),
        feeds=tuple(
            FeedConfig(
                url=f"https://feed{i}.example/rss",
                priority=i % 3,
                section=("World" if i % 7 == 0 else ""),
            )
            for i in range(args.feeds)
        ),
        sections=(
            SectionConfig(name="Chips", keywords=("chips", "芯片")),
            SectionConfig(name="Deals", patterns=(r"\b(buys|acquire)\b",)),
            SectionConfig(name="Business", categories=("business",), limit=50),
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        populate(store, args.entries, args.feeds, now)
        window = EditionWindow.since(now - 86400, now=now + 1)
        entries = store.list_entries(EntryFilter(since=window.start, until=window.end))
        full, only, only_cpu = [], [], []
        brief = None
        # The first run is cold (no cached tokens or canonical URLs): the
        # figure for a fresh start. Later runs are what the reader sees when
        # it rebuilds a brief after a poll or a day switch.
        t0 = time.perf_counter()
        assemble(entries, config, title="t", label="l", start=window.start, end=window.end)
        cold = time.perf_counter() - t0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            brief = build_brief(store, config, window)
            full.append(time.perf_counter() - t0)
            t0, c0 = time.perf_counter(), time.process_time()
            assemble(entries, config, title="t", label="l", start=window.start, end=window.end)
            only.append(time.perf_counter() - t0)
            only_cpu.append(time.process_time() - c0)
        store.close()
    assert brief is not None
    precision, recall = pairwise_quality(brief.clusters)
    multi = sum(1 for c in brief.clusters if c.source_count > 1)
    print(
        f"{len(entries):,} entries, {args.feeds} feeds → {len(brief.clusters):,} stories "
        f"({multi:,} with several sources), {len(brief.sections)} sections"
    )
    print(
        f"pairwise precision {precision:.3f}  recall {recall:.3f} against the generated "
        "stories (synthetic headlines reuse slot values, so unrelated stories collide)"
    )
    print(f"assemble, cold (first build, empty caches): {cold * 1000:.0f} ms")
    print(f"build_brief (load + assemble): median {statistics.median(full) * 1000:.0f} ms")
    print(
        f"assemble only (sections + clusters + ranking): "
        f"median {statistics.median(only) * 1000:.0f} ms "
        f"(CPU {statistics.median(only_cpu) * 1000:.0f} ms; wall time suffers on a busy machine)"
    )


if __name__ == "__main__":
    main()
