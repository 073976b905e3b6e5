"""Section patterns are the user's regexes over untrusted text: each alone, linear time.

Before RE2, ``(?i)ok`` inside a pattern or one group name in two patterns
passed ``config check`` and then made every brief fail (the patterns were
joined into one Python regex), and ``(a+)+$`` against a hostile title
backtracked for hours in the reader and in ``briefterm brief``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefterm.brief.sections import OTHER, SectionRules
from briefterm.config import Config, ConfigError, SectionConfig, load_config
from briefterm.userregex import PatternError, compile_one
from tests.unit.test_sections import entry


def rules_for(*patterns: str, keywords: tuple[str, ...] = ()) -> SectionRules:
    section = SectionConfig(name="Picked", patterns=patterns, keywords=keywords)
    return SectionRules.from_config(Config(sections=(section,)))


def test_inline_flags_and_repeated_group_names_work_together() -> None:
    rules = rules_for(r"\bchip(?i)s?\b", "(?P<what>wafer)", "(?P<what>fab)", keywords=("芯片",))
    assert rules.assign(entry("New WAFER plant")) == "Picked"
    assert rules.assign(entry("A second fab opens")) == "Picked"
    assert rules.assign(entry("Chips are back")) == "Picked"
    assert rules.assign(entry("新的芯片工厂")) == "Picked"
    assert rules.assign(entry("Nothing here")) == OTHER


def test_a_catastrophic_pattern_on_a_hostile_title_finishes() -> None:
    # Python's re needs about 2**40 steps for this; RE2 is linear in the text.
    rules = rules_for("(a+)+$", "(x+x+)+y")
    hostile = "a" * 40 + "!"
    assert rules.assign(entry(hostile, summary="x" * 5000)) == OTHER
    assert rules.assign(entry("a" * 40)) == "Picked"


def test_a_pattern_re2_cannot_run_is_skipped_by_the_brief_and_named_by_the_check(
    tmp_path: Path,
) -> None:
    rules = rules_for(r"(a)\1", "(?=x)y", "kept")
    assert rules.assign(entry("this is kept")) == "Picked"
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sections]]\nname = "S"\npatterns = ["(a)\\\\1", "good", "(?<!x)y", "[unclosed"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(config)
    lines = str(info.value).splitlines()
    assert len(lines) == 3, lines  # each bad pattern on its own line, the good one not
    assert 'pattern "(a)\\\\1"' in lines[0] and "backreferences are not supported" in lines[0]
    assert 'pattern "(?<!x)y"' in lines[1] and "lookbehind" in lines[1]
    assert 'pattern "[unclosed"' in lines[2] and "missing ]" in lines[2]


def test_compile_one_says_why() -> None:
    with pytest.raises(PatternError, match="missing \\)"):
        compile_one("(open")
    assert compile_one("(?i)OK").search("ok") is not None
    assert compile_one("ok").search("OK") is not None  # case-insensitive, like keywords
