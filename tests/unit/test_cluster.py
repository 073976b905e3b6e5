"""Story clusters: canonical URLs, tokens, merging rules and quality on the labelled set."""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import sys

import pytest

from briefterm.brief._tokens import tokens
from briefterm.brief.cluster import DEFAULT_THRESHOLD, article_key, cluster_entries
from briefterm.brief.features import decode, encode, entry_features
from briefterm.models import Cluster, Entry
from briefterm.urls import canonical_url
from tests import support

ROOT = support.REPO


def load_quality_module():
    """bench/cluster_quality.py, which holds the fixture loader and the scorer."""
    spec = importlib.util.spec_from_file_location(
        "cluster_quality", ROOT / "bench" / "cluster_quality.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cluster_quality", module)
    spec.loader.exec_module(module)
    return module


def make(
    eid: int, feed: int, title: str, *, link: str = "", hours: float = 0.0, summary: str = ""
) -> Entry:
    ts = 1_770_000_000.0 + hours * 3600
    return Entry(
        id=eid,
        feed_id=feed,
        feed_url=f"https://f{feed}.example/rss",
        feed_title=f"Feed {feed}",
        entry_key=str(eid),
        title=title,
        link=link or f"https://f{feed}.example/{eid}",
        summary=summary,
        author="",
        published=ts,
        updated=None,
        first_seen=ts,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/a/b/?utm_source=x&b=2&a=1#top", "example.com/a/b?a=1&b=2"),
        ("http://m.example.com:80/news/amp/", "example.com/news"),
        ("https://amp.example.com/x.amp.html?amp=1&fbclid=3", "example.com/x.html"),
        ("https://example.com/story/amp", "example.com/story"),
        ("https://example.com/story?amp", "example.com/story"),
        ("https://example.com/p?spm=a.b&from=timeline&id=7", "example.com/p?id=7"),
        (
            "https://example.com/p?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=5&_hsenc=6",
            "example.com/p",
        ),
        ("https://example.com:8443/p", "example.com:8443/p"),
        ("https://www.example.com", "example.com"),
        ("", ""),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_keeps_meaningful_differences() -> None:
    assert canonical_url("https://example.com/a?id=1") != canonical_url(
        "https://example.com/a?id=2"
    )
    assert canonical_url("https://example.com/amplify") == "example.com/amplify"
    assert canonical_url("https://www.example.com/x") == canonical_url("http://example.com/x/")


def test_tokens_fold_english_and_split_cjk_into_bigrams() -> None:
    assert tokens("The Prices of Apple’s phones rose 3.5% to 1,000") == {
        "price",
        "apple",
        "phone",
        "rose",
        "3.5",
        "1000",
    }
    assert tokens("小澜汽车") == {"小澜", "澜汽", "汽车"}
    assert tokens("") == set()


def test_same_canonical_url_merges_even_within_one_feed() -> None:
    a = make(1, 1, "Solaris wins approval", link="https://x.example/s?utm_source=rss")
    b = make(2, 1, "Totally different wording", link="https://www.x.example/s/")
    c = make(3, 2, "Unrelated story about rain", link="https://y.example/rain")
    clusters = cluster_entries([a, b, c])
    assert sorted(sorted(cl.ids) for cl in clusters) == [[1, 2], [3]]


def test_titles_merge_across_feeds_and_within_the_window() -> None:
    title = "Nimbus Cloud raises storage prices across Europe by 18%"
    other_feed = [make(1, 1, title), make(2, 2, "Nimbus raises Europe storage prices 18%")]
    (cluster,) = cluster_entries(other_feed)
    assert cluster.source_count == 2
    far_apart = [make(1, 1, title), make(2, 2, title, hours=60)]
    assert len(cluster_entries(far_apart, window_hours=48)) == 2


def test_a_feeds_later_report_of_a_story_is_an_update_not_a_source() -> None:
    # Issue 11: a wire's "UPDATE 1-" or rewritten headline within hours joins
    # the story (it used to be kept apart: two posts of one feed never merged).
    first = make(1, 1, "Nimbus Cloud raises storage prices across Europe by 18%")
    update = make(2, 1, "UPDATE 1-Nimbus Cloud raises Europe storage prices by 18%", hours=2)
    other = make(3, 2, "Nimbus hikes European storage prices 18%, blames energy", hours=1)
    (cluster,) = cluster_entries([first, update, other])
    assert sorted(cluster.ids) == [1, 2, 3]
    assert cluster.source_count == 2
    # The same rewrite a day later is a new report, not an update.
    late = make(2, 1, update.title, hours=30)
    assert len(cluster_entries([first, late])) == 2


def test_two_different_stories_of_one_feed_stay_apart() -> None:
    a = make(1, 1, "Nimbus Cloud raises storage prices across Europe by 18%")
    b = make(2, 1, "Nimbus Cloud names Ines Varga as chief financial officer", hours=1)
    assert len(cluster_entries([a, b])) == 2


def test_conflicting_figures_keep_lookalike_events_apart() -> None:
    a = make(1, 1, "Magnitude 6.1 earthquake strikes northern Chile")
    b = make(2, 2, "Magnitude 5.4 earthquake strikes northern Chile")
    assert len(cluster_entries([a, b])) == 2


def test_lead_is_highest_priority_then_earliest() -> None:
    t = "Corvid Software to buy data startup Tessellate for $2.1 billion"
    entries = [make(1, 1, t, hours=1), make(2, 2, t, hours=0), make(3, 3, t, hours=2)]
    (cluster,) = cluster_entries(entries)
    assert cluster.lead.id == 2  # earliest when priorities tie
    (cluster,) = cluster_entries(entries, priorities={"https://f3.example/rss": 5})
    assert cluster.lead.id == 3
    assert [e.id for e in cluster.others] == [2, 1]
    assert cluster.source_count == 3


def test_a_chain_through_one_feed_cannot_glue_two_events() -> None:
    # Feed 1 reports two events of one company; feed 2's report resembles
    # both. Feed 1's two entries must never end up in one cluster.
    a = make(1, 1, "Ardent Motors union talks collapse, strike vote set")
    b = make(2, 1, "Ardent Motors recalls 40,000 vans over brake fault")
    c = make(3, 2, "Ardent Motors talks collapse as 40,000 van recall adds to woes")
    for order in ([a, b, c], [c, b, a], [b, c, a]):
        for cl in cluster_entries(order):
            assert not {1, 2} <= set(cl.ids)


def test_quality_on_the_labelled_fixture_set() -> None:
    quality = load_quality_module()
    entries, labels = quality.load_fixture()
    assert len(entries) >= 60 and len(set(labels.values())) >= 30
    precision, recall = quality.evaluate(DEFAULT_THRESHOLD)
    # Measured: precision 0.974 (an update of the Orbitel... see the bench),
    # recall 0.925 (misses: an English report of a story told in Chinese).
    assert precision >= 0.95
    assert recall >= 0.85


def test_clustering_5000_entries_stays_fast() -> None:
    import time

    entries = [
        make(i, i % 100, f"Company{i // 3} reports item{i // 3} results {i % 7}", hours=i / 500)
        for i in range(5000)
    ]
    start = time.perf_counter()
    clusters = cluster_entries(entries)
    elapsed = time.perf_counter() - start
    assert len(clusters) < 5000  # stories told three times were merged
    assert elapsed < 3.0  # generous: the machine is shared; bench_brief.py has the real figure


def test_posts_linked_as_fragments_of_one_page_stay_apart() -> None:
    # A blog that links each post as day.html#aNNN (Scripting News' shape):
    # the canonical URL drops the fragment, so every post of a day used to
    # collapse into one story. The aggregator's link to one post, by the
    # same fragment, still joins that post.
    quality = load_quality_module()
    path = ROOT / "tests" / "data" / "clusters" / "fragment-blog.json"
    entries, labels = quality.load_fixture(path)
    clusters = cluster_entries(entries)
    assert len(clusters) == len(set(labels.values())) == 10
    assert quality.evaluate(path=path) == (1.0, 1.0)
    assert len({canonical_url(e.link) for e in entries if e.feed_id == 1}) == 2


def test_article_key_keeps_fragments_that_name_a_post() -> None:
    post = make(1, 1, "", link="http://daybook.example/2026/04/13.html#a131005")
    other = make(2, 1, "", link="http://daybook.example/2026/04/13.html#a140944")
    page = make(3, 2, "", link="https://www.daybook.example/2026/04/13.html#comments")
    assert article_key(post) != article_key(other)
    assert article_key(page) == "daybook.example/2026/04/13.html"
    assert len(cluster_entries([post, other])) == 2
    same = make(4, 2, "", link="https://daybook.example/2026/04/13.html?utm_source=x#a131005")
    assert article_key(same) == article_key(post)


def test_the_same_input_in_any_order_gives_the_same_clusters() -> None:
    quality = load_quality_module()
    entries, _ = quality.load_fixture(quality.LOOKALIKES)
    more, _ = quality.load_fixture()
    # Ties in time, as real feeds have (several posts stamped to the minute).
    tied = [dataclasses.replace(e, published=1_770_000_000.0) for e in more[:20]]
    pool = entries + [dataclasses.replace(e, id=e.id + 10_000) for e in tied]
    expected = sorted(sorted(c.ids) for c in cluster_entries(pool))
    leads = {tuple(sorted(c.ids)): c.lead.id for c in cluster_entries(pool)}
    rng = random.Random(11)
    for _ in range(5):
        rng.shuffle(pool)
        clusters = cluster_entries(pool)
        assert sorted(sorted(c.ids) for c in clusters) == expected
        assert {tuple(sorted(c.ids)): c.lead.id for c in clusters} == leads


def test_the_same_entries_with_other_ids_in_any_order_give_the_same_clusters() -> None:
    # The store numbers entries as it meets them: the same feeds polled in
    # another order, or on another machine, give other ids. Clusters and
    # leads must not change, even for entries of the same time.
    quality = load_quality_module()
    entries, _ = quality.load_fixture(quality.LOOKALIKES)
    more, _ = quality.load_fixture()
    tied = [dataclasses.replace(e, published=1_770_000_000.0) for e in more]
    pool = entries + [dataclasses.replace(e, id=e.id + 10_000) for e in tied]

    def by_content(clusters: list[Cluster]) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
        def key(e: Entry) -> tuple[str, str]:
            return (e.feed_url, e.entry_key)

        return sorted((key(c.lead), sorted(map(key, c.members))) for c in clusters)

    expected = by_content(cluster_entries(pool))
    assert sum(len(members) > 1 for _, members in expected) >= 10
    rng = random.Random(5)
    for _ in range(5):
        ids = [e.id for e in pool]
        rng.shuffle(ids)
        renumbered = [dataclasses.replace(e, id=i) for e, i in zip(pool, ids, strict=True)]
        rng.shuffle(renumbered)
        assert by_content(cluster_entries(renumbered)) == expected


def test_quality_on_the_lookalike_fixture() -> None:
    # Different events with near-identical titles (plants in two countries,
    # price cuts of two models, two phones sharing a model number, two rate
    # decisions, two earthquakes...) and multi-outlet stories in other words.
    quality = load_quality_module()
    entries, labels = quality.load_fixture(quality.LOOKALIKES)
    assert len(entries) >= 50 and len(set(labels.values())) >= 25
    assert any(not e.title.isascii() for e in entries)
    precision, recall = quality.evaluate(path=quality.LOOKALIKES)
    # Measured: precision 1.000, recall 0.902 (misses: a rate cut told as
    # "to 3.25%" and as "by 25 basis points", two reworded Chinese pairs, a
    # strike report that does not name the port).
    assert precision >= 0.95
    assert recall >= 0.8


def test_lookalikes_with_conflicting_places_models_or_figures_stay_apart() -> None:
    pairs = [
        ("Voltaris to build battery plant in Brazil", "Voltaris to build battery plant in Hungary"),
        ("Rivenna cuts Model Y prices in China", "Rivenna cuts Model 3 prices in China"),
        ("Magnitude 6.4 earthquake strikes Peru", "Magnitude 5.8 earthquake strikes Peru"),
        ("恒锐汽车在泰国建设整车工厂", "恒锐汽车在墨西哥建设整车工厂"),
        ("小米15手机正式发布", "小米14手机正式发布"),
    ]
    for a, b in pairs:
        assert len(cluster_entries([make(1, 1, a), make(2, 2, b, hours=1)])) == 2, (a, b)
    same = [make(1, 1, "Voltaris to build battery plant in Brazil")]
    same.append(make(2, 2, "Voltaris picks Brazil for new battery plant", hours=1))
    assert len(cluster_entries(same)) == 1


def test_a_report_can_come_with_stored_features() -> None:
    entries = [
        make(1, 1, "Nimbus Cloud raises storage prices across Europe by 18%"),
        make(2, 2, "Nimbus hikes European storage prices 18%", hours=1),
        make(3, 3, "Unrelated story about rain in Lisbon", hours=2),
    ]
    stored = {e.id: decode(encode(entry_features(e))) for e in entries}
    assert sorted(sorted(c.ids) for c in cluster_entries(entries, features=stored)) == sorted(
        sorted(c.ids) for c in cluster_entries(entries)
    )


def test_numbered_posts_of_one_feed_stay_apart() -> None:
    # "Part 1" and "Part 2" of one feed an hour apart: two posts, not an update.
    parts = [make(i, 1, f"Inside the harbour strike, part {i}", hours=i) for i in (1, 2, 3)]
    clusters = cluster_entries(parts)
    assert sorted(len(c.members) for c in clusters) == [1, 1, 1]


def test_undated_posts_join_only_as_the_same_article() -> None:
    dated = make(1, 1, "Harbour workers strike over new shift rotas in Rotterdam")
    undated = dataclasses.replace(
        make(2, 2, "Harbour workers strike over new shift rotas in Rotterdam"), published=None
    )
    # An undated backlog post looks like today's news but has no time to
    # compare: it stays its own story...
    assert sorted(len(c.members) for c in cluster_entries([dated, undated])) == [1, 1]
    # ...unless it is the same article (same canonical link).
    same = dataclasses.replace(undated, link=dated.link)
    assert [len(c.members) for c in cluster_entries([dated, same])] == [2]


def test_a_long_selection_is_cut_where_the_news_paused() -> None:
    # 6,000 entries a minute apart, with one pause of two hours after the
    # 4,500th: a story told just before and just after the nominal cut at
    # 5,000 stays whole, because the cut is made at the pause instead.
    from briefterm.brief import rank

    def at(i: int) -> float:
        return i / 60 + (2.0 if i >= 4500 else 0.0)

    entries = [
        make(i, i % 50, f"Filler report number {i} about topic {i}", hours=at(i))
        for i in range(6000)
    ]
    chunks = rank._time_chunks(entries)
    assert [len(c) for c in chunks] == [4500, 1500]
    assert sum(len(c) for c in chunks) == 6000
    # Without a pause the cut is at the full size.
    even = [make(i, i % 50, f"Filler {i}", hours=i / 60) for i in range(6000)]
    assert [len(c) for c in rank._time_chunks(even)] == [5000, 1000]
