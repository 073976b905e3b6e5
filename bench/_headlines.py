"""Generated headlines of a realistic shape, for timing story clustering at any size.

Stories are events of made-up companies, products, people and places (a long
tail of names, as in real news: no name shows up in more than a handful of
a day's stories), told by one to four outlets in their own words, with a
few big stories that dozens of outlets carry (the day's main events, their
headlines drawn from a pool of angles), and about a tenth in Chinese.
Summaries repeat the headline's facts in a sentence of common English news
words. :func:`make_entries` spreads them over a window of hours and feeds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from briefterm.models import Entry

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


def _names(rng: random.Random, count: int, syllables: int) -> list[str]:
    """Made-up proper nouns: a realistic long tail of company and product names."""
    parts = _SYL.split()
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(parts) for _ in range(syllables)).capitalize())
    return sorted(names)


@dataclass(frozen=True)
class Vocabulary:
    """Name pools for one generated set, sized so that names stay a long tail."""

    companies: list[str]
    products: list[str]
    things: list[str]
    places: list[str]
    people: list[str]
    zh_companies: list[str]


@lru_cache(maxsize=4)
def vocabulary(n_entries: int) -> Vocabulary:
    """Pools for about ``n_entries`` entries: a company is in a handful of stories.

    Real headlines draw on a long tail of names, products and places: no
    company or place shows up in more than a handful of a day's stories.
    """
    rng = random.Random(1)
    scale = max(1, n_entries // 5000)
    syllables = 3 if scale <= 2 else 4
    zh = [a + b for a in _ZH_CHARS for b in _ZH_CHARS if a != b]
    if scale > 1:
        zh = [c + d for c in zh for d in _ZH_CHARS if d not in c][: 1640 * scale]
    return Vocabulary(
        companies=_names(rng, 2500 * scale, syllables),
        products=_names(rng, 800 * scale, syllables),
        things=THINGS + [n.lower() + " units" for n in _names(rng, 600 * scale, syllables)],
        places=PLACES + [n + " City" for n in _names(rng, 500 * scale, syllables)],
        people=PEOPLE
        + [
            f"{first} {last}son"
            for first, last in zip(
                _names(rng, 500 * scale, 2 if scale == 1 else 3),
                _names(rng, 500 * scale, syllables),
                strict=True,
            )
        ],
        zh_companies=zh,
    )


def make_story(rng: random.Random, vocab: Vocabulary | None = None) -> list[str]:
    """One event as told by one to four outlets, or by dozens (alternative headlines)."""
    v = vocab or vocabulary(5000)
    if rng.random() < 0.1:
        a, b = rng.choice(ZH)
        fields = dict(
            c=rng.choice(v.zh_companies),
            t=rng.choice(ZH_T),
            p=rng.choice(ZH_P),
            n=rng.randint(10, 9999),
            k=rng.randint(1, 4),
        )
        variants = [a.format(**fields), b.format(**fields)]
    else:
        a, b = rng.choice(ACTIONS)
        company = rng.choice(v.companies)
        fields = dict(
            thing=rng.choice(v.things),
            place=rng.choice(v.places),
            n=rng.randint(20, 990),
            q=rng.choice(QUARTERS),
            other=rng.choice(v.companies) + " " + rng.choice(["Labs", "Systems", "AI"]),
            product=rng.choice(v.products),
            person=rng.choice(v.people),
        )
        # Outlets word the same event differently and add their own angle.
        angles = rng.sample(ANGLES, 4)
        variants = [
            f"{company} {a.format(**fields)}",
            f"{company} {b.format(**fields)} {angles[1]}",
            f"{company} {a.format(**fields)} {angles[2]}",
            f"{company} {b.format(**fields)}, {angles[3]}",
        ]
    if rng.random() < BIG_STORY_SHARE:
        # One of the day's main events: many outlets, many angles.
        outlets = rng.randint(10, 80)
        base = variants[:2]
        return [f"{base[i % 2]} {rng.choice(ANGLES)}" if i > 1 else base[i] for i in range(outlets)]
    outlets = rng.choices([1, 2, 3, 4], weights=[60, 20, 12, 8])[0]
    return [variants[i % len(variants)] for i in range(outlets)]


# Common words of news summaries, most frequent first: real summaries
# repeat the headline's facts in the words every report uses.
WORDS = (  # noqa: SIM905 - a word list reads better as text
    "said company year people market would first percent million new government "
    "week officials according statement plans expected billion months customers "
    "sales business announced including chief executive local state growth deal "
    "workers price report industry analysts shares investors companies service "
    "record since data country time service plan project early later move group "
    "support demand costs part public home security team problems changes region "
    "months earlier expected former largest major move months official rise cut"
).split()
BIG_STORY_SHARE = 0.01


def summary_for(title: str, rng: random.Random) -> str:
    """A summary: the headline's facts plus a sentence of common words."""
    # Zipf-like: low indexes (common words) are picked far more often.
    extra = " ".join(WORDS[int(len(WORDS) * rng.random() ** 2)] for _ in range(14))
    return f"{title}. {extra.capitalize()}."


def make_entries(
    n: int, n_feeds: int, *, hours: float = 48.0, end: float = 1_770_000_000.0, seed: int = 7
) -> list[Entry]:
    """``n`` entries of generated stories over ``n_feeds`` feeds and ``hours`` before ``end``.

    Entry keys are "s<story>-e<n>", so quality can be checked against the
    generated truth.
    """
    rng = random.Random(seed)
    vocab = vocabulary(n)
    out: list[Entry] = []
    story = 0
    while len(out) < n:
        story += 1
        titles = make_story(rng, vocab)
        when = end - rng.uniform(0, hours * 3600)
        feeds = rng.sample(range(1, n_feeds + 1), min(len(titles), n_feeds))
        for title, feed in zip(titles, feeds, strict=False):
            if len(out) >= n:
                break
            k = len(out) + 1
            t = min(end, when + rng.uniform(0, 3 * 3600))
            out.append(
                Entry(
                    id=k,
                    feed_id=feed,
                    feed_url=f"https://feed{feed}.example/rss",
                    feed_title=f"Feed {feed}",
                    entry_key=f"s{story}-e{k}",
                    title=title,
                    link=f"https://feed{feed}.example/story/{k}?utm_source=rss",
                    summary=summary_for(title, rng),
                    author="",
                    published=t,
                    updated=None,
                    first_seen=t,
                )
            )
    return out
