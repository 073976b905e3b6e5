"""Config loading, validation messages, subscriptions management and init."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.config import (
    Config,
    ConfigError,
    FeedConfig,
    PollConfig,
    SectionConfig,
    add_subscription,
    add_subscriptions,
    example_config_text,
    init_config,
    load_config,
    remove_subscription,
)
from tests import support

REPO = support.REPO


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    cfg = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    message = str(info.value)
    assert "\n" not in message  # one line, always
    assert message.startswith(f"{cfg}: ")
    return message.removeprefix(f"{cfg}: ")


# -- locations and defaults ---------------------------------------------------------


def test_missing_default_config_gives_defaults() -> None:
    config = load_config()
    assert config == Config()
    assert not paths.config_path().exists()


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no such config file.*config init"):
        load_config(tmp_path / "nope.toml")


def test_env_variable_names_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write(tmp_path / "elsewhere.toml", '[ui]\ntheme = "nord"\n')
    monkeypatch.setenv("BRIEFTERM_CONFIG", str(cfg))
    config = load_config()
    assert config.ui.theme == "nord"
    assert config.path == cfg
    monkeypatch.setenv("BRIEFTERM_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="no such config file"):
        load_config()


def test_default_location_follows_xdg(isolated_dirs: Path) -> None:
    cfg = paths.config_path()
    assert str(cfg).startswith(str(isolated_dirs))
    write(cfg, '[brief]\ntitle = "Evening edition"\nkey_stories = 3\n')
    config = load_config()
    assert config.brief.title == "Evening edition"
    assert config.brief.key_stories == 3


def uncommented(text: str) -> str:
    """The example with every setting line ("#key = ...", "#[table]") made live."""
    return re.sub(r"(?m)^#(?=[\w\[])", "", text)


def test_example_config_does_nothing_until_edited() -> None:
    # `config init` writes it: no live feed, section or setting at all.
    assert load_config(REPO / "config.example.toml") == Config(path=REPO / "config.example.toml")
    text = example_config_text()
    assert all(line.startswith("#") for line in text.splitlines() if line.strip())


def test_example_config_documents_everything(tmp_path: Path) -> None:
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    assert example_config_text() == text
    live = write(tmp_path / "config.toml", uncommented(text))
    config = load_config(live)
    # Uncommented, the examples are a valid config that shows every rule.
    assert [s.name for s in config.sections] == ["Policy", "People"]
    policy = config.sections[0]
    assert "监管" in policy.keywords and policy.patterns and policy.categories
    assert config.sections[1].feeds and config.sections[1].authors
    assert config.feeds and config.keymap
    # Every settable key appears in the example (its default value, as a
    # comment), so every key is documented there.
    for table in ("poll", "ui", "brief", "export"):
        defaults = getattr(Config(), table)
        for key in defaults.__slots__:
            assert f"\n#{key} = " in text, f"{table}.{key} missing from config.example.toml"
            assert getattr(config, table) == defaults, f"[{table}] example differs from default"
    for cls in (FeedConfig, SectionConfig):
        for key in cls.__slots__:
            assert f"\n#{key} = " in text, f"{cls.__name__}.{key} missing"


def test_full_config_round_trips_into_dataclasses(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "config.toml",
        """
