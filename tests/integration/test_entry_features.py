"""Cluster features stored with their entries: the binary form, the table, the poller's hook."""

from __future__ import annotations

import dataclasses
import random
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefterm.brief import EditionWindow, build_brief
from briefterm.brief.cluster import cluster_entries
from briefterm.brief.features import (
    FORMAT_VERSION,
    decode,
    encode,
    entry_features,
    features_for,
    store_features,
    stored_features,
)
from briefterm.config import Config, FeedConfig, PollConfig
from briefterm.models import ParsedEntry
from briefterm.poller import poll
from briefterm.store import EntryFilter, Store
from tests.support.loopback import LoopbackServer, Reply

NOW = 1_800_000_000.0


def parsed(key: str, title: str, hours: float = 0.0, summary: str = "") -> ParsedEntry:
    return ParsedEntry(
        entry_id=key,
        title=title,
        link=f"https://news.example.org/{key}",
        summary=summary,
        published=datetime.fromtimestamp(NOW - 3600 * hours, UTC),
    )


STORIES = [
    ("a", "Voltaris to build battery plant in Brazil"),
    ("b", "Voltaris picks Brazil for new battery plant"),
    ("c", "Voltaris to build battery plant in Hungary"),
    ("d", "里维纳宣布在中国下调Model Y售价"),
    ("e", "Rivenna cuts Model Y prices in China by 8.5%"),
]


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Store, list[int]]]:
    store = Store(tmp_path / "cache.sqlite3")
    feeds = [store.ensure_feed(f"https://f{i}.example/rss", f"F{i}") for i in range(2)]
    for n, (key, title) in enumerate(STORIES):
        store.upsert_entries(feeds[n % 2], [parsed(key, title, hours=n)], now=NOW)
    yield store, feeds
    store.close()


def test_the_binary_form_keeps_every_field() -> None:
    f = features_for(
        "Rivenna cuts Model Y prices in China by 8.5% — 小米15 on sale",
        "里维纳宣布在中国下调Model Y售价。",
        "https://x.example/rivenna-cuts-model-y-prices-china/?id=1#c9",
    )
    assert f.figures and f.places and f.models and f.article
    blob = encode(f)
    assert isinstance(blob, bytes) and len(blob) < 400
    back = decode(blob)
    assert back.tokens == f.tokens
    assert back.weights == f.weights
    assert back.norm == pytest.approx(f.norm)
    assert (back.figures, back.places, back.models, back.article) == (
        f.figures,
        f.places,
        f.models,
        f.article,
    )
    empty = features_for("")
    assert decode(encode(empty)) == empty


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"\x01\x00",
        struct.pack("<B4H", FORMAT_VERSION + 1, 0, 0, 0, 0),  # another format
        struct.pack("<B4H", FORMAT_VERSION, 3, 0, 0, 0) + b"\x00" * 8,  # weights cut short
        struct.pack("<B4H", FORMAT_VERSION, 1, 0, 0, 0) + struct.pack("<d", 1.0) + b"\xff\xfe",
        struct.pack("<B4H", FORMAT_VERSION, 2, 0, 0, 0) + struct.pack("<2d", 1, 1) + b"one",
    ],
)
def test_malformed_blobs_raise_value_error(blob: bytes) -> None:
    with pytest.raises(ValueError):
        decode(blob)


def test_assembly_stores_what_it_computes_and_reads_it_next_time(
    filled: tuple[Store, list[int]],
) -> None:
    store, _ = filled
    entries = store.list_entries()
    ids = [e.id for e in entries]
    assert store.feature_blobs(ids, FORMAT_VERSION) == {}
    first = stored_features(store, entries)
    blobs = store.feature_blobs(ids, FORMAT_VERSION)
    assert sorted(blobs) == sorted(ids)
    assert {i: decode(b) for i, b in blobs.items()} == first
    # Read back, not recomputed: a row replaced by hand is what comes back.
    store.save_feature_blobs([(ids[0], FORMAT_VERSION, encode(features_for("Other words")))])
    assert stored_features(store, entries)[ids[0]].tokens == features_for("Other words").tokens


def test_old_versions_and_damaged_rows_are_recomputed(filled: tuple[Store, list[int]]) -> None:
    store, _ = filled
    entries = store.list_entries()
    a, b = entries[0].id, entries[1].id
    store.save_feature_blobs([(a, FORMAT_VERSION - 1, b"old"), (b, FORMAT_VERSION, b"\x00bad")])
    got = stored_features(store, entries)
    assert got[a] == entry_features(entries[0]) and got[b] == entry_features(entries[1])
    assert decode(store.feature_blobs([a, b], FORMAT_VERSION)[b]) == got[b]


