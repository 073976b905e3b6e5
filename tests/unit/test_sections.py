"""Section rules: precedence, matching kinds, display order and caps."""

from __future__ import annotations

from briefterm.brief.sections import OTHER, SectionRules
from briefterm.config import Config, FeedConfig, SectionConfig
from briefterm.models import Entry


def entry(
    title: str = "A headline",
    *,
    feed_url: str = "https://a.example/rss",
    feed_title: str = "Feed A",
    summary: str = "",
    author: str = "",
    categories: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        id=1,
        feed_id=1,
        feed_url=feed_url,
        feed_title=feed_title,
        entry_key="k",
        title=title,
        link="",
        summary=summary,
        author=author,
        published=None,
        updated=None,
        first_seen=0.0,
        categories=categories,
    )


CONFIG = Config(
    feeds=(
        FeedConfig(url="https://a.example/rss", name="Wire A", section="Companies"),
        FeedConfig(url="https://b.example/rss", section="Markets"),
        FeedConfig(url="https://c.example/rss"),
    ),
    sections=(
        SectionConfig(name="Policy", categories=("Regulation",), keywords=("antitrust", "监管")),
        SectionConfig(
            name="Chips", patterns=(r"\bsemiconductors?\b", r"[([invalid"), authors=("ding yi",)
        ),
        SectionConfig(name="From Wire", feeds=("Wire A",)),
        SectionConfig(name="Science", limit=2),
        SectionConfig(name="Recalls", keywords=("recall",), override=True),
    ),
)


def test_the_users_folders_win_over_keyword_rules() -> None:
    rules = SectionRules.from_config(CONFIG)
    b = "https://b.example/rss"  # in the user's "Markets" folder
    # A keyword rule does not take an entry out of its feed's own section...
    assert rules.assign(entry("New ANTITRUST case filed", feed_url=b)) == "Markets"
    # ...unless the rule says it overrides.
    assert rules.assign(entry("Carmaker announces recall", feed_url=b)) == "Recalls"
    # A rule that names the feed places it like its own section does.
    assert rules.assign(entry("New ANTITRUST case filed")) == "From Wire"
    assert rules.assign(entry("Quarterly update")) == "From Wire"
    # Without a section of its own, the first matching rule wins.
    c = "https://c.example/rss"
    assert rules.assign(entry("Antitrust case over semiconductors", feed_url=c)) == "Policy"


def test_each_rule_kind_matches_case_insensitively() -> None:
    rules = SectionRules.from_config(CONFIG)
    c = "https://c.example/rss"
    assert rules.assign(entry("x", feed_url=c, categories=("regulation",))) == "Policy"
    assert rules.assign(entry("市场监管总局发布新规", feed_url=c)) == "Policy"  # CJK substring
    assert rules.assign(entry("x", feed_url=c, summary="antitrust probe")) == "Policy"
    assert rules.assign(entry("Semiconductor tariffs", feed_url=c)) == "Chips"  # regex
    assert rules.assign(entry("x", feed_url=c, author="Ding Yi")) == "Chips"
    assert (
        rules.assign(entry("x", feed_url="HTTPS://A.EXAMPLE/RSS", feed_title="Other title"))
        == "From Wire"
    )  # the feed URL also matches a rule that names the feed


def test_fallbacks_feed_section_then_category_named_like_a_section_then_other() -> None:
    rules = SectionRules.from_config(CONFIG)
    assert rules.assign(entry("x", feed_url="https://b.example/rss")) == "Markets"
    assert rules.assign(entry("x", feed_url="https://b.example/rss"), "Given") == "Given"
    c = "https://c.example/rss"
    assert rules.assign(entry("x", feed_url=c, categories=("misc", "SCIENCE"))) == "Science"
    assert rules.assign(entry("x", feed_url=c, categories=("misc",))) == OTHER


def test_order_is_config_then_feed_sections_then_unknown_then_other() -> None:
    rules = SectionRules.from_config(CONFIG)
    present = [OTHER, "Markets", "Zeta", "Companies", "Chips", "Policy"]  # no Recalls today
    assert rules.order(present) == ["Policy", "Chips", "Companies", "Markets", "Zeta", OTHER]
    assert rules.limit("Science") == 2
    assert rules.limit("Policy") is None


def test_invalid_pattern_is_skipped_not_raised() -> None:
    rules = SectionRules.from_config(CONFIG)
    assert rules.assign(entry("[([invalid", feed_url="https://c.example/rss")) == OTHER