browser = "firefox --new-tab {url}"
[[feeds]]
url = "https://example.com/feed.xml"
name = "Example"
section = "Tech"
interval = 15
priority = 2
[[sections]]
name = "Policy"
keywords = "chips"
patterns = ['\\bEU\\b']
limit = 3
[poll]
timeout = 12
concurrency = 4
[ui]
mark_read = "after"
mark_read_delay = 1.5
[export]
format = "links"
clipboard = "osc52"
[keymap]
quit = ["q", "ctrl+q"]
refresh = " r , ctrl+r "
""",
    )
    config = load_config(cfg)
    assert config.path == cfg
    assert config.feeds == (FeedConfig("https://example.com/feed.xml", "Example", "Tech", 15, 2),)
    assert config.sections[0].keywords == ("chips",)
    assert config.sections[0].limit == 3
    assert config.poll == PollConfig(timeout=12.0, concurrency=4)
    assert isinstance(config.poll.timeout, float)
    assert config.ui.mark_read == "after" and config.ui.mark_read_delay == 1.5
    assert config.export.format == "links" and config.export.clipboard == "osc52"
    assert config.keymap == {"quit": "q,ctrl+q", "refresh": "r,ctrl+r"}
    assert config.browser == "firefox --new-tab {url}"


# -- validation messages --------------------------------------------------------------


def test_bad_number_names_key_and_value(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[poll]\ntimeout = "fast"\n')
    assert message == 'poll.timeout must be a positive number of seconds up to 3600 (got "fast")'


def test_bad_feed_url_names_the_feed_index(tmp_path: Path) -> None:
    feeds = "".join(f'[[feeds]]\nurl = "https://e.com/{i}"\n' for i in range(2))
    message = error_for(tmp_path, feeds + '[[feeds]]\nurl = "ftp://x"\n')
    assert message == 'feeds[3].url must be an http(s) URL (got "ftp://x")'


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    assert error_for(tmp_path, '[ui]\ncolour = "red"\ntheme = "nord"\n') == (
        "unknown key ui.colour (did you mean ui.theme?)"
    )
    assert error_for(tmp_path, "[pol]\ntimeout = 3\n") == "unknown key pol (did you mean poll?)"
    assert error_for(tmp_path, '[[feeds]]\nurl = "https://e.com"\nnmae = "x"\n') == (
        "unknown key feeds[1].nmae (did you mean feeds[1].name?)"
    )
    assert error_for(tmp_path, "zzz = 1\n") == "unknown key zzz"


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    message = error_for(tmp_path, "[poll]\ntimeout = 3\nconcurrency = = 4\n")
    assert message.startswith("invalid TOML: ")
    assert "line 3" in message and "column" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[ui]\nmark_read = "sometimes"\n',
            'ui.mark_read must be one of "never", "on-open", "after" (got "sometimes")',
        ),
        (
            "[poll]\nconcurrency = true\n",
            "poll.concurrency must be a whole number from 1 to 256 (got true)",
        ),
        (
            "[poll]\nconcurrency = 2.5\n",
            "poll.concurrency must be a whole number from 1 to 256 (got 2.5)",
        ),
        (
            "[brief]\ntitle_similarity = 1.5\n",
            "brief.title_similarity must be a number from 0 to 1 (got 1.5)",
        ),
        (
            '[export]\nformat = "pdf"\n',
            'export.format must be one of "md", "text", "links", "json" (got "pdf")',
        ),
        ("poll = 3\n", "poll must be a table (got 3)"),
        ('[[feeds]]\nname = "x"\n', 'feeds[1] has no url (every [[feeds]] needs url = "...")'),
        (
            '[[feeds]]\nurl = "https://e.com"\n[[feeds]]\nurl = "https://e.com"\n',
            "feeds[2].url repeats feeds[1] (https://e.com)",
        ),
        (
            '[[feeds]]\nurl = "https://e.com"\ninterval = 0\n',
            "feeds[1].interval must be a whole number of minutes from 1 to 527040 (got 0)",
        ),
        (
            '[[sections]]\nkeywords = ["a"]\n',
            'sections[1] has no name (every [[sections]] needs name = "...")',
        ),
        (
            '[[sections]]\nname = "A"\n[[sections]]\nname = "a"\n',
            'sections[2].name repeats the section "a"',
        ),
        (
            '[[sections]]\nname = "A"\nkeywords = [1]\n',
            "sections[1].keywords must be an array of strings (item 1 is 1)",
        ),
        (
            "[keymap]\nquit = 3\n",
            'keymap.quit must be a string of comma-separated keys, e.g. "j,down" (got 3)',
        ),
        (
            "browser = 'firefox \"{url}'\n",
            'browser is not a valid command line (No closing quotation): "firefox \\"{url}"',
        ),
    ],
)
def test_validation_messages(tmp_path: Path, text: str, expected: str) -> None:
    assert error_for(tmp_path, text) == expected


def test_bad_regex_names_section_and_pattern(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[[sections]]\nname = "Chips"\npatterns = ["ok", "(unclosed"]\n')
    assert message.startswith('sections[1] ("Chips") pattern "(unclosed" is not a valid regular')
    assert "missing )" in message


def test_not_utf8_and_directory(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_bytes(b'title = "\xff"\n')
    with pytest.raises(ConfigError, match="is not UTF-8"):
        load_config(cfg)
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


# -- subscriptions.toml ----------------------------------------------------------------

HAND_WRITTEN = """\
# My precious comments
[[feeds]]
url = "https://own.example.com/feed"  # keep me
name = "Own"
section = "Mine"
"""


def test_add_writes_only_subscriptions_and_merge(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", HAND_WRITTEN)
    before = cfg.read_bytes()
    assert add_subscription(cfg, FeedConfig("https://new.example.org/rss", section="News"))
    assert not add_subscription(cfg, FeedConfig("https://new.example.org/rss"))
    # A URL from config.toml is already subscribed; nothing is written for it.
    assert not add_subscription(cfg, FeedConfig("https://own.example.com/feed", name="dup"))
    assert cfg.read_bytes() == before
    subs = paths.subscriptions_path(cfg)
    text = subs.read_text(encoding="utf-8")
    assert text.startswith("# Managed by briefterm")
    assert 'url = "https://new.example.org/rss"' in text
    assert "interval" not in text  # defaults are left out
    config = load_config(cfg)
    assert [f.url for f in config.feeds] == [
        "https://own.example.com/feed",
        "https://new.example.org/rss",
    ]
    assert config.feed("https://new.example.org/rss").section == "News"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_config_toml_wins_on_duplicates(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", HAND_WRITTEN)
    write(
        paths.subscriptions_path(cfg),
        '[[feeds]]\nurl = "https://own.example.com/feed"\nname = "Managed"\n',
    )
    config = load_config(cfg)
    assert len(config.feeds) == 1
    assert config.feeds[0].name == "Own"


def test_subscriptions_without_config_file() -> None:
    cfg = paths.config_path()
    assert add_subscriptions(
        cfg, [FeedConfig("https://a.example/f"), FeedConfig("https://a.example/f")]
    )
    assert not cfg.exists()
    assert [f.url for f in load_config().feeds] == ["https://a.example/f"]


def test_remove_subscription(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", HAND_WRITTEN)
    add_subscriptions(cfg, [FeedConfig("https://a.example/1"), FeedConfig("https://a.example/2")])
    assert remove_subscription(cfg, "https://a.example/1")
    assert [f.url for f in load_config(cfg).feeds][1:] == ["https://a.example/2"]
    assert not remove_subscription(cfg, "https://a.example/1")
    with pytest.raises(ConfigError, match=r"defined in .*config.toml; remove its \[\[feeds\]\]"):
        remove_subscription(cfg, "https://own.example.com/feed")
    assert cfg.read_text(encoding="utf-8") == HAND_WRITTEN


def test_remove_refuses_a_feed_also_in_config_toml(tmp_path: Path) -> None:
    # Added from the CLI, then copied into config.toml to give it a section:
    # removing it from subscriptions.toml alone would leave it subscribed.
    cfg = write(tmp_path / "config.toml", HAND_WRITTEN)
    add_subscriptions(cfg, [FeedConfig("https://a.example/1")])
    cfg.write_text(
        HAND_WRITTEN + '\n[[feeds]]\nurl = "https://a.example/1"\nsection = "Tech"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="remove its"):
        remove_subscription(cfg, "https://a.example/1")
    subs = paths.subscriptions_path(cfg).read_text(encoding="utf-8")
    assert "https://a.example/1" in subs  # nothing was removed


def test_bad_subscriptions_file_is_named() -> None:
    subs = write(
        paths.subscriptions_path(paths.config_path()),
        '[[feeds]]\nurl = "javascript:alert(1)"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config()
    assert str(info.value) == (
        f'{subs}: feeds[1].url must be an http(s) URL (got "javascript:alert(1)")'
    )
    write(subs, "[poll]\ntimeout = 3\n")
    with pytest.raises(ConfigError, match=r"unknown key poll \(this file only holds"):
        load_config()


def test_add_refuses_non_http(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not an http"):
        add_subscription(tmp_path / "config.toml", FeedConfig("file:///etc/passwd"))


# -- init ----------------------------------------------------------------------------------


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    cfg = tmp_path / "sub" / "config.toml"
    init_config(cfg)
    assert cfg.read_text(encoding="utf-8") == example_config_text()
    cfg.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists; use `briefterm config init --force`"):
        init_config(cfg)
    assert cfg.read_text(encoding="utf-8") == "# mine\n"
    init_config(cfg, force=True)
    assert load_config(cfg).path == cfg


def test_config_warnings(tmp_path: Path) -> None:
    from briefterm.config import config_warnings

    assert config_warnings(load_config(REPO / "config.example.toml")) == []
    example = write(tmp_path / "example.toml", uncommented(example_config_text()))
    assert config_warnings(load_config(example)) == []
    cfg = write(
        tmp_path / "config.toml",
        '[[feeds]]\nurl = "https://e.com/f"\nname = "Known"\n'
        '[[sections]]\nname = "A"\nfeeds = ["known", "Missing"]\n'
        '[[sections]]\nname = "Empty"\n',
    )
    assert config_warnings(load_config(cfg)) == [
        'sections[1] ("A") lists feed "Missing", which is no feed\'s name or URL here; '
        "it can still match a feed's own title",
        'sections[2] ("Empty") has no rules and no feed names it, so it stays empty',
    ]


def test_atomic_write_keeps_mode_and_follows_symlinks(tmp_path: Path) -> None:
    from briefterm.fsutil import atomic_write_text

    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.md"
    atomic_write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


# -- every problem at once, the reader's tables, reload, update --------------------


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "config.toml",
        '[ui]\nmark_read = "sometimes"\nthem = "nord"\n'
        '[[sections]]\nname = "A"\npatterns = ["[("]\n'
        '[[sections]]\nname = "a"\n'
        "[export]\nformat = 3\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    lines = str(info.value).splitlines()
    assert len(lines) == 5 and all(line.startswith(f"{cfg}: ") for line in lines)
    assert "ui.mark_read must be one of" in lines[0]
    assert "unknown key ui.them (did you mean ui.theme?)" in lines[1]
    assert "is not a valid regular expression" in lines[2]
    assert 'sections[2].name repeats the section "a"' in lines[3]
    assert "export.format must be one of" in lines[4]


def test_reload_and_update_subscription(tmp_path: Path) -> None:
    from briefterm.config import reload_config, update_subscription

    cfg = write(tmp_path / "config.toml", HAND_WRITTEN)
    config = load_config(cfg)
    add_subscription(cfg, FeedConfig("https://new.example.org/rss"))
    assert reload_config(config).feed("https://new.example.org/rss") is not None
    updated = update_subscription(cfg, "https://new.example.org/rss", section="News")
    assert updated is not None and updated.section == "News"
    assert update_subscription(cfg, "https://new.example.org/rss", section="News") is None
    assert update_subscription(cfg, "https://unknown.example/rss", name="x") is None
    with pytest.raises(ConfigError, match="change its name or section in its"):
        update_subscription(cfg, "https://own.example.com/feed", name="Mine")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[poll]\nuser_agent = "caf\u00e9/1"\n', "poll.user_agent must be printable ASCII"),
        (
            '[poll]\nuser_agent = "a\\r\\nX-Injected: 1"\n',
            "poll.user_agent must be printable ASCII",
        ),
        ("[poll]\nuser_agent = '" + "x" * 300 + "'\n", "at most 256 characters"),
        ("[poll]\ntimeout = 1" + "0" * 400 + "\n", "poll.timeout must be a positive number"),
        ("[poll]\ntimeout = inf\n", "poll.timeout must be a positive number"),
        ("[poll]\nmax_bytes = 1" + "0" * 400 + "\n", "(got a number of more than 18 digits)"),
        ("[poll]\ndefault_interval = 99999999999\n", "from 1 to 527040"),
        ("[poll]\nmax_retry_after = 10000000000\n", "poll.max_retry_after must be"),
        ('[[feeds]]\nurl = "https://e.com"\ninterval = 1' + "0" * 400 + "\n", "from 1 to 527040"),
        ('[[feeds]]\nurl = "https://e.com"\ninterval = 1' + "0" * 5000 + "\n", "far too long"),
        ("a = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    ],
    ids=[
        "non-ascii-agent", "crlf-agent", "long-agent", "400-digit-timeout", "inf-timeout",
        "400-digit-max-bytes", "huge-interval", "huge-retry-after", "400-digit-feed-interval",
        "5000-digit-number", "nested-arrays", "nested-tables",
    ],
)  # fmt: skip
def test_hostile_values_are_config_errors(tmp_path: Path, text: str, expected: str) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    message = str(info.value)
    assert expected in message and message.startswith(f"{cfg}: ")
    assert len(message) < 400 and "\r" not in message