def test_a_changed_entry_loses_its_stored_features(filled: tuple[Store, list[int]]) -> None:
    store, feeds = filled
    assert store_features(store, feeds[0]) == 3
    assert store_features(store, feeds[0]) == 0  # nothing left to do
    [entry] = [
        e for e in store.list_entries(EntryFilter(feed_ids=(feeds[0],))) if e.entry_key == "a"
    ]
    store.upsert_entries(feeds[0], [parsed("a", "Voltaris drops its Brazil plant")], now=NOW)
    assert entry.id not in store.feature_blobs([entry.id], FORMAT_VERSION)
    assert store_features(store, feeds[0]) == 1
    fresh = decode(store.feature_blobs([entry.id], FORMAT_VERSION)[entry.id])
    assert "drop" in fresh.tokens or "drops" in fresh.tokens


def test_a_read_only_store_reads_features_but_writes_none(
    filled: tuple[Store, list[int]],
) -> None:
    store, _ = filled
    reader = store.reader()
    try:
        entries = reader.list_entries()
        got = stored_features(reader, entries)
        assert got == {e.id: entry_features(e) for e in entries}
        assert store.feature_blobs([e.id for e in entries], FORMAT_VERSION) == {}
    finally:
        reader.close()


def test_stored_features_give_the_same_clusters_in_any_order(
    filled: tuple[Store, list[int]],
) -> None:
    store, _ = filled
    entries = store.list_entries()
    # Ties in time as real feeds have them: the order must not matter either.
    entries += [dataclasses.replace(e, id=e.id + 100, published=NOW) for e in entries]
    fresh = sorted(sorted(c.ids) for c in cluster_entries(entries))
    stored = {e.id: decode(encode(entry_features(e))) for e in entries}
    rng = random.Random(3)
    for _ in range(4):
        rng.shuffle(entries)
        assert sorted(sorted(c.ids) for c in cluster_entries(entries, features=stored)) == fresh


def test_the_brief_uses_and_fills_the_store(filled: tuple[Store, list[int]]) -> None:
    store, _ = filled
    config = Config(feeds=tuple(FeedConfig(url=f"https://f{i}.example/rss") for i in range(2)))
    window = EditionWindow.since(NOW - 86400, now=NOW + 1)
    brief = build_brief(store, config, window)
    ids = [e.id for e in store.list_entries()]
    assert sorted(store.feature_blobs(ids, FORMAT_VERSION)) == sorted(ids)
    merged = [c for s in brief.sections for c in s.clusters if len(c.members) > 1]
    titles = sorted(sorted(e.title for e in c.members) for c in merged)
    assert sorted([STORIES[0][1], STORIES[1][1]]) in titles
    assert all(STORIES[2][1] not in t or len(t) == 1 for t in titles)


def test_the_poller_stores_features_of_new_entries() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://news.example.org/</link><description>d</description>"
        + "".join(
            f"<item><guid>{key}</guid><title>{title}</title>"
            f"<link>https://news.example.org/{key}</link>"
            "<pubDate>Sun, 01 Mar 2026 08:00:00 GMT</pubDate></item>"
            for key, title in STORIES[:3]
        )
        + "</channel></rss>"
    ).encode()
    store = Store(":memory:")
    with LoopbackServer() as server:
        url = server.route("/feed", lambda _request: Reply(body=body))
        config = Config(feeds=(FeedConfig(url=url),), poll=PollConfig(timeout=1.0))
        poll(store, config, now=NOW)
    entries = store.list_entries()
    assert len(entries) == 3
    blobs = store.feature_blobs([e.id for e in entries], FORMAT_VERSION)
    assert {i: decode(b) for i, b in blobs.items()} == {e.id: entry_features(e) for e in entries}


def _rss(stories: list[tuple[str, str]]) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + "".join(
            f"<item><guid>{key}</guid><title>{title}</title>"
            f"<link>https://news.example.org/{key}</link></item>"
            for key, title in stories
        )
        + "</channel></rss>"
    ).encode()


def test_a_re_poll_replaces_the_features_of_a_changed_entry_and_fills_missing_ones() -> None:
    # The parse step prepares features with each entry; an entry whose title
    # changed gets new ones, and one stored without (an older cache) gets its
    # own from the writer's fallback.
    store = Store(":memory:")
    bodies = [_rss(STORIES[:2]), _rss([(STORIES[0][0], "Voltaris drops the plant"), STORIES[1]])]
    with LoopbackServer() as server:
        url = server.route("/feed", lambda _request: Reply(body=bodies[0]))
        config = Config(feeds=(FeedConfig(url=url),), poll=PollConfig(timeout=1.0))
        poll(store, config, now=NOW)
        first = {e.entry_key: e.id for e in store.list_entries()}
        with store.write() as db:
            db.execute("DELETE FROM entry_features WHERE entry_id = ?", (first["b"],))
        bodies[0] = bodies[1]
        poll(store, config, now=NOW + 7200, force=True)
    entries = store.list_entries()
    assert sorted(e.title for e in entries) == ["Voltaris drops the plant", STORIES[1][1]]
    blobs = store.feature_blobs([e.id for e in entries], FORMAT_VERSION)
    assert {i: decode(b) for i, b in blobs.items()} == {e.id: entry_features(e) for e in entries}
